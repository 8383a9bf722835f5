import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { inspect } from "node:util";
import {
  DatabaseTerminalException,
  DatabaseUndefinedRelation,
  PipelineStepFailed,
  Schema,
  pipeline,
  resource,
  source,
  type Pipeline,
  type SqlClient,
} from "dlt-ts";
import { MssqlCredentials, MssqlSqlClient, MssqlTypeMapper, mssql, mssqlCapabilities, type MssqlDestinationOptions } from "@dlt-ts/destination-mssql";

/*
 * The live suite: a real SQL Server at MSSQL_URL, e.g.
 *   MSSQL_URL='mssql://sa:Passw0rd!@localhost:1433/master?TrustServerCertificate=yes' npx jest packages/destination-mssql
 * Without MSSQL_URL every test here is skipped and the reason is printed.
 * Each test works in its own datasets (SQL schemas) and drops them afterwards.
 */

const MSSQL_URL = process.env.MSSQL_URL;
const d = MSSQL_URL ? describe : describe.skip;
if (!MSSQL_URL) {
  console.log(
    "SQL Server integration tests skipped: MSSQL_URL is not set. No SQL Server runs on this machine; set " +
      "MSSQL_URL=mssql://user:password@host:1433/database?TrustServerCertificate=yes to run them against one.",
  );
}

type Row = Record<string, unknown>;
const fixtures = path.join(__dirname, "..", "..", "..", "fixtures");
const events = JSON.parse(readFileSync(path.join(fixtures, "github-events.json"), "utf8")) as Row[];
const issues = JSON.parse(readFileSync(path.join(fixtures, "github-issues.json"), "utf8")) as Row[];

const prefix = `mssql_${randomBytes(3).toString("hex")}`;
let datasets = 0;
const clients: SqlClient[] = [];

function newPipeline(name: string, options: MssqlDestinationOptions & { pipelinesDir?: string; datasetName?: string } = {}): Pipeline {
  const { pipelinesDir, datasetName, ...destination } = options;
  return pipeline({
    pipelineName: name,
    pipelinesDir: pipelinesDir ?? mkdtempSync(path.join(os.tmpdir(), "dlt-ts-mssql-live-")),
    destination: mssql({ credentials: MSSQL_URL, ...destination }),
    datasetName: datasetName ?? `${prefix}_${++datasets}`,
    progress: "none",
  });
}

async function sqlOf(p: Pipeline): Promise<SqlClient> {
  const client = await p.sqlClient();
  clients.push(client);
  return client;
}

async function count(client: SqlClient, table: string, where = ""): Promise<number> {
  const [row] = await client.query<{ n: number }>(`SELECT count(*) AS n FROM ${client.makeQualifiedTableName(table)} ${where}`);
  return row!.n;
}

/** A client on `dataset` straight from MSSQL_URL. */
function directClient(dataset: string): MssqlSqlClient {
  const c = MssqlCredentials.from(MSSQL_URL!);
  const client = new MssqlSqlClient(mssqlCapabilities(), dataset, {
    credentials: {
      host: c.host,
      port: c.port,
      database: c.database,
      username: c.username,
      password: c.password,
      connectTimeout: c.connectTimeout,
      encrypt: c.encryptOption(),
      trustServerCertificate: c.trustServerCertificateOption(),
    },
    poolSize: 3,
  });
  clients.push(client);
  return client;
}

afterAll(async () => {
  if (!MSSQL_URL) return;
  const admin = directClient("dbo");
  const schemas = await admin.query<{ name: string }>("SELECT name FROM sys.schemas WHERE name LIKE %s", [`${prefix}%`]);
  for (const { name } of schemas) await directClient(name).dropDataset();
  for (const c of clients) await c.close();
}, 120_000);

