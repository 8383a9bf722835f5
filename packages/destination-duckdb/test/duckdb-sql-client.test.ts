import { existsSync } from "node:fs";
import * as path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { DatabaseTerminalException, DatabaseTransientException, DatabaseUndefinedRelation, type SqlClient } from "@dlt-ts/core";
import {
  DuckdbCredentials,
  DuckdbDatabase,
  DuckdbSqlClient,
  classifyDuckdbError,
  duckdbCapabilities,
  escapeDuckdbLiteral,
} from "@dlt-ts/destination-duckdb";
import { removeTempDirs, tempDir } from "./duckdb-test-utils.js";

// Loads into a real DuckDB, which works on threads of its own: about a second a test when idle, many on a busy machine.
jest.setTimeout(60_000);

const open: SqlClient[] = [];
function client(file: string, dataset = "ds"): DuckdbSqlClient {
  const c = new DuckdbSqlClient(duckdbCapabilities(), dataset, DuckdbDatabase.file(file));
  open.push(c);
  return c;
}

afterEach(async () => {
  for (const c of open.splice(0)) await c.close();
});
afterAll(removeTempDirs);

describe("DuckdbSqlClient", () => {
  test("datasets are schemas; staging is <dataset>_staging in the same file", async () => {
    const c = client(path.join(tempDir(), "a.duckdb"));
    expect(await c.hasDataset()).toBe(false);
    await c.createDataset();
    await c.createDataset();
    expect(await c.hasDataset()).toBe(true);
    const staging = c.withStagingDataset();
    expect(staging.datasetName).toBe("ds_staging");
    await staging.createDataset();
    await c.execute(`CREATE TABLE ${staging.makeQualifiedTableName("t")} (id BIGINT)`);
    await staging.execute(`INSERT INTO ${staging.makeQualifiedTableName("t")} VALUES (%s)`, [1]);
    expect(await staging.query(`SELECT id FROM ${staging.makeQualifiedTableName("t")}`)).toEqual([{ id: 1 }]);
    await staging.dropDataset();
    expect(await staging.hasDataset()).toBe(false);
    expect(await c.hasDataset()).toBe(true);
  });

  test("parameters of every kind bind, results come back as JS values; the session is UTC", async () => {
    const c = client(path.join(tempDir(), "b.duckdb"));
    const when = new Date("2024-05-01T10:20:30.123Z");
    const [row] = await c.query(
      "SELECT %s AS s, %s AS i, %s AS d, %s AS b, %s AS big, %s AS ts, %s AS bin, %s AS j, %s AS n, 'a%%' AS literal, current_setting('TimeZone') AS tz",
      ["x", 42, 0.5, true, 2n ** 70n, when, new Uint8Array([1, 2]), { a: 1 }, null],
    );
    expect(row).toEqual({ s: "x", i: 42, d: 0.5, b: true, big: 2n ** 70n, ts: when, bin: Buffer.from([1, 2]), j: '{"a":1}', n: null, literal: "a%", tz: "UTC" });
    const [typed] = await c.query(
      "SELECT 12::BIGINT AS small, 9007199254740993::BIGINT AS large, 1.25::DECIMAL(10,3) AS dec, DATE '2024-05-01' AS d, TIME '10:20:30' AS t, '{\"x\": [1]}'::JSON AS j",
    );
    expect(typed).toEqual({ small: 12, large: 9007199254740993n, dec: "1.250", d: "2024-05-01", t: "10:20:30", j: { x: [1] } });
    await expect(c.query("SELECT %s AS a", [1, 2])).rejects.toThrow(/1 %s placeholder\(s\) but 2 parameter\(s\)/);
  });

  test("execute reports changed rows; executeMany runs several statements", async () => {
    const c = client(path.join(tempDir(), "c.duckdb"));
    await c.createDataset();
    await c.executeMany([`CREATE TABLE ${c.makeQualifiedTableName("t")} (id BIGINT)`, `INSERT INTO ${c.makeQualifiedTableName("t")} VALUES (1), (2), (3)`]);
    expect((await c.execute(`DELETE FROM ${c.makeQualifiedTableName("t")} WHERE id > %s`, [1])).rowCount).toBe(2);
    await c.truncateTables("t");
    expect(await c.query(`SELECT count(*) AS n FROM ${c.makeQualifiedTableName("t")}`)).toEqual([{ n: 0 }]);
    await c.dropTables("t", "missing");
  });

  test("transactions commit or roll back; calls outside wait their turn on the one connection", async () => {
    const c = client(path.join(tempDir(), "d.duckdb"));
    await c.createDataset();
    const t = c.makeQualifiedTableName("t");
    await c.execute(`CREATE TABLE ${t} (id BIGINT)`);
    await expect(
      c.transaction(async (tx) => {
        await tx.execute(`INSERT INTO ${t} VALUES (1)`);
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(await c.query(`SELECT count(*) AS n FROM ${t}`)).toEqual([{ n: 0 }]);
    const order: string[] = [];
    let inside!: () => void;
    const entered = new Promise<void>((resolve) => (inside = resolve));
    const tx = c.transaction(async (tx) => {
      inside();
      await tx.execute(`INSERT INTO ${t} VALUES (1)`);
      await new Promise((r) => setTimeout(r, 50));
      await tx.withStagingDataset().execute(`INSERT INTO ${t} VALUES (2)`);
      order.push("tx");
    });
    await entered;
    const outside = c.query<{ n: number }>(`SELECT count(*) AS n FROM ${t}`).then((rows) => {
      order.push("outside");
      return rows;
    });
    await tx;
    expect(await outside).toEqual([{ n: 2 }]);
    expect(order).toEqual(["tx", "outside"]);
  });

  test("errors are classified: missing relation, terminal, transient", async () => {
    const c = client(path.join(tempDir(), "e.duckdb"));
    await c.createDataset();
    const missing = await c.query(`SELECT * FROM ${c.makeQualifiedTableName("nope")}`).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(DatabaseUndefinedRelation);
    expect((missing as DatabaseUndefinedRelation).dbCode).toBe("Catalog");
    expect(await c.query("SELECT * FROM no_such_schema.t").catch((e: unknown) => e)).toBeInstanceOf(DatabaseUndefinedRelation);
    const syntax = await c.query("SELEC 1").catch((e: unknown) => e);
    expect(syntax).toBeInstanceOf(DatabaseTerminalException);
    expect(String((syntax as Error).message)).toMatch(/^Parser Error/);
    expect(await c.query("SELECT 'a'::INTEGER").catch((e: unknown) => e)).toBeInstanceOf(DatabaseTerminalException);
    expect(await c.execute(`CREATE TABLE ${c.makeQualifiedTableName("nn")} (id BIGINT NOT NULL)`)).toBeDefined();
    const constraint = await c.execute(`INSERT INTO ${c.makeQualifiedTableName("nn")} VALUES (NULL)`).catch((e: unknown) => e);
    expect(constraint).toBeInstanceOf(DatabaseTerminalException);
    expect((constraint as Error).message).toMatch(/NOT NULL constraint failed: nn\.id/);
    expect(classifyDuckdbError(new Error('IO Error: Could not set lock on file "x.duckdb": Conflicting lock is held'))).toBeInstanceOf(DatabaseTransientException);
    expect(classifyDuckdbError(new Error("TransactionContext Error: Catalog write-write conflict on alter"))).toBeInstanceOf(DatabaseTransientException);
    expect(classifyDuckdbError(new Error("TransactionContext Error: cannot start a transaction within a transaction"))).toBeInstanceOf(DatabaseTerminalException);
    expect(classifyDuckdbError(new Error("Catalog Error: Table with name t already exists!"))).toBeInstanceOf(DatabaseTerminalException);
  });

  test("two clients on one file share the database; closing the last one releases the file", async () => {
    const file = path.join(tempDir(), "shared.duckdb");
    const a = client(file);
    const b = client(file);
    await a.createDataset();
    await a.execute(`CREATE TABLE ${a.makeQualifiedTableName("t")} AS SELECT 1 AS id`);
    expect(await b.query("SELECT id FROM t")).toEqual([{ id: 1 }]);
    await a.close();
    expect(await b.query("SELECT id FROM t")).toEqual([{ id: 1 }]);
    await b.close();
    // The file is closed: a separate instance (as another process would) opens it.
    const other = await DuckDBInstance.create(file);
    const connection = await other.connect();
    expect((await connection.runAndReadAll("SELECT count(*) AS n FROM ds.t")).getRowObjectsJS()).toEqual([{ n: 1n }]);
    connection.closeSync();
    other.closeSync();
    expect(existsSync(file)).toBe(true);
  });
});

describe("DuckdbCredentials and literals", () => {
  test("paths, duckdb:/// URLs, :memory: and :pipeline:", () => {
    expect(DuckdbCredentials.from("data/x.duckdb").database).toBe("data/x.duckdb");
    expect(DuckdbCredentials.from("duckdb:///data/x.duckdb").database).toBe("data/x.duckdb");
    expect(DuckdbCredentials.from("duckdb:////abs/x.duckdb").database).toBe("/abs/x.duckdb");
    expect(DuckdbCredentials.from(":memory:").database).toBe(":memory:");
    expect(DuckdbCredentials.from("duckdb:///:memory:").database).toBe(":memory:");
    expect(String(DuckdbCredentials.from("/abs/x.duckdb"))).toBe("duckdb:////abs/x.duckdb");
    expect(() => DuckdbCredentials.from("")).toThrow(/expected a database file path/);
    expect(new DuckdbCredentials("duckdb:///data/x.duckdb").database).toBe("data/x.duckdb");
    expect(new DuckdbCredentials().database).toBeUndefined();
  });

  test("literals: quotes doubled, binary as BLOB, JSON text, non-finite doubles quoted", () => {
    expect(escapeDuckdbLiteral("it's")).toBe("'it''s'");
    expect(escapeDuckdbLiteral("a\\b\nc")).toBe("'a\\b\nc'");
    expect(escapeDuckdbLiteral(new Uint8Array([0, 171]))).toBe("'\\x00\\xAB'::BLOB");
    expect(escapeDuckdbLiteral({ a: 1n })).toBe(`'{"a":"1"}'`);
    expect(escapeDuckdbLiteral(Number.NaN)).toBe("'NaN'");
    expect(escapeDuckdbLiteral(null)).toBe("NULL");
  });
});
