import "reflect-metadata";
import * as path from "node:path";
import { DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { incremental, type DataItem } from "dlt-ts";
import { sqlDatabase, sqlTable } from "@dlt-ts/source-sql";
import { recordingPipeline, tempDir } from "./source-test-utils";

/*
 * The SQL source reading a real DuckDB file: catalog types as hints, exact
 * values of every kind DuckDB has, incremental runs that read only the new
 * rows, table selection.
 */

const file = path.join(tempDir(), "source.duckdb");
const url = `duckdb:///${file}`;

async function withDatabase(work: (connection: DuckDBConnection) => Promise<void>): Promise<void> {
  const instance = await DuckDBInstance.create(file);
  const connection = await instance.connect();
  try {
    await work(connection);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** Statements the source ran while `work` ran. */
async function statements<T>(work: () => Promise<T>): Promise<{ result: T; statements: string[] }> {
  const seen: string[] = [];
  const original = DuckDBConnection.prototype.stream;
  const spy = jest.spyOn(DuckDBConnection.prototype, "stream").mockImplementation(function (this: DuckDBConnection, sql: string, ...rest: unknown[]) {
    seen.push(sql);
    return (original as (...args: unknown[]) => ReturnType<DuckDBConnection["stream"]>).call(this, sql, ...rest);
  });
  try {
    return { result: await work(), statements: seen };
  } finally {
    spy.mockRestore();
  }
}

beforeAll(async () => {
  await withDatabase(async (c) => {
    await c.run(`CREATE TABLE kinds (
      id BIGINT PRIMARY KEY, amount DECIMAL(38,18) NOT NULL, huge HUGEINT, seen_at TIMESTAMPTZ, naive TIMESTAMP, day DATE, clock TIME,
      blob BLOB, doc JSON, list INTEGER[], struct STRUCT(a INTEGER, b VARCHAR), label VARCHAR, ratio DOUBLE, flag BOOLEAN)`);
    await c.run(`INSERT INTO kinds VALUES
      (1, '12345678901234567890.123456789012345678', 170141183460469231731687303715884105727, '2024-05-01 08:20:45.176451+00',
       '2024-05-01 10:20:45.176451', '2024-05-01', '10:20:45.123456', '\\x00\\xFF'::BLOB, '{"x": [1, 2]}', [1, 2, NULL], {'a': 1, 'b': 'b'}, 'first', 0.5, true),
      (2, '-0.000000000000000001', 9007199254740993, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)`);
    await c.run(`CREATE TABLE events (id INTEGER, happened TIMESTAMP)`);
    await c.run(`INSERT INTO events SELECT g, TIMESTAMP '2024-01-01' + to_microseconds(g) FROM range(1, 1001) t(g)`);
    await c.run(`CREATE SCHEMA other`);
    await c.run(`CREATE TABLE other.notes (n INTEGER)`);
  });
});

describe("sqlTable on DuckDB", () => {
  it("reflects DuckDB's types and reads every value exactly", async () => {
    const kinds = await sqlTable({ table: "kinds", credentials: url, chunkSize: 1 }).resolve();
    expect(kinds.options.primaryKey).toBe("id");
    expect(kinds.options.columns).toEqual({
      id: { dataType: "bigint", nullable: false },
      amount: { dataType: "decimal", precision: 38, scale: 18, nullable: false },
      huge: { dataType: "wei", nullable: true },
      seen_at: { dataType: "timestamp", nullable: true },
      naive: { dataType: "timestamp", timezone: false, nullable: true },
      day: { dataType: "date", nullable: true },
      clock: { dataType: "time", nullable: true },
      blob: { dataType: "binary", nullable: true },
      doc: { dataType: "json", nullable: true },
      list: { dataType: "json", nullable: true },
      struct: { dataType: "json", nullable: true },
      label: { dataType: "text", nullable: true },
      ratio: { dataType: "double", nullable: true },
      flag: { dataType: "bool", nullable: true },
    });
    const pages: DataItem[][] = [];
    for await (const page of (kinds.data as (args: object) => AsyncIterable<DataItem[]>)({})) pages.push(page);
    expect(pages.map((p) => p.length)).toEqual([1, 1]);
    expect(pages[0]![0]).toEqual({
      id: 1,
      amount: "12345678901234567890.123456789012345678",
      huge: 170141183460469231731687303715884105727n,
      seen_at: "2024-05-01T08:20:45.176451Z",
      naive: "2024-05-01T10:20:45.176451",
      day: "2024-05-01",
      clock: "10:20:45.123456",
      blob: new Uint8Array([0x00, 0xff]),
      doc: { x: [1, 2] },
      list: [1, 2, null],
      struct: { a: 1, b: "b" },
      label: "first",
      ratio: 0.5,
      flag: true,
    });
    expect(pages[1]![0]).toMatchObject({ id: 2, amount: "-0.000000000000000001", huge: 9007199254740993n, seen_at: null });
  });

  it("loads into a sink, and a second run reads only rows past the cursor", async () => {
    const h = recordingPipeline("src_sql_duckdb_inc");
    const events = await sqlTable({ table: "events", credentials: url, incremental: incremental({ cursorPath: "happened" }) }).resolve();
    const first = await statements(() => h.run(events));
    expect(first.result.events).toHaveLength(1000);
    expect(first.statements).toEqual([`SELECT "id", "happened" FROM "main"."events" ORDER BY "happened" ASC`]);

    await withDatabase((c) => c.run(`INSERT INTO events VALUES (1001, TIMESTAMP '2024-01-01 00:00:00.001001'), (1002, TIMESTAMP '2024-01-01 00:00:00.001002')`).then(() => undefined));
    const second = await statements(() => h.run(events));
    expect(second.result.events!.map((r) => r.id)).toEqual([1001, 1002]);
    expect(second.statements).toEqual([`SELECT "id", "happened" FROM "main"."events" WHERE "happened" >= CAST($1 AS TIMESTAMP) ORDER BY "happened" ASC`]);
    const state = (h.p.state.sources as Record<string, any>).src_sql_duckdb_inc.resources.events.incremental.happened;
    expect(state.lastValue).toBe("2024-01-01T00:00:00.001002");
  });

  it("sqlDatabase reads the tables of a schema", async () => {
    const main = await sqlDatabase({ credentials: url }).resolve();
    expect(main.resources.map((r) => r.name)).toEqual(["events", "kinds"]);
    const other = await sqlDatabase({ credentials: url, schema: "other" }).resolve();
    expect(other.resources.map((r) => r.name)).toEqual(["notes"]);
  });

  it("a missing database file is an error naming it", async () => {
    const missing = `duckdb:///${path.join(tempDir(), "nope.duckdb")}`;
    await expect(sqlTable({ table: "t", credentials: missing }).resolve()).rejects.toThrow(`Opening ${missing}`);
  });
});
