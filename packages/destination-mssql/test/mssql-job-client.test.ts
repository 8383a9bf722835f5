import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseTerminalException, isTerminal, LoadPackageStorage, Schema, type ColumnSchema, type TableSchema } from "@dlt-ts/core";
import { MssqlJobClient, MssqlSqlClient, MssqlValueConversionException, mssqlCapabilities } from "@dlt-ts/destination-mssql";
import { FakePool, FakeServer, type CatalogColumn } from "./fake-mssql.js";

const DLT_ID: ColumnSchema = { name: "_dlt_id", dataType: "text", nullable: false, unique: true, rowKey: true };
const LOAD_ID: ColumnSchema = { name: "_dlt_load_id", dataType: "text", nullable: false };

function items(extra: ColumnSchema[] = []): TableSchema {
  const columns = [{ name: "id", dataType: "bigint", nullable: false } as ColumnSchema, { name: "name", dataType: "text" } as ColumnSchema, ...extra, LOAD_ID, DLT_ID];
  return { name: "items", writeDisposition: "append", columns: Object.fromEntries(columns.map((c) => [c.name, c])) };
}

function schemaOf(...tables: TableSchema[]): Schema {
  const schema = new Schema("hand");
  for (const t of tables) schema.tables[t.name] = structuredClone(t);
  schema.bumpVersion();
  return schema;
}

function setup(schema: Schema, options: { bulkLoad?: boolean } = {}) {
  const server = new FakeServer();
  const sql = new MssqlSqlClient(mssqlCapabilities(), "ds", { pool: new FakePool(server) });
  return { server, client: new MssqlJobClient(schema, sql, options) };
}

const catalogColumn = (column_name: string, data_type: string, extra: Partial<CatalogColumn> = {}): CatalogColumn => ({
  column_name,
  data_type,
  max_length: data_type === "nvarchar" ? -1 : null,
  numeric_precision: null,
  numeric_scale: null,
  datetime_precision: null,
  is_nullable: "YES",
  ...extra,
});

/** A job file in a scratch package, as the loader hands it over. */
function job(table: TableSchema, fileName: string, content: string) {
  const root = mkdtempSync(join(tmpdir(), "mssql-job-"));
  const loadId = "1700000000.1";
  mkdirSync(join(root, loadId, "started_jobs"), { recursive: true });
  const filePath = join(root, loadId, "started_jobs", fileName);
  writeFileSync(filePath, content);
  return { loadId, fileName, filePath, table, packages: new LoadPackageStorage(root) };
}

