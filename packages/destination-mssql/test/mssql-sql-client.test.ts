import { DatabaseException, DatabaseTerminalException, DatabaseTransientException } from "@dlt-ts/core";
import {
  MSSQL_SESSION_SQL,
  MssqlSqlClient,
  columnWriterFor,
  loadTedious,
  mssqlCapabilities,
  parameterBatchSize,
  type MssqlCatalogColumn,
} from "@dlt-ts/destination-mssql";
import { FakePool, FakeServer } from "./fake-mssql.js";

function setup(dataset = "ds") {
  const server = new FakeServer();
  const pool = new FakePool(server);
  const client = new MssqlSqlClient(mssqlCapabilities(), dataset, { pool });
  return { server, pool, client };
}

const tedious = loadTedious();
function writers(names: string[]) {
  return names.map((name) =>
    columnWriterFor({ name, dataType: "nvarchar", maxLength: -1, precision: null, scale: null, datetimePrecision: null, nullable: true } as MssqlCatalogColumn, tedious),
  );
}
async function* rowsOf(count: number, width: number): AsyncGenerator<unknown[]> {
  for (let i = 0; i < count; i++) yield Array.from({ length: width }, (_, j) => `r${i}c${j}`);
}

describe("MssqlSqlClient on a fake pool", () => {
  test("sets up each new connection once; no parameters → plain batch, parameters → @p0.. through sp_executesql", async () => {
    const { server, client } = setup();
    await client.execute("SELECT 1 AS one");
    await client.query("SELECT * FROM t WHERE a = %s AND b LIKE 'x%%' AND c = %s", ["A", 2]);
    expect(server.log.map((r) => [r.connection, r.kind, r.sql])).toEqual([
      [1, "batch", MSSQL_SESSION_SQL],
      [1, "batch", "SELECT 1 AS one"],
      [1, "rpc", "SELECT * FROM t WHERE a = @p0 AND b LIKE 'x%' AND c = @p1"],
    ]);
    expect(server.log[2]!.params).toEqual([
      { name: "p0", type: "NVarChar", value: "A", options: { length: 4000 } },
      { name: "p1", type: "Int", value: 2, options: {} },
    ]);
    await client.close();
  });

  test("transactions: BEGIN / COMMIT TRANSACTION on one connection", async () => {
    const { server, client } = setup();
    await client.transaction(async (tx) => {
      await tx.execute("INSERT INTO t VALUES (1)");
      await tx.withStagingDataset().execute("INSERT INTO s VALUES (2)");
    });
    const used = server.log.filter((r) => r.sql !== MSSQL_SESSION_SQL);
    expect(used.map((r) => r.sql)).toEqual(["BEGIN TRANSACTION", "INSERT INTO t VALUES (1)", "INSERT INTO s VALUES (2)", "COMMIT TRANSACTION"]);
    expect(new Set(used.map((r) => r.connection)).size).toBe(1);
  });

  test("a failing statement rolls back (only if the server still has the transaction) and is classified", async () => {
    const { server, client } = setup();
    server.failOn = { pattern: /INSERT/, error: Object.assign(new Error("Violation of PRIMARY KEY constraint 'PK'."), { number: 2627, class: 14 }) };
    const error = await client.transaction((tx) => tx.execute("INSERT INTO t VALUES (1)")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseTerminalException);
    expect((error as DatabaseException).dbCode).toBe("2627");
    expect(server.statements().slice(-3)).toEqual(["BEGIN TRANSACTION", "INSERT INTO t VALUES (1)", "IF @@TRANCOUNT > 0 ROLLBACK TRANSACTION"]);
  });

  test("a connection that failed with a transient error is not lent again", async () => {
    const { server, pool, client } = setup();
    server.failOn = { pattern: /boom/, error: Object.assign(new Error("Connection lost - read ECONNRESET"), { code: "ESOCKET" }), times: 1 };
    await expect(client.execute("SELECT boom")).rejects.toBeInstanceOf(DatabaseTransientException);
    await client.execute("SELECT 2");
    expect(server.log.map((r) => r.connection)).toEqual([1, 1, 2, 2]);
    expect(pool.idle.map((c) => c.id)).toEqual([2]);
  });

  test("more than 2098 parameters fail before anything is sent", async () => {
    const { server, client } = setup();
    await client.execute("SELECT 1");
    const before = server.log.length;
    const params = Array.from({ length: 2099 }, (_, i) => i);
    const error = await client.execute(`SELECT ${params.map(() => "%s").join(", ")}`, params).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseTerminalException);
    expect((error as Error).message).toMatch(/2099 parameters; SQL Server takes at most 2098 per request/);
    expect(server.log.length).toBe(before);
    await expect(client.execute(`SELECT ${params.slice(1).map(() => "%s").join(", ")}`, params.slice(1))).resolves.toBeDefined();
  });

  test("datasets: created when missing (CREATE SCHEMA alone in its batch), looked up in sys.schemas, dropped table by table", async () => {
    const { server, client } = setup("we]ird");
    server.responders.push((sql) =>
      /INFORMATION_SCHEMA\.TABLES/.test(sql)
        ? { rows: [{ name: "events", kind: "BASE TABLE" }, { name: "v", kind: "VIEW" }, { name: "x]y", kind: "BASE TABLE" }] }
        : undefined,
    );
    expect(await client.hasDataset()).toBe(false);
    await client.createDataset();
    expect(await client.hasDataset()).toBe(true);
    await client.dropDataset();
    expect(server.statements().filter((s) => s !== MSSQL_SESSION_SQL)).toEqual([
      "SELECT 1 AS found FROM sys.schemas WHERE name = @p0",
      "IF SCHEMA_ID(N'we]ird') IS NULL EXEC(N'CREATE SCHEMA [we]]ird]')",
      "SELECT 1 AS found FROM sys.schemas WHERE name = @p0",
      "SELECT TABLE_NAME AS name, TABLE_TYPE AS kind FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = @p0",
      "DROP VIEW IF EXISTS [we]]ird].[v];\nDROP TABLE IF EXISTS [we]]ird].[events];\nDROP TABLE IF EXISTS [we]]ird].[x]]y]",
      "DROP SCHEMA IF EXISTS [we]]ird]",
    ]);
  });

  test("names: brackets, staging dataset", () => {
    const { client } = setup("github_data");
    expect(client.makeQualifiedTableName("events")).toBe("[github_data].[events]");
    expect(client.withStagingDataset().makeQualifiedTableName("a]b")).toBe("[github_data_staging].[a]]b]");
    expect(client.escapeColumnName("x y")).toBe("[x y]");
  });

  test("bulkLoad and insertRows need a transaction", async () => {
    const { client } = setup();
    await expect(client.bulkLoad("[ds].[t]", writers(["a"]), rowsOf(1, 1))).rejects.toThrow(/must run inside transaction/);
    await expect(client.insertRows("[ds].[t]", writers(["a"]), rowsOf(1, 1))).rejects.toThrow(/must run inside transaction/);
  });

  test("the pool connects once for concurrent first leases; close() closes it", async () => {
    const { pool, client } = setup();
    const connect = jest.spyOn(pool, "connect");
    await Promise.all([client.execute("SELECT 1"), client.execute("SELECT 2"), client.transaction((tx) => tx.execute("SELECT 3"))]);
    expect(connect).toHaveBeenCalledTimes(1);
    await client.close();
    expect(pool.closed).toBe(true);
    await expect(client.execute("SELECT 4")).rejects.toThrow(/closed/);
  });
});

