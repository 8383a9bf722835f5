import {
  DatabaseTerminalException,
  isTerminal,
  PIPELINE_STATE_TABLE_NAME,
  pipelineStateTable,
  Schema,
  type ColumnSchema,
  type TableSchema,
} from "@dlt-ts/core";
import { PostgresJobClient, PostgresSqlClient } from "@dlt-ts/destination-postgres";
import { HandPackage, dropDatasets, ensureTestDatabase, testSqlClient, uniqueDataset } from "./pg-test-utils.js";

// Talks to the real Postgres server, another process: about a second a test when idle, many on a busy machine.
jest.setTimeout(60_000);

/*
 * The job client driven as the loader drives it, with job files written by
 * hand: initializeStorage → updateStoredSchema → jobs → completeTableChain → completeLoad.
 */

const DLT_ID: ColumnSchema = { name: "_dlt_id", dataType: "text", nullable: false, unique: true, rowKey: true };
const LOAD_ID: ColumnSchema = { name: "_dlt_load_id", dataType: "text", nullable: false };

function cols(...columns: ColumnSchema[]): Record<string, ColumnSchema> {
  return Object.fromEntries(columns.map((c) => [c.name, c]));
}

function root(name: string, writeDisposition: TableSchema["writeDisposition"], extra: Partial<TableSchema> = {}): TableSchema {
  return {
    name,
    writeDisposition,
    columns: cols(
      { name: "id", dataType: "bigint", nullable: false, primaryKey: true },
      { name: "name", dataType: "text" },
      LOAD_ID,
      DLT_ID,
    ),
    ...extra,
  };
}

function child(name: string, parent: string): TableSchema {
  return {
    name,
    parent,
    columns: cols(
      { name: "value", dataType: "text" },
      { name: "_dlt_root_id", dataType: "text", nullable: false, rootKey: true },
      { name: "_dlt_parent_id", dataType: "text", nullable: false, parentKey: true },
      { name: "_dlt_list_idx", dataType: "bigint", nullable: false },
      DLT_ID,
    ),
  };
}

function schemaOf(...tables: TableSchema[]): Schema {
  const schema = new Schema("hand");
  for (const t of tables) schema.tables[t.name] = structuredClone(t);
  schema.bumpVersion();
  return schema;
}

/** insert_values text as the normalizer writes it. */
function insertValues(columns: string[], rows: string[]): string {
  return `INSERT INTO {}(${columns.map((c) => `"${c}"`).join(",")})\nVALUES\n${rows.join(",\n")};`;
}

type JobFile = [table: string, fileName: string, content: string];

/** Loads files as the loader would; returns nothing, throws the first job error. */
async function loadPackage(client: PostgresJobClient, schema: Schema, loadId: string, files: JobFile[]): Promise<void> {
  const pkg = new HandPackage(loadId);
  try {
    await client.initializeStorage();
    const update = Object.values(schema.tables).filter((t) => t.name !== "_dlt_version" && t.name !== "_dlt_loads");
    await client.updateStoredSchema(Object.fromEntries(update.map((t) => [t.name, t])));
    for (const [table, fileName, content] of files) {
      await client.createLoadJob(pkg.job(schema.tables[table]!, fileName, content)).run();
    }
    const roots = new Set(files.map(([t]) => schema.rootTableOf(t).name));
    for (const r of roots) await client.completeTableChain(loadId, schema.tableChain(r));
    await client.completeLoad(loadId);
  } finally {
    pkg.remove();
  }
}