describe("MssqlJobClient", () => {
  test("tables found in the catalog under another case are not created again; missing columns are added", async () => {
    const table = items([{ name: "extra", dataType: "double" }]);
    const { server, client } = setup(schemaOf(table));
    await client.initializeStorage();
    server.tables.get("ds")!.set("items", {
      name: "Items",
      columns: [catalogColumn("ID", "bigint"), catalogColumn("Name", "nvarchar"), catalogColumn("_dlt_load_id", "nvarchar"), catalogColumn("_DLT_ID", "nvarchar", { max_length: 900 })],
    });
    const before = server.log.length;
    await client.updateStoredSchema({ items: table });
    const ddl = server.log.slice(before).map((r) => r.sql).filter((s) => /CREATE TABLE|ALTER TABLE/.test(s));
    expect(ddl).toEqual(["ALTER TABLE [ds].[items] ADD\n  [extra] float"]);
  });

  test("storage tables read back with dlt types", async () => {
    const { client } = setup(schemaOf(items()));
    await client.initializeStorage();
    await client.updateStoredSchema({ items: items() });
    const stored = await client.getStorageTables(["items", "missing"]);
    expect(Object.keys(stored)).toEqual(["items"]);
    expect(stored.items!.columns).toEqual({
      id: { name: "id", dataType: "bigint", nullable: false },
      name: { name: "name", dataType: "text", nullable: true },
      _dlt_load_id: { name: "_dlt_load_id", dataType: "text", nullable: false },
      _dlt_id: { name: "_dlt_id", dataType: "text", precision: 900, nullable: false },
    });
  });

  test("the stored schema is read with TOP (1) and a quoted alias", async () => {
    const schema = schemaOf(items());
    const { server, client } = setup(schema);
    server.responders.push((sql) => (sql.startsWith("SELECT TOP (1) [schema] AS [schema] FROM [ds].[_dlt_version]") ? { rows: [{ schema: JSON.stringify(schema.toStored()) }] } : undefined));
    const stored = await client.getStoredSchema("hand");
    expect(stored?.name).toBe("hand");
  });

  test.each([true, false])("a csv value the column cannot take fails the job as terminal, naming file, record and column (bulk load: %p)", async (bulkLoad) => {
    const table = items();
    const { server, client } = setup(schemaOf(table), { bulkLoad });
    await client.initializeStorage();
    await client.updateStoredSchema({ items: table });
    const request = job(table, "items.abc.0.csv", "id,name,_dlt_load_id,_dlt_id\n1,a,l,x1\nnot-a-number,b,l,x2\n");
    const error = await client.createLoadJob(request).run().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MssqlValueConversionException);
    expect(error).toBeInstanceOf(DatabaseTerminalException);
    expect((error as Error).message).toBe(
      'Job items.abc.0.csv failed to load table "items": csv file items.abc.0.csv, record 3: Column "id" (bigint): a value is not an integer',
    );
    expect(server.statements().at(-1)).toBe("IF @@TRANCOUNT > 0 ROLLBACK TRANSACTION");
  });

  test("a csv column the table lacks fails before loading", async () => {
    const table = items();
    const { server, client } = setup(schemaOf(table));
    await client.initializeStorage();
    await client.updateStoredSchema({ items: table });
    const error = await client.createLoadJob(job(table, "items.abd.0.csv", "id,ghost\n1,x\n")).run().catch((e: unknown) => e);
    // Raised inside the job's transaction, it comes out classified: still terminal, same words.
    expect(isTerminal(error)).toBe(true);
    expect((error as Error).message).toBe('Job items.abd.0.csv failed to load table "items": csv file items.abd.0.csv has column "ghost", which table [ds].[items] does not have');
    expect(server.log.some((r) => r.kind === "bulk")).toBe(false);
  });

  test("csv rows reach the bulk load in file order with the catalog's types; the job commits with its marker", async () => {
    const table = items();
    const { server, client } = setup(schemaOf(table));
    await client.initializeStorage();
    await client.updateStoredSchema({ items: table });
    await client.createLoadJob(job(table, "items.abe.0.csv", 'name,id,_dlt_load_id,_dlt_id\n"a, ""quoted""",1,l,x1\n,2,l,x2\n"",3,l,x3\n')).run();
    const bulk = server.log.find((r) => r.kind === "bulk")!;
    expect(bulk.sql).toBe("insert bulk [ds].[items]([name] nvarchar(max), [id] bigint, [_dlt_load_id] nvarchar(max), [_dlt_id] nvarchar(900)) WITH (CHECK_CONSTRAINTS,FIRE_TRIGGERS,KEEP_NULLS)");
    expect(bulk.rows).toEqual([
      ['a, "quoted"', 1n, "l", "x1"],
      [null, 2n, "l", "x2"],
      ["", 3n, "l", "x3"],
    ]);
    const after = server.statements().slice(server.log.indexOf(bulk));
    expect(after.slice(1)).toEqual(["INSERT INTO [ds].[_dlt_loaded_jobs] ([load_id], [job_id], [inserted_at]) VALUES (@p0, @p1, @p2)", "COMMIT TRANSACTION"]);
  });

  test("an empty csv file loads nothing", async () => {
    const table = items();
    const { server, client } = setup(schemaOf(table));
    await client.initializeStorage();
    await client.updateStoredSchema({ items: table });
    await client.createLoadJob(job(table, "items.abf.0.csv", "")).run();
    expect(server.log.some((r) => r.kind === "bulk")).toBe(false);
  });

  test("createIndexes defaults to false; with it, unique columns get UNIQUE", async () => {
    const off = setup(schemaOf(items()));
    expect(off.client.options.createIndexes).toBe(false);
    const server = new FakeServer();
    const on = new MssqlJobClient(schemaOf(items()), new MssqlSqlClient(mssqlCapabilities(), "ds", { pool: new FakePool(server) }), { createIndexes: true });
    await on.initializeStorage();
    await on.updateStoredSchema({ items: items() });
    expect(server.statements(/CREATE TABLE \[ds\]\.\[items\]/)[0]).toContain("[_dlt_id] nvarchar(900) NOT NULL UNIQUE");
  });
});