describe("parameterized INSERT splitting: ≤ 1000 rows and ≤ 2098 parameters per statement", () => {
  test.each([
    [1, 1000],
    [2, 1000],
    [3, 699],
    [7, 299],
    [50, 41],
    [1024, 2],
    [2098, 1],
  ])("%i columns → %i rows per statement", (columns, rows) => {
    expect(parameterBatchSize(columns)).toBe(rows);
    expect(rows * columns).toBeLessThanOrEqual(2098);
  });

  test("more columns than parameters cannot be inserted", () => {
    expect(() => parameterBatchSize(2099)).toThrow(/cannot be inserted with parameters/);
  });

  test.each([
    [2, 2500, [1000, 1000, 500]],
    [3, 1500, [699, 699, 102]],
    [5, 419, [419]],
    [5, 420, [419, 1]],
  ])("%i columns × %i rows → statements of %j rows", async (width, count, sizes) => {
    const { server, client } = setup();
    const total = await client.transaction((tx) => (tx as MssqlSqlClient).insertRows("[ds].[t]", writers(Array.from({ length: width }, (_, i) => `c${i}`)), rowsOf(count, width)));
    expect(total).toBe(count);
    const inserts = server.log.filter((r) => r.sql.startsWith("INSERT INTO"));
    expect(inserts.map((r) => r.params.length / width)).toEqual(sizes);
    for (const r of inserts) {
      expect(r.kind).toBe("rpc");
      expect(r.params.length).toBeLessThanOrEqual(2098);
      expect(r.sql.startsWith(`INSERT INTO [ds].[t] (${Array.from({ length: width }, (_, i) => `[c${i}]`).join(", ")}) VALUES (@p0, `)).toBe(true);
    }
    // The first row, in order, with its writer's type.
    expect(inserts[0]!.params.slice(0, width).map((p) => [p.name, p.type, p.value])).toEqual(
      Array.from({ length: width }, (_, j) => [`p${j}`, "NVarChar", `r0c${j}`]),
    );
  });
});