d("SQL client against the real server", () => {
  test("datasets, parameters of every JS type, transactions that roll back", async () => {
    const client = directClient(`${prefix}_client`);
    await client.createDataset();
    await client.createDataset();
    expect(await client.hasDataset()).toBe(true);
    const [row] = await client.query<Row>(
      "SELECT %s AS s, %s AS i, %s AS b, %s AS f, %s AS t, %s AS ts, %s AS bin, %s AS n, %s AS big, 'x%%' AS pct",
      ["it's ü 😀", 42, 2 ** 40, 1.5, true, new Date("2024-05-01T10:20:30.123Z"), Buffer.from([0, 255]), null, 2n ** 62n],
    );
    expect(row).toEqual({
      s: "it's ü 😀",
      i: 42,
      b: 2 ** 40,
      f: 1.5,
      t: true,
      ts: new Date("2024-05-01T10:20:30.123Z"),
      bin: Buffer.from([0, 255]),
      n: null,
      big: 2n ** 62n,
      pct: "x%",
    });
    await client.execute(`CREATE TABLE ${client.makeQualifiedTableName("t")} (id int NOT NULL PRIMARY KEY)`);
    await expect(
      client.transaction(async (tx) => {
        await tx.execute(`INSERT INTO ${tx.makeQualifiedTableName("t")} VALUES (1)`);
        await tx.execute(`INSERT INTO ${tx.makeQualifiedTableName("t")} VALUES (1)`);
      }),
    ).rejects.toMatchObject({ dbCode: "2627" });
    expect(await count(client, "t")).toBe(0);
    await expect(client.query("SELECT * FROM [nope].[nope]")).rejects.toBeInstanceOf(DatabaseUndefinedRelation);
    await expect(client.query("SELEKT 1")).rejects.toBeInstanceOf(DatabaseTerminalException);
    await client.dropDataset();
    expect(await client.hasDataset()).toBe(false);
  });
});