describe("PostgresJobClient against the real server", () => {
  const prefix = uniqueDataset("jobc");
  let n = 0;
  const clients: PostgresSqlClient[] = [];
  /** A fresh dataset and a job client on it. */
  function setup(schema: Schema): { client: PostgresJobClient; sql: PostgresSqlClient; dataset: string } {
    const dataset = `${prefix}_${++n}`;
    const sql = testSqlClient(dataset, 3);
    clients.push(sql);
    return { client: new PostgresJobClient(schema, sql), sql, dataset };
  }
  function reopen(schema: Schema, dataset: string): PostgresJobClient {
    const sql = testSqlClient(dataset, 3);
    clients.push(sql);
    return new PostgresJobClient(schema, sql);
  }

  beforeAll(ensureTestDatabase);
  afterAll(async () => {
    for (const c of clients) await c.close();
    await dropDatasets(prefix);
  });

  test("creates system tables and data tables with mapped types, NOT NULL and UNIQUE", async () => {
    const typed: TableSchema = {
      name: "typed",
      writeDisposition: "append",
      columns: cols(
        { name: "t", dataType: "text" },
        { name: "t10", dataType: "text", precision: 10 },
        { name: "d", dataType: "double" },
        { name: "b", dataType: "bool" },
        { name: "ts", dataType: "timestamp" },
        { name: "ts3", dataType: "timestamp", precision: 3 },
        { name: "tsn", dataType: "timestamp", timezone: false },
        { name: "da", dataType: "date" },
        { name: "ti", dataType: "time" },
        { name: "bi", dataType: "bigint" },
        { name: "i32", dataType: "bigint", precision: 32 },
        { name: "i16", dataType: "bigint", precision: 16 },
        { name: "bin", dataType: "binary" },
        { name: "j", dataType: "json" },
        { name: "dec", dataType: "decimal" },
        { name: "dec52", dataType: "decimal", precision: 5, scale: 2 },
        { name: "w", dataType: "wei" },
        DLT_ID,
      ),
    };
    const schema = schemaOf(typed);
    const { client, sql, dataset } = setup(schema);
    await client.initializeStorage();
    await client.updateStoredSchema({ typed });
    const types = await sql.query<{ column_name: string; t: string }>(
      "SELECT column_name, format_type(atttypid, atttypmod) AS t FROM information_schema.columns c " +
        "JOIN pg_attribute a ON a.attrelid = (quote_ident(c.table_schema) || '.' || quote_ident(c.table_name))::regclass AND a.attname = c.column_name " +
        "WHERE table_schema = %s AND table_name = 'typed' ORDER BY ordinal_position",
      [dataset],
    );
    expect(Object.fromEntries(types.map((r) => [r.column_name, r.t]))).toEqual({
      t: "character varying",
      t10: "character varying(10)",
      d: "double precision",
      b: "boolean",
      ts: "timestamp with time zone",
      ts3: "timestamp(3) with time zone",
      tsn: "timestamp without time zone",
      da: "date",
      ti: "time without time zone",
      bi: "bigint",
      i32: "integer",
      i16: "smallint",
      bin: "bytea",
      j: "jsonb",
      dec: "numeric(38,9)",
      dec52: "numeric(5,2)",
      w: "numeric(156,78)",
      _dlt_id: "character varying",
    });
    // the reverse mapping reads the table back as the schema describes it
    const stored = (await client.getStorageTables(["typed", "missing"])).typed!;
    expect(Object.keys(await client.getStorageTables(["missing"]))).toEqual([]);
    for (const column of Object.values(typed.columns)) {
      const back = stored.columns[column.name]!;
      expect({ name: back.name, dataType: back.dataType }).toEqual({ name: column.name, dataType: column.dataType });
    }
    expect(stored.columns.t10).toMatchObject({ precision: 10 });
    expect(stored.columns.ts3).toMatchObject({ precision: 3 });
    expect(stored.columns.tsn).toMatchObject({ timezone: false });
    expect(stored.columns.i16).toMatchObject({ precision: 16 });
    expect(stored.columns.dec52).toMatchObject({ precision: 5, scale: 2 });
    expect(stored.columns._dlt_id).toMatchObject({ nullable: false });
    const unique = await sql.query(
      "SELECT 1 FROM pg_indexes WHERE schemaname = %s AND tablename = 'typed' AND indexdef LIKE 'CREATE UNIQUE INDEX%%(_dlt_id)'",
      [dataset],
    );
    expect(unique).toHaveLength(1);
    const system = await sql.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = %s ORDER BY table_name",
      [dataset],
    );
    expect(system.map((r) => r.table_name)).toEqual(["_dlt_loaded_jobs", "_dlt_loads", "_dlt_version", "typed"]);
  });

  test("migrates: a rerun repeats no DDL, new columns are added (nullable), schemas are stored once per hash", async () => {
    const table = root("events", "append");
    const schema = schemaOf(table);
    const { client, sql, dataset } = setup(schema);
    await client.initializeStorage();
    await client.updateStoredSchema({ events: table });
    await client.updateStoredSchema({ events: table });
    expect(await sql.query(`SELECT count(*) AS n FROM ${sql.makeQualifiedTableName("_dlt_version")}`)).toEqual([{ n: 1 }]);

    schema.tables.events!.columns.extra = { name: "extra", dataType: "double", nullable: false };
    schema.bumpVersion();
    const update = { events: { ...table, columns: { extra: schema.tables.events!.columns.extra! } } };
    const next = reopen(schema, dataset);
    await next.initializeStorage();
    await next.updateStoredSchema(update);
    const extra = (await next.getStorageTables(["events"])).events!.columns.extra;
    expect(extra).toMatchObject({ dataType: "double", nullable: true });
    const versions = await sql.query<{ version: number; schema_name: string }>(
      `SELECT version, schema_name FROM ${sql.makeQualifiedTableName("_dlt_version")} ORDER BY version`,
    );
    expect(versions).toHaveLength(2);
    expect(versions[1]!.version).toBeGreaterThan(versions[0]!.version);
    const stored = await next.getStoredSchema("hand");
    expect(stored?.versionHash).toBe(schema.versionHash);
    expect(stored?.tables.events?.columns.extra?.dataType).toBe("double");
  });

  test("insert_values: hostile values, multi-line literals, split by max query length, one transaction per file", async () => {
    const table: TableSchema = {
      name: "hostile",
      writeDisposition: "append",
      columns: cols({ name: "id", dataType: "bigint" }, { name: '"; DROP TABLE x; --', dataType: "text" }, { name: "j", dataType: "json" }),
    };
    const schema = schemaOf(table);
    const dataset = `${prefix}_${++n}`;
    const caps = { ...(await import("@dlt-ts/destination-postgres")).postgresCapabilities(), maxQueryLength: 200, maxRowsPerInsert: 3 };
    const sql = new PostgresSqlClient(caps, dataset, { credentials: (await import("./pg-test-utils.js")).TEST_CREDENTIALS, poolSize: 2 });
    clients.push(sql);
    const client = new PostgresJobClient(schema, sql);
    const lit = caps.escapeLiteral;
    const values = [
      "it's",
      "back\\slash",
      "emoji 🎉 and ünïcödé",
      "line1\nline2\r\nline3",
      "nul\u0000inside",
      "%s and %% and $1",
      "",
      "'); DROP TABLE hostile; --",
    ];
    const rows = values.map((v, i) => `(${i},${lit(v)},${lit(JSON.stringify({ v }))})`);
    // a raw multi-line literal as a writer with plain escaping would produce
    rows.push(`(100,'raw\nnewline '' quote',NULL)`);
    const file = insertValues(["id", '""; DROP TABLE x; --', "j"], rows);
    await loadPackage(client, schema, "1700000000.000001", [["hostile", "hostile.aaa.0.insert_values", file]]);
    const back = await sql.query<{ id: number; v: string; j: { v: string } | null }>(
      `SELECT id, ${sql.escapeColumnName('"; DROP TABLE x; --')} AS v, j FROM ${sql.makeQualifiedTableName("hostile")} ORDER BY id`,
    );
    const expected = values.map((v) => v.replace("\u0000", ""));
    expect(back.map((r) => r.v)).toEqual([...expected, "raw\nnewline ' quote"]);
    expect(back.slice(0, values.length).map((r) => r.j?.v)).toEqual(expected);
  });

  test("insert_values: a NOT NULL violation is terminal and names table and column; the file loads nothing", async () => {
    const table = root("strict", "append");
    const schema = schemaOf(table);
    const { client, sql } = setup(schema);
    const file = insertValues(["id", "name", "_dlt_load_id", "_dlt_id"], ["(1,'a','l','r1')", "(NULL,'b','l','r2')"]);
    const error = await loadPackage(client, schema, "1700000000.000002", [["strict", "strict.bad.0.insert_values", file]]).catch((e: unknown) => e);
    expect(isTerminal(error)).toBe(true);
    expect(error).toBeInstanceOf(DatabaseTerminalException);
    const message = (error as Error).message;
    expect(message).toContain("strict.bad.0.insert_values");
    expect(message).toContain('column "id"');
    expect(message).toContain(".strict");
    expect(await sql.query(`SELECT count(*) AS n FROM ${sql.makeQualifiedTableName("strict")}`)).toEqual([{ n: 0 }]);
  });

  test("csv through COPY: header with hostile names, NULL vs empty string, bytea hex, NUL removed from text and json", async () => {
    const table: TableSchema = {
      name: "copied",
      writeDisposition: "append",
      columns: cols(
        { name: "id", dataType: "bigint" },
        { name: 'we"ird,name', dataType: "text" },
        { name: "bin", dataType: "binary" },
        { name: "j", dataType: "json" },
        { name: "ts", dataType: "timestamp" },
      ),
    };
    const schema = schemaOf(table);
    const { client, sql } = setup(schema);
    const csv =
      `id,"we""ird,name",bin,j,ts\n` +
      `1,,\\x00ff,"{""a"":""x\\u0000y""}",2024-01-02T03:04:05.123456Z\n` +
      `2,"",,"{""b"":""\\\\u0000 kept""}",\n` +
      `3,"multi\nline ""quoted"", comma",\\x,null,\n` +
      `4,nul\u0000byte,,,\n`;
    await loadPackage(client, schema, "1700000000.000003", [["copied", "copied.c1.0.csv", csv]]);
    const rows = await sql.query<Record<string, unknown>>(
      `SELECT id, "we""ird,name" AS v, encode(bin, 'hex') AS bin, j::text AS j, ts FROM ${sql.makeQualifiedTableName("copied")} ORDER BY id`,
    );
    expect(rows).toEqual([
      { id: 1, v: null, bin: "00ff", j: '{"a": "xy"}', ts: new Date("2024-01-02T03:04:05.123Z") },
      { id: 2, v: "", bin: null, j: '{"b": "\\\\u0000 kept"}', ts: null },
      { id: 3, v: 'multi\nline "quoted", comma', bin: "", j: "null", ts: null },
      { id: 4, v: "nulbyte", bin: null, j: null, ts: null },
    ]);
  });

  test("a job that committed is not loaded again when rerun (crash between commit and file move)", async () => {
    const table = root("once", "append");
    const schema = schemaOf(table);
    const { client, sql, dataset } = setup(schema);
    const file = insertValues(["id", "name", "_dlt_load_id", "_dlt_id"], ["(1,'a','L','r1')", "(2,'b','L','r2')"]);
    const pkg = new HandPackage("1700000000.000004");
    try {
      await client.initializeStorage();
      await client.updateStoredSchema({ once: table });
      await client.createLoadJob(pkg.job(table, "once.f1.0.insert_values", file)).run();
      // "crash": a new process, same package; the retried file name has a higher retry count
      const again = reopen(schema, dataset);
      await again.initializeStorage();
      await again.updateStoredSchema({ once: table });
      await again.createLoadJob(pkg.job(table, "once.f1.0.insert_values", file)).run();
      await again.createLoadJob(pkg.job(table, "once.f1.1.insert_values", file)).run();
      expect(await sql.query(`SELECT count(*) AS n FROM ${sql.makeQualifiedTableName("once")}`)).toEqual([{ n: 2 }]);
      await again.completeLoad("1700000000.000004");
      await again.completeLoad("1700000000.000004");
      const loads = await sql.query(`SELECT load_id, schema_name, status, schema_version_hash FROM ${sql.makeQualifiedTableName("_dlt_loads")}`);
      expect(loads).toEqual([{ load_id: "1700000000.000004", schema_name: "hand", status: 0, schema_version_hash: schema.versionHash }]);
      expect(await sql.query(`SELECT count(*) AS n FROM ${sql.makeQualifiedTableName("_dlt_loaded_jobs")}`)).toEqual([{ n: 0 }]);
      // after the load is recorded, a stray rerun of the job still loads nothing
      await reopen(schema, dataset).createLoadJob(pkg.job(table, "once.f1.2.insert_values", file)).run();
      expect(await sql.query(`SELECT count(*) AS n FROM ${sql.makeQualifiedTableName("once")}`)).toEqual([{ n: 2 }]);
    } finally {
      pkg.remove();
    }
  });

  test("append adds, replace (truncate-and-insert) keeps one copy including child tables, and truncates once per load", async () => {
    const parent = root("rep", "replace");
    const kids = child("rep__tags", "rep");
    const schema = schemaOf(parent, kids);
    const { client, sql, dataset } = setup(schema);
    const rootFile = insertValues(["id", "name", "_dlt_load_id", "_dlt_id"], ["(1,'a','L','r1')", "(2,'b','L','r2')"]);
    const kidFile = insertValues(["value", "_dlt_root_id", "_dlt_parent_id", "_dlt_list_idx", "_dlt_id"], ["('x','r1','r1',0,'k1')"]);
    const files: JobFile[] = [
      ["rep", "rep.a.0.insert_values", rootFile],
      ["rep__tags", "rep__tags.b.0.insert_values", kidFile],
    ];
    await loadPackage(client, schema, "1700000000.000010", files);
    await loadPackage(reopen(schema, dataset), schema, "1700000000.000011", files);
    const count = async (t: string) => (await sql.query<{ n: number }>(`SELECT count(*) AS n FROM ${sql.makeQualifiedTableName(t)}`))[0]!.n;
    expect(await count("rep")).toBe(2);
    expect(await count("rep__tags")).toBe(1);
    // rerun of load 11 after a crash: the second file is loaded, the first is not truncated away
    const again = reopen(schema, dataset);
    const pkg = new HandPackage("1700000000.000012");
    try {
      await again.initializeStorage();
      await again.createLoadJob(pkg.job(parent, "rep.c.0.insert_values", rootFile)).run();
      const rerun = reopen(schema, dataset);
      await rerun.createLoadJob(pkg.job(kids, "rep__tags.d.0.insert_values", kidFile)).run();
      await rerun.completeTableChain("1700000000.000012", schema.tableChain("rep"));
      await rerun.completeLoad("1700000000.000012");
    } finally {
      pkg.remove();
    }
    expect(await count("rep")).toBe(2);
    expect(await count("rep__tags")).toBe(1);

    const appendTable = root("app", "append");
    const appendSchema = schemaOf(appendTable);
    const appendClient = reopen(appendSchema, dataset);
    const appendFile = (tag: string): JobFile[] => [["app", `app.${tag}.0.insert_values`, rootFile.replace(/'r(\d)'/g, `'r$1${tag}'`)]];
    await loadPackage(appendClient, appendSchema, "1700000000.000013", appendFile("a"));
    await loadPackage(reopen(appendSchema, dataset), appendSchema, "1700000000.000014", appendFile("b"));
    expect(await count("app")).toBe(4);
  });

  test.each(["insert-from-staging", "staging-optimized"] as const)("replace through staging (%s) swaps in the new rows of the whole chain", async (strategy) => {
    const parent = root("rs", "replace", { replaceStrategy: strategy });
    const kids = child("rs__tags", "rs");
    const schema = schemaOf(parent, kids);
    const { client, sql, dataset } = setup(schema);
    const load = async (loadId: string, names: string[]) =>
      loadPackage(reopen(schema, dataset), schema, loadId, [
        ["rs", `rs.${loadId.slice(-2)}.0.insert_values`, insertValues(["id", "name", "_dlt_load_id", "_dlt_id"], names.map((nm, i) => `(${i},'${nm}','L','${nm}')`))],
        ["rs__tags", `rs__tags.${loadId.slice(-2)}.0.insert_values`, insertValues(["value", "_dlt_root_id", "_dlt_parent_id", "_dlt_list_idx", "_dlt_id"], names.map((nm) => `('t-${nm}','${nm}','${nm}',0,'k-${nm}')`))],
      ]);
    await client.initializeStorage();
    await load("1700000000.000020", ["a", "b", "c"]);
    await load("1700000000.000021", ["d"]);
    expect(await sql.query(`SELECT name FROM ${sql.makeQualifiedTableName("rs")}`)).toEqual([{ name: "d" }]);
    expect(await sql.query(`SELECT value FROM ${sql.makeQualifiedTableName("rs__tags")}`)).toEqual([{ value: "t-d" }]);
    if (strategy === "staging-optimized") {
      const idx = await sql.query("SELECT indexdef FROM pg_indexes WHERE schemaname = %s AND tablename = 'rs'", [dataset]);
      expect(idx.length).toBeGreaterThanOrEqual(2); // unique _dlt_id and the primary key index came back
    }
  });

  describe("merge", () => {
    const cols4 = ["id", "name", "_dlt_load_id", "_dlt_id"];
    const kidCols = ["value", "_dlt_root_id", "_dlt_parent_id", "_dlt_list_idx", "_dlt_id"];
    /** One record per [id, name, rowKey, tags]. */
    function files(tag: string, records: [number, string, string, string[]][]): JobFile[] {
      return [
        ["m", `m.${tag}.0.insert_values`, insertValues(cols4, records.map(([id, nm, rk]) => `(${id},'${nm}','L','${rk}')`))],
        [
          "m__tags",
          `m__tags.${tag}.0.insert_values`,
          insertValues(kidCols, records.flatMap(([, , rk, tags]) => tags.map((t, i) => `('${t}','${rk}','${rk}',${i},'${rk}-${i}')`))),
        ],
      ];
    }

    async function mergeTwice(strategy: "delete-insert" | "upsert", extra: Partial<TableSchema> = {}) {
      const parent = root("m", "merge", { mergeStrategy: strategy, ...extra });
      const kids = child("m__tags", "m");
      const schema = schemaOf(parent, kids);
      const { sql, dataset } = setup(schema);
      await loadPackage(reopen(schema, dataset), schema, "1700000000.000030", files("a", [
        [1, "one", "r1", ["x", "y"]],
        [2, "two", "r2", ["z"]],
      ]));
      await loadPackage(reopen(schema, dataset), schema, "1700000000.000031", files("b", [
        [2, "two-old", "r2a", ["q"]],
        [2, "two-new", "r2b", ["w"]],
        [3, "three", "r3", []],
      ]));
      const rows = await sql.query(`SELECT id, name FROM ${sql.makeQualifiedTableName("m")} ORDER BY id`);
      const tags = await sql.query(
        `SELECT m.id, t.value FROM ${sql.makeQualifiedTableName("m__tags")} t JOIN ${sql.makeQualifiedTableName("m")} m ON m._dlt_id = t._dlt_root_id ORDER BY 1, 2`,
      );
      const orphans = await sql.query(
        `SELECT count(*) AS n FROM ${sql.makeQualifiedTableName("m__tags")} t WHERE NOT EXISTS (SELECT 1 FROM ${sql.makeQualifiedTableName("m")} m WHERE m._dlt_id = t._dlt_root_id)`,
      );
      return { rows, tags, orphans, sql, dataset, schema };
    }

    test.each(["delete-insert", "upsert"] as const)("%s keeps one row per key with the newest values, in root and child tables", async (strategy) => {
      const { rows, tags, orphans } = await mergeTwice(strategy);
      expect(rows).toHaveLength(3);
      expect(rows[0]).toEqual({ id: 1, name: "one" });
      expect(rows[2]).toEqual({ id: 3, name: "three" });
      // within a batch one of the duplicates survives, with its own child rows
      const two = (rows[1] as { name: string }).name;
      expect(["two-old", "two-new"]).toContain(two);
      expect(tags).toEqual([
        { id: 1, value: "x" },
        { id: 1, value: "y" },
        { id: 2, value: two === "two-new" ? "w" : "q" },
      ]);
      expect(orphans).toEqual([{ n: 0 }]);
    });

    test("dedup_sort picks the survivor; hard_delete removes records", async () => {
      const parent = root("m", "merge");
      parent.columns.name = { name: "name", dataType: "text", dedupSort: "desc" };
      parent.columns.deleted = { name: "deleted", dataType: "bool", hardDelete: true };
      const kids = child("m__tags", "m");
      const schema = schemaOf(parent, kids);
      const { sql, dataset } = setup(schema);
      const cols5 = [...cols4, "deleted"];
      const load = (loadId: string, rows: string[], kidRows: string[]) =>
        loadPackage(reopen(schema, dataset), schema, loadId, [
          ["m", `m.${loadId.slice(-2)}.0.insert_values`, insertValues(cols5, rows)],
          ["m__tags", `m__tags.${loadId.slice(-2)}.0.insert_values`, insertValues(kidCols, kidRows)],
        ]);
      await load("1700000000.000040", ["(1,'a','L','r1',NULL)", "(2,'b','L','r2',NULL)"], ["('x','r1','r1',0,'k1')", "('y','r2','r2',0,'k2')"]);
      await load("1700000000.000041", ["(1,'c','L','r1c',FALSE)", "(1,'z','L','r1z',FALSE)", "(2,'b','L','r2d',TRUE)"], ["('zz','r1z','r1z',0,'k1z')"]);
      expect(await sql.query(`SELECT id, name FROM ${sql.makeQualifiedTableName("m")} ORDER BY id`)).toEqual([{ id: 1, name: "z" }]);
      expect(await sql.query(`SELECT value FROM ${sql.makeQualifiedTableName("m__tags")}`)).toEqual([{ value: "zz" }]);
    });

    test("merge key only: every destination row with that key is replaced", async () => {
      const parent = root("mk", "merge");
      parent.columns.id = { name: "id", dataType: "bigint", nullable: false, mergeKey: true };
      const schema = schemaOf(parent);
      const { sql, dataset } = setup(schema);
      const load = (loadId: string, rows: string[]) =>
        loadPackage(reopen(schema, dataset), schema, loadId, [["mk", `mk.${loadId.slice(-2)}.0.insert_values`, insertValues(cols4, rows)]]);
      await load("1700000000.000050", ["(1,'a','L','r1')", "(1,'b','L','r2')", "(2,'c','L','r3')"]);
      await load("1700000000.000051", ["(1,'d','L','r4')"]);
      expect(await sql.query(`SELECT id, name FROM ${sql.makeQualifiedTableName("mk")} ORDER BY id, name`)).toEqual([
        { id: 1, name: "d" },
        { id: 2, name: "c" },
      ]);
    });

    test("a follow-up that committed is not repeated when the chain completes again", async () => {
      const parent = root("nokey", "merge");
      parent.columns.id = { name: "id", dataType: "bigint" };
      const schema = schemaOf(parent);
      const { sql, dataset } = setup(schema);
      const client = reopen(schema, dataset);
      const pkg = new HandPackage("1700000000.000060");
      try {
        await client.initializeStorage();
        await client.updateStoredSchema({ nokey: parent });
        await client.createLoadJob(pkg.job(parent, "nokey.a.0.insert_values", insertValues(cols4, ["(1,'a','L','r1')"]))).run();
        await client.completeTableChain("1700000000.000060", [parent]);
        await reopen(schema, dataset).completeTableChain("1700000000.000060", [parent]);
      } finally {
        pkg.remove();
      }
      expect(await sql.query(`SELECT count(*) AS n FROM ${sql.makeQualifiedTableName("nokey")}`)).toEqual([{ n: 1 }]);
    });
  });

  test("pipeline state: the newest state of a completed load is restored", async () => {
    const state = pipelineStateTable();
    const schema = schemaOf(state);
    const { client, dataset } = setup(schema);
    expect(await client.getStoredState("p1")).toBeUndefined();
    const row = (v: number, p: string, loadId: string) =>
      `(${v},1,'${p}','{"v":${v}}','2024-01-0${v}T00:00:00Z','h${v}','${loadId}','id${v}${p}')`;
    const stateCols = ["version", "engine_version", "pipeline_name", "state", "created_at", "version_hash", "_dlt_load_id", "_dlt_id"];
    await loadPackage(client, schema, "1700000000.000070", [
      [PIPELINE_STATE_TABLE_NAME, `${PIPELINE_STATE_TABLE_NAME}.a.0.insert_values`, insertValues(stateCols, [row(1, "p1", "1700000000.000070"), row(1, "p2", "1700000000.000070")])],
    ]);
    await loadPackage(reopen(schema, dataset), schema, "1700000000.000071", [
      [PIPELINE_STATE_TABLE_NAME, `${PIPELINE_STATE_TABLE_NAME}.b.0.insert_values`, insertValues(stateCols, [row(2, "p1", "1700000000.000071")])],
    ]);
    // a state whose load never completed is ignored
    const pkg = new HandPackage("1700000000.000072");
    try {
      const c = reopen(schema, dataset);
      await c.createLoadJob(pkg.job(state, `${PIPELINE_STATE_TABLE_NAME}.c.0.insert_values`, insertValues(stateCols, [row(3, "p1", "1700000000.000072")]))).run();
    } finally {
      pkg.remove();
    }
    const restored = await reopen(schema, dataset).getStoredState("p1");
    expect(restored).toEqual({
      version: 2,
      engineVersion: 1,
      pipelineName: "p1",
      state: '{"v":2}',
      createdAt: new Date("2024-01-02T00:00:00Z"),
      versionHash: "h2",
      loadId: "1700000000.000071",
    });
    expect((await reopen(schema, dataset).getStoredState("p2"))?.version).toBe(1);
    expect(await reopen(schema, `${dataset}_nothing`).getStoredState("p1")).toBeUndefined();
  });

  test("identifiers over 63 bytes fail clearly instead of being cut", async () => {
    const long = "x".repeat(60) + "éé";
    const table: TableSchema = { name: "longnames", writeDisposition: "append", columns: cols({ name: long, dataType: "text" }) };
    const schema = schemaOf(table);
    const { client } = setup(schema);
    await client.initializeStorage();
    await expect(client.updateStoredSchema({ longnames: table })).rejects.toThrow(/is 64 bytes long; this destination allows at most 63/);
  });
});
