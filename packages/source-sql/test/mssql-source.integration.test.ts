import "reflect-metadata";
import mssql from "mssql";
import { incremental, type DataItem } from "dlt-ts";
import { sqlDatabase, sqlTable } from "@dlt-ts/source-sql";
import { recordingPipeline, uniqueName } from "./source-test-utils";

/*
 * The live suite: a real SQL Server at MSSQL_URL, e.g.
 *   MSSQL_URL='mssql://sa:Passw0rd!@localhost:1433/master?TrustServerCertificate=yes' npx jest packages/source-sql/test/mssql
 * Without MSSQL_URL every test here is skipped and the reason is printed.
 */

const MSSQL_URL = process.env.MSSQL_URL;

if (!MSSQL_URL) {
  describe("sqlTable on SQL Server", () => {
    it.skip("needs a server: set MSSQL_URL=mssql://user:password@host:1433/database?TrustServerCertificate=yes", () => undefined);
  });
  console.log(
    "SQL Server source suite skipped: MSSQL_URL is not set. No SQL Server runs on this machine; the SQL it sends is checked offline in select-query.test.ts.",
  );
} else {
  const url = new URL(MSSQL_URL);
  const schema = uniqueName("src_sql");
  const config = {
    server: url.hostname,
    port: Number(url.port || 1433),
    database: decodeURIComponent(url.pathname.slice(1)) || "master",
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    options: { encrypt: true, trustServerCertificate: /trustservercertificate=(yes|true)/i.test(url.search) },
  };
  const run = async (statement: string) => {
    const pool = await new mssql.ConnectionPool(config).connect();
    try {
      await pool.request().batch(statement);
    } finally {
      await pool.close();
    }
  };

  beforeAll(async () => {
    await run(`CREATE SCHEMA ${schema}`);
    await run(`CREATE TABLE ${schema}.deals (
      id bigint PRIMARY KEY, amount decimal(38,18) NOT NULL, fee money, created datetime2(7), changed datetimeoffset(7), day date, clock time(7), name nvarchar(50))`);
    await run(`INSERT INTO ${schema}.deals VALUES
      (9007199254740993, 12345678901234567890.123456789012345678, 12.3456, '2024-05-01T10:20:45.1234567', '2024-05-01T12:20:45.1234567+02:00', '2024-05-01', '10:20:45.1234567', N'first'),
      (2, 0, NULL, NULL, NULL, NULL, NULL, NULL)`);
    await run(`INSERT INTO ${schema}.deals SELECT TOP 1000 ROW_NUMBER() OVER (ORDER BY (SELECT 1)) + 10, 1, NULL,
      DATEADD(second, ROW_NUMBER() OVER (ORDER BY (SELECT 1)), '2024-01-01'), NULL, NULL, NULL, NULL FROM sys.all_objects`);
  });

  afterAll(async () => {
    await run(`DROP TABLE IF EXISTS ${schema}.deals; DROP SCHEMA IF EXISTS ${schema}`);
  });

  describe("sqlTable on SQL Server", () => {
    it("reads exact values and the catalog's hints", async () => {
      const deals = await sqlTable({ table: "deals", schema, credentials: MSSQL_URL, chunkSize: 100 }).resolve();
      expect(deals.options.columns).toMatchObject({
        amount: { dataType: "decimal", precision: 38, scale: 18, nullable: false },
        created: { dataType: "timestamp", timezone: false },
        changed: { dataType: "timestamp" },
      });
      const rows: DataItem[] = [];
      for await (const page of (deals.data as (args: object) => AsyncIterable<DataItem[]>)({})) {
        expect(page.length).toBeLessThanOrEqual(100);
        rows.push(...page);
      }
      expect(rows).toHaveLength(1002);
      expect(rows.find((r) => r.id === 9007199254740993n)).toEqual({
        id: 9007199254740993n,
        amount: "12345678901234567890.123456789012345678",
        fee: "12.3456",
        created: "2024-05-01T10:20:45.123456",
        changed: "2024-05-01T10:20:45.123456Z",
        day: "2024-05-01",
        clock: "10:20:45.123456",
        name: "first",
      });
    });

    it("a second incremental run reads only new rows", async () => {
      const h = recordingPipeline("src_sql_mssql_inc");
      const deals = await sqlTable({ table: "deals", schema, credentials: MSSQL_URL, incremental: incremental({ cursorPath: "created" }), includedColumns: ["id", "created"] }).resolve();
      expect((await h.run(deals)).deals!.length).toBeGreaterThan(1000);
      await run(`INSERT INTO ${schema}.deals (id, amount, created) VALUES (5000, 1, '2030-01-01T00:00:00.0000010')`);
      expect((await h.run(deals)).deals!.map((r) => r.id)).toEqual([5000]);
    });

    it("sqlDatabase lists the schema's tables", async () => {
      expect((await sqlDatabase({ schema, credentials: MSSQL_URL }).resolve()).resources.map((r) => r.name)).toEqual(["deals"]);
    });
  });
}