d("GitHub fixtures end to end", () => {
  test.each(["insert_values", "csv"] as const)("every table has the rows the normalizer produced (%s)", async (format) => {
    const p = newPipeline(`github_${format}`);
    await p.extract(source([resource(events, { name: "events" }), resource(issues, { name: "issues" })], { name: "github" }), { loaderFileFormat: format });
    const rowCounts = (await p.normalize()).rowCounts;
    const info = await p.load();
    expect(info.hasFailedJobs).toBe(false);
    const client = await sqlOf(p);
    for (const [table, rows] of Object.entries(rowCounts)) expect([table, await count(client, table)]).toEqual([table, rows]);
    // Types in the catalog are what the schema says.
    const mapper = new MssqlTypeMapper(mssqlCapabilities());
    const columns = await client.query<{ table_name: string; column_name: string; data_type: string }>(
      "SELECT TABLE_NAME AS table_name, COLUMN_NAME AS column_name, DATA_TYPE AS data_type FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA = %s",
      [client.datasetName],
    );
    for (const table of p.defaultSchema.dataTables()) {
      for (const column of Object.values(table.columns).filter((c) => c.dataType)) {
        const stored = columns.find((c) => c.table_name === table.name && c.column_name === column.name);
        expect([table.name, column.name, stored && mapper.fromDestinationType(stored.data_type).dataType]).toEqual([
          table.name,
          column.name,
          column.dataType === "json" ? "text" : column.dataType,
        ]);
      }
    }
    // Child rows link to their parents.
    const t = (name: string) => client.makeQualifiedTableName(name);
    const [orphans] = await client.query<{ n: number }>(
      `SELECT count(*) AS n FROM ${t("events__payload__commits")} c LEFT JOIN ${t("events")} e ON e.[_dlt_id] = c.[_dlt_parent_id] WHERE e.[_dlt_id] IS NULL`,
    );
    expect(orphans!.n).toBe(0);
  }, 120_000);

  test("merge (delete-insert and upsert) twice keeps one row per key, children included", async () => {
    for (const strategy of ["delete-insert", "upsert"] as const) {
      const p = newPipeline(`merge_${strategy.replace("-", "_")}`);
      const hints = { name: "issues", writeDisposition: { disposition: "merge" as const, strategy }, primaryKey: "id" };
      expect((await p.run(resource(issues, hints))).hasFailedJobs).toBe(false);
      const changed = issues.map((i) => ({ ...i, title: `changed ${String(i.title)}`, labels: (i.labels as Row[]).slice(0, 1) }));
      expect((await p.run(resource(changed, hints))).hasFailedJobs).toBe(false);
      const client = await sqlOf(p);
      expect(await count(client, "issues")).toBe(issues.length);
      expect(await count(client, "issues", "WHERE [title] LIKE 'changed %'")).toBe(issues.length);
      expect(await count(client, "issues__labels")).toBe(issues.filter((i) => (i.labels as Row[]).length > 0).length);
    }
  }, 180_000);

  test("merge with hard delete and dedup sort", async () => {
    const p = newPipeline("hard_delete");
    const hints = { tableName: "items", writeDisposition: "merge" as const, primaryKey: "id", columns: { deleted: { hardDelete: true, dataType: "bool" as const }, v: { dedupSort: "desc" as const } } };
    await p.run([{ id: 1, v: 1, deleted: false }, { id: 2, v: 1, deleted: false }], hints);
    await p.run([{ id: 1, v: 2, deleted: true }, { id: 2, v: 3, deleted: false }, { id: 2, v: 2, deleted: false }], hints);
    const client = await sqlOf(p);
    expect(await client.query(`SELECT [id], [v] FROM ${client.makeQualifiedTableName("items")} ORDER BY [id]`)).toEqual([{ id: 2, v: 3 }]);
  }, 60_000);

  test.each(["truncate-and-insert", "insert-from-staging"] as const)("replace (%s) twice keeps one copy", async (replaceStrategy) => {
    const p = newPipeline(`replace_${replaceStrategy.replace(/-/g, "_")}`, { replaceStrategy });
    for (let i = 0; i < 2; i++) expect((await p.run(resource(issues, { name: "issues", writeDisposition: "replace" }))).hasFailedJobs).toBe(false);
    const client = await sqlOf(p);
    expect(await count(client, "issues")).toBe(issues.length);
  }, 120_000);

  test.each(["insert_values", "csv"] as const)("hostile names (direct naming) and values round-trip (%s)", async (format) => {
    const p = newPipeline(`hostile_${format}`);
    const schema = new Schema("direct_names", { namingConvention: "direct" });
    const data = {
      "]; DROP TABLE x; --": "'; DROP TABLE y; --",
      "quote'col": "it's",
      "bracket]col": "a]b",
      "Mixed Case": 1,
      "emoji🎉": "🎉 名前",
      "cr lf": "line1\r\nline2\rline3\n",
      nul: "a\u0000b",
      big: 9007199254740993n,
      when: new Date("2024-05-01T10:20:30.123Z"),
    };
    const info = await p.run([data], { tableName: "my ]table[; --", schema, loaderFileFormat: format });
    expect(info.hasFailedJobs).toBe(false);
    const client = await sqlOf(p);
    const [row] = await client.query<Row>(`SELECT * FROM ${client.makeQualifiedTableName("my ]table[; --")}`);
    for (const [k, v] of Object.entries(data)) expect([k, row![k]]).toEqual([k, v]);
  }, 60_000);

  test("decimals and wei keep every digit; timestamps keep microseconds", async () => {
    const p = newPipeline("exact");
    const rows = [{ id: 1, amount: "12345678901234567890123456789.123456789", wei: "99999999999999999999999999999999999999", at: "2024-05-01T10:20:30.123456Z" }];
    for (const format of ["insert_values", "csv"] as const) {
      const info = await p.run(rows, { tableName: `exact_${format}`, loaderFileFormat: format, columns: { amount: { dataType: "decimal" }, wei: { dataType: "wei" }, at: { dataType: "timestamp" } } });
      expect(info.hasFailedJobs).toBe(false);
    }
    const client = await sqlOf(p);
    for (const format of ["insert_values", "csv"]) {
      const [row] = await client.query<Row>(
        `SELECT CAST([amount] AS nvarchar(50)) AS amount, CAST([wei] AS nvarchar(50)) AS wei, CONVERT(nvarchar(40), [at], 127) AS at FROM ${client.makeQualifiedTableName(`exact_${format}`)}`,
      );
      expect(row).toEqual({ amount: "12345678901234567890123456789.123456789", wei: "99999999999999999999999999999999999999", at: "2024-05-01T10:20:30.1234560Z" });
    }
  }, 60_000);

  test("a NOT NULL violation fails the job at once, naming the column; the password never shows", async () => {
    const p = newPipeline("not_null");
    await p.run([{ id: 1, name: "a" }], { tableName: "items", columns: { name: { nullable: false } } });
    const error = await p.run([{ id: 2 }], { tableName: "items", columns: { name: { nullable: false } } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PipelineStepFailed);
    const password = MssqlCredentials.from(MSSQL_URL!).password;
    if (password) expect(inspect(error, { depth: 10 })).not.toContain(password);
  }, 60_000);

  test("a run on an empty pipelines dir restores state and schema from the destination", async () => {
    const datasetName = `${prefix}_${++datasets}`;
    const first = newPipeline("restore", { datasetName });
    first.state.sources.github = { lastCursor: "2024-05-01", seen: [1, 2, 3] };
    await first.run([{ id: 1 }], { tableName: "things" });
    const second = newPipeline("restore", { datasetName });
    expect(second.state.sources.github).toBeUndefined();
    await second.run();
    expect(second.state.sources.github).toEqual({ lastCursor: "2024-05-01", seen: [1, 2, 3] });
    expect(second.defaultSchema.tables.things?.columns.id?.dataType).toBe("bigint");
  }, 60_000);
});
