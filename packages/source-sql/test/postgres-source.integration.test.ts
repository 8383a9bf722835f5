import "reflect-metadata";
import { mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import copyStreams from "pg-copy-streams";
import { ConfigFieldMissingException, DatabaseTerminalException, destination, incremental, pipeline, type DataItem, type TableSchema } from "dlt-ts";
import { duckdb } from "@dlt-ts/destination-duckdb";
import { postgres } from "@dlt-ts/destination-postgres";
import { sqlDatabase, sqlTable, TableNotFoundException, CursorColumnException, SqlSourceOptionsException } from "@dlt-ts/source-sql";
import { loadPgModules, PostgresConnection, type PgModules } from "../src/postgres-connection";
import { buildSelect } from "../src/select-query";
import { resolveSqlCredentials } from "../src/sql-database-configuration";
import { ensureTestDatabase, recordingPipeline, sql, tempDir, TEST_URL, uniqueName } from "./source-test-utils";

/*
 * The SQL source against the real Postgres server: whole tables into DuckDB,
 * Postgres and a sink with exact values, incremental runs that read only the
 * changed rows (counted where the driver hands them over), table selection,
 * credentials from config, and no secret in any error.
 */

const schema = uniqueName("src_sql");

/**
 * Rows and SELECT texts the database sent while `work` ran, counted where
 * `pg-copy-streams` hands the COPY's bytes over (one line per row).
 */
async function driverReads<T>(work: () => Promise<T>): Promise<{ result: T; rows: number; statements: string[] }> {
  const original = copyStreams.to;
  let rows = 0;
  const statements = new Set<string>();
  const spy = jest.spyOn(copyStreams, "to").mockImplementation((text: string) => {
    statements.add(text.replace(/^COPY \((.*)\) TO STDOUT$/s, "$1"));
    const stream = original(text);
    const push = stream.push.bind(stream);
    stream.push = (chunk: unknown) => {
      if (Buffer.isBuffer(chunk)) for (let i = chunk.indexOf(0x0a); i !== -1; i = chunk.indexOf(0x0a, i + 1)) rows++;
      return push(chunk as Buffer);
    };
    return stream;
  });
  try {
    return { result: await work(), rows, statements: [...statements] };
  } finally {
    spy.mockRestore();
  }
}

/** Microseconds since the epoch of `YYYY-MM-DDTHH:MM:SS.ffffffZ`, as digits. */
function epochMicros(iso: string): string {
  return String(BigInt(Date.parse(`${iso.slice(0, 19)}Z`)) * 1000n + BigInt(iso.slice(20, 26)));
}

beforeAll(async () => {
  await ensureTestDatabase();
  await sql(`CREATE SCHEMA ${schema}`);
  await sql(`
    CREATE TABLE ${schema}.exact (
      id bigint PRIMARY KEY,
      amount numeric(38,18) NOT NULL,
      big int8,
      at timestamptz,
      naive timestamp,
      day date,
      clock time,
      payload jsonb,
      blob bytea,
      label varchar(20)
    )`);
  await sql(`INSERT INTO ${schema}.exact VALUES
    (1, '12345678901234567890.123456789012345678', 9007199254740993, '2024-05-01 10:20:45.176451+02', '2024-05-01 10:20:45.176451',
     '2024-05-01', '10:20:45.123456', '{"tags": ["a", "b"], "n": 1}', '\\x00ff10', 'first'),
    (2, '-0.000000000000000001', -9223372036854775808, '1999-12-31 23:59:59.999999+00', '1999-12-31 23:59:59.999999',
     '1999-12-31', '23:59:59.999999', '[1, 2]', '\\x', 'second'),
    (3, '0', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)`);
  await sql(`CREATE TABLE ${schema}.contacts (id int PRIMARY KEY, name text NOT NULL, updated_at timestamptz NOT NULL)`);
  await sql(`INSERT INTO ${schema}.contacts
    SELECT g, 'contact ' || g, timestamptz '2024-01-01 00:00:00+00' + g * interval '1 second' + g * interval '1 microsecond'
    FROM generate_series(1, 10000) g`);
  await sql(`CREATE TABLE ${schema}.deals (id int PRIMARY KEY, contact_id int, value numeric(12,2))`);
  await sql(`INSERT INTO ${schema}.deals VALUES (1, 1, 10.50), (2, 2, 99.99)`);
  await sql(`CREATE TABLE ${schema}.ledger (seq numeric(20,0) PRIMARY KEY, note text)`);
  await sql(`INSERT INTO ${schema}.ledger VALUES (9, 'a'), (10, 'b'), (12345678901234567890, 'c')`);
  await sql(`CREATE VIEW ${schema}.big_deals AS SELECT * FROM ${schema}.deals WHERE value > 50`);
});

afterAll(async () => {
  await sql(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
});

describe("sqlTable on Postgres: whole tables, exact values", () => {
  it("reflects the catalog as column hints and the primary key", async () => {
    const exact = await sqlTable({ table: "exact", schema, credentials: TEST_URL }).resolve();
    expect(exact.name).toBe("exact");
    expect(exact.options.primaryKey).toBe("id");
    expect(exact.options.columns).toEqual({
      id: { dataType: "bigint", nullable: false },
      amount: { dataType: "decimal", precision: 38, scale: 18, nullable: false },
      big: { dataType: "bigint", nullable: true },
      at: { dataType: "timestamp", nullable: true },
      naive: { dataType: "timestamp", timezone: false, nullable: true },
      day: { dataType: "date", nullable: true },
      clock: { dataType: "time", nullable: true },
      payload: { dataType: "json", nullable: true },
      blob: { dataType: "binary", nullable: true },
      label: { dataType: "text", nullable: true },
    });
  });

  it("streams pages of chunkSize rows, as JS values that keep every digit and microsecond", async () => {
    const exact = await sqlTable({ table: "exact", schema, credentials: TEST_URL, chunkSize: 2 }).resolve();
    const pages: DataItem[][] = [];
    for await (const page of (exact.data as (args: object) => AsyncIterable<DataItem[]>)({})) pages.push(page);
    expect(pages.map((p) => p.length)).toEqual([2, 1]);
    const [first, second] = pages[0]!;
    expect(first).toEqual({
      id: 1,
      amount: "12345678901234567890.123456789012345678",
      big: 9007199254740993n,
      at: "2024-05-01T08:20:45.176451Z",
      naive: "2024-05-01T10:20:45.176451",
      day: "2024-05-01",
      clock: "10:20:45.123456",
      payload: { tags: ["a", "b"], n: 1 },
      blob: Buffer.from([0x00, 0xff, 0x10]),
      label: "first",
    });
    expect(first!.blob).toBeInstanceOf(Uint8Array);
    expect(second).toMatchObject({ amount: "-0.000000000000000001", big: -9223372036854775808n, at: "1999-12-31T23:59:59.999999Z" });
  });

  it("reads the same values through COPY as through a cursor (without pg-copy-streams), text with every escape included", async () => {
    await sql(`CREATE TABLE ${schema}.escapes (id int PRIMARY KEY, note text, tags text[], nums int8[], flag boolean, ratio float8, small real, due interval, zone timetz, u uuid)`);
    await sql(
      `INSERT INTO ${schema}.escapes VALUES ` +
        `(1, E'tab\\there\\nnew line\\r\\\\back\\\\slash \\\\N \\b\\f\\013 ünïcødé 🦆', ARRAY['a b', 'c,d', NULL, '"q"'], ARRAY[9007199254740993, -1], true, 0.1, 1.5, '1 day 02:03:04.5', '10:20:45.5+02', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'), ` +
        `(2, '\\N', '{}', NULL, false, 'NaN', '-Infinity', NULL, NULL, NULL), (3, '', NULL, NULL, NULL, 1e300, NULL, NULL, NULL, NULL)`,
    );
    const read = async (modules?: PgModules) => {
      const connection = await PostgresConnection.open(await resolveSqlCredentials(TEST_URL), modules);
      try {
        const rows: DataItem[] = [];
        for (const table of ["exact", "escapes"]) {
          const [reflected] = await connection.reflectTables(schema, [table]);
          const query = buildSelect(connection.dialect, reflected!, reflected!.columns, undefined);
          for await (const page of connection.streamRows(query, reflected!.columns, 2)) rows.push(...page);
        }
        return rows;
      } finally {
        await connection.close();
      }
    };
    const { copyTo, ...withoutCopy } = loadPgModules();
    expect(copyTo).toBeDefined();
    let copied: DataItem[];
    try {
      copied = await read();
      expect(copied).toEqual(await read(withoutCopy));
    } finally {
      await sql(`DROP TABLE ${schema}.escapes`);
    }
    expect(copied.find((r) => r.id === 1 && "note" in r)).toMatchObject({
      note: "tab\there\nnew line\r\\back\\slash \\N \b\f\v ünïcødé 🦆",
      tags: ["a b", "c,d", null, '"q"'],
      nums: [9007199254740993n, -1],
      flag: true,
      ratio: 0.1,
    });
    expect(copied.find((r) => r.id === 2 && "note" in r)).toMatchObject({ note: "\\N", tags: [], nums: null, ratio: NaN, small: -Infinity });
    expect(copied.find((r) => r.id === 3 && "note" in r)).toMatchObject({ note: "", tags: null, ratio: 1e300 });
  });

  it("loads a table into DuckDB with numeric, int8 and timestamps exact", async () => {
    const database = path.join(tempDir(), "exact.duckdb");
    const p = pipeline({ pipelineName: "src_sql_duckdb", pipelinesDir: tempDir(), projectDir: tempDir(), destination: duckdb({ credentials: database }), progress: "none" });
    await p.run(await sqlTable({ table: "exact", schema, credentials: TEST_URL }).resolve());
    const rows = await p.sqlClient().query<Record<string, unknown>>(
      `SELECT id, CAST(amount AS VARCHAR) AS amount, CAST(big AS VARCHAR) AS big, CAST(epoch_us("at") AS VARCHAR) AS at,
              strftime(naive, '%Y-%m-%dT%H:%M:%S.%f') AS naive, CAST(day AS VARCHAR) AS day, CAST(clock AS VARCHAR) AS clock, label
       FROM exact ORDER BY id`,
    );
    expect(rows.map((r) => ({ ...r, id: Number(r.id) }))).toEqual([
      { id: 1, amount: "12345678901234567890.123456789012345678", big: "9007199254740993", at: epochMicros("2024-05-01T08:20:45.176451Z"), naive: "2024-05-01T10:20:45.176451", day: "2024-05-01", clock: "10:20:45.123456", label: "first" },
      { id: 2, amount: "-0.000000000000000001", big: "-9223372036854775808", at: epochMicros("1999-12-31T23:59:59.999999Z"), naive: "1999-12-31T23:59:59.999999", day: "1999-12-31", clock: "23:59:59.999999", label: "second" },
      { id: 3, amount: "0.000000000000000000", big: null, at: null, naive: null, day: null, clock: null, label: null },
    ]);
    const types = await p.sqlClient().query<{ column_name: string; data_type: string }>(
      "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'exact' AND column_name IN ('amount', 'big', 'at', 'naive') ORDER BY column_name",
    );
    expect(Object.fromEntries(types.map((t) => [t.column_name, t.data_type]))).toEqual({
      amount: "DECIMAL(38,18)",
      at: "TIMESTAMP WITH TIME ZONE",
      big: "BIGINT",
      naive: "TIMESTAMP",
    });
  });

  it("loads a table into Postgres with the same exactness", async () => {
    const dataset = uniqueName("src_sql_pg");
    const p = pipeline({ pipelineName: "src_sql_pg", pipelinesDir: tempDir(), projectDir: tempDir(), destination: postgres({ credentials: TEST_URL }), datasetName: dataset, progress: "none" });
    try {
      await p.run(await sqlTable({ table: "exact", schema, credentials: TEST_URL }).resolve());
      const rows = await sql(
        `SELECT amount::text AS amount, big::text AS big, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') AS at, naive::text AS naive
         FROM ${dataset}.exact ORDER BY id`,
      );
      expect(rows[0]).toEqual({ amount: "12345678901234567890.123456789012345678", big: "9007199254740993", at: "2024-05-01T08:20:45.176451", naive: "2024-05-01 10:20:45.176451" });
      expect(rows[1]).toMatchObject({ amount: "-0.000000000000000001", big: "-9223372036854775808" });
    } finally {
      await sql(`DROP SCHEMA IF EXISTS ${dataset} CASCADE`);
    }
  });

  it("needs no await: the pipeline reflects the table when it is about to extract it (as DESIGN shows)", async () => {
    const h = recordingPipeline("src_sql_no_await");
    const received = await h.run(sqlTable({ table: "deals", schema, credentials: TEST_URL }));
    expect(received.deals).toHaveLength(2);
    await expect(h.run(sqlTable({ table: "no_such_table", schema, credentials: TEST_URL }))).rejects.toBeInstanceOf(TableNotFoundException);
  });

  it("loads a table into a sink: every row, values as the sink receives them", async () => {
    const h = recordingPipeline("src_sql_sink");
    const received = await h.run(await sqlTable({ table: "exact", schema, credentials: TEST_URL }).resolve());
    const rows = received.exact!.sort((a, b) => Number(a.id) - Number(b.id));
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatchObject({
      id: 1,
      amount: "12345678901234567890.123456789012345678",
      big: 9007199254740993n,
      at: "2024-05-01T08:20:45.176451Z",
      naive: "2024-05-01T10:20:45.176451",
      payload: { tags: ["a", "b"], n: 1 },
    });
    expect(h.p.defaultSchema.tables.exact!.columns.amount).toMatchObject({ dataType: "decimal", precision: 38, scale: 18 });
  });
});

describe("sqlTable on Postgres: incremental loading pushed into SQL", () => {
  it("the second run reads only the changed rows from the database", async () => {
    const h = recordingPipeline("src_sql_incremental");
    const contacts = await sqlTable({ table: "contacts", schema, credentials: TEST_URL, chunkSize: 1000, incremental: incremental({ cursorPath: "updated_at" }) }).resolve();
    const first = await driverReads(() => h.run(contacts));
    expect(first.result.contacts).toHaveLength(10_000);
    expect(first.rows).toBe(10_000);
    expect(first.statements).toEqual([`SELECT "id", "name", "updated_at" FROM "${schema}"."contacts" ORDER BY "updated_at" ASC`]);

    await sql(`UPDATE ${schema}.contacts SET name = name || ' (edited)', updated_at = timestamptz '2025-01-01 00:00:00.000001+00' + id * interval '1 second' WHERE id IN (7, 700, 7000)`);
    const second = await driverReads(() => h.run(contacts));
    expect(second.result.contacts!.map((r) => r.id).sort((a, b) => Number(a) - Number(b))).toEqual([7, 700, 7000]);
    // The three changed rows, and the row at the last cursor value (dropped again by boundary deduplication).
    expect(second.rows).toBe(4);
    // COPY takes no parameters: the bound is a quoted literal, typed by the column as a parameter would be.
    expect(second.statements).toEqual([
      `SELECT "id", "name", "updated_at" FROM "${schema}"."contacts" WHERE "updated_at" >= '2024-01-01T02:46:40.01Z' ORDER BY "updated_at" ASC`,
    ]);

    const third = await driverReads(() => h.run(contacts));
    expect(third.result.contacts ?? []).toEqual([]);
    expect(third.rows).toBe(1);
    const state = (h.p.state.sources as Record<string, any>).src_sql_incremental.resources.contacts.incremental.updated_at;
    expect(state.lastValue).toBe("2025-01-01T01:56:40.000001Z");
  });

  it('pushes "min", an end value and an open start as <=, < and >; a custom lastValueFunc reads everything', async () => {
    const h = recordingPipeline("src_sql_ranges");
    const read = async (options: Parameters<typeof incremental>[0]) =>
      driverReads(async () => h.run(await sqlTable({ table: "contacts", schema, credentials: TEST_URL, name: uniqueName("c"), incremental: incremental(options) }).resolve()));

    const backfill = await read({ cursorPath: "id", initialValue: 10, endValue: 20 });
    expect(backfill.rows).toBe(10);
    expect(backfill.statements[0]).toContain(`WHERE "id" >= '10' AND "id" < '20' ORDER BY "id" ASC`);

    const open = await read({ cursorPath: "id", initialValue: 9990, rangeStart: "open" });
    expect(open.rows).toBe(10);
    expect(open.statements[0]).toContain(`WHERE "id" > '9990' ORDER BY "id" ASC`);

    const down = await read({ cursorPath: "id", initialValue: 5, lastValueFunc: "min" });
    expect(down.rows).toBe(5);
    expect(down.statements[0]).toContain(`WHERE "id" <= '5' ORDER BY "id" DESC`);

    const custom = await read({ cursorPath: "id", initialValue: 9999, lastValueFunc: (values: unknown[]) => Math.max(...(values as number[])) });
    expect(custom.rows).toBe(10_000);
    expect(custom.statements[0]).not.toContain("WHERE");
    expect(Object.values(custom.result)[0]).toHaveLength(2);
  });

  it("a decimal cursor without a fraction is read as numbers, so the incremental orders it; one with a fraction is refused", async () => {
    const h = recordingPipeline("src_sql_decimal_cursor");
    const ledger = await sqlTable({ table: "ledger", schema, credentials: TEST_URL, incremental: incremental({ cursorPath: "seq" }) }).resolve();
    // The sink gets decimals as exact text; the incremental saw numbers.
    expect((await h.run(ledger)).ledger!.map((r) => r.seq)).toEqual(["9", "10", "12345678901234567890"]);
    await sql(`INSERT INTO ${schema}.ledger VALUES (12345678901234567891, 'd'), (11, 'late')`);
    expect((await h.run(ledger)).ledger!.map((r) => r.seq)).toEqual(["12345678901234567891"]);
    const state = (h.p.state.sources as Record<string, any>).src_sql_decimal_cursor.resources.ledger.incremental.seq;
    expect(state.lastValue).toBe(12345678901234567891n);
    await expect(sqlTable({ table: "deals", schema, credentials: TEST_URL, incremental: incremental({ cursorPath: "value" }) }).resolve()).rejects.toThrow(
      'Incremental cursor "value" of table "deals": is a decimal with a fraction',
    );
  });

  it("checks the cursor column when the resource is made", async () => {
    await expect(sqlTable({ table: "contacts", schema, credentials: TEST_URL, incremental: incremental({ cursorPath: "changed_at" }) }).resolve()).rejects.toThrow(
      new CursorColumnException("contacts", "changed_at", "not a column that is read (columns: id, name, updated_at)"),
    );
    await expect(sqlTable({ table: "contacts", schema, credentials: TEST_URL, incremental: incremental({ cursorPath: "meta.updated_at" }) }).resolve()).rejects.toThrow(
      CursorColumnException,
    );
  });
});

describe("table and column selection", () => {
  it("sqlDatabase makes one resource per table of the schema, or of tableNames in their order", async () => {
    const all = await sqlDatabase({ schema, credentials: TEST_URL }).resolve();
    expect(all.name).toBe("sql_database");
    expect(all.resources.map((r) => r.name)).toEqual(["contacts", "deals", "exact", "ledger"]);
    const withViews = await sqlDatabase({ schema, credentials: TEST_URL, includeViews: true }).resolve();
    expect(withViews.resources.map((r) => r.name)).toEqual(["big_deals", "contacts", "deals", "exact", "ledger"]);

    const picked = await sqlDatabase({ schema, credentials: TEST_URL, tableNames: ["deals", "big_deals"], chunkSize: 1 }).resolve();
    expect(picked.resources.map((r) => r.name)).toEqual(["deals", "big_deals"]);
    const h = recordingPipeline("src_sql_database");
    const received = await h.run(picked);
    expect(Object.keys(received).sort()).toEqual(["big_deals", "deals"]);
    expect(received.deals).toHaveLength(2);
    expect(received.big_deals).toEqual([{ id: 2, contact_id: 2, value: "99.99" }]);
  });

  it("a table that is not there names the schema's tables", async () => {
    const error = await sqlTable({ table: "contact", schema, credentials: TEST_URL }).resolve().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TableNotFoundException);
    expect((error as Error).message).toBe(
      `Table "${schema}"."contact" not found in ${TEST_URL} (tables in "${schema}": "big_deals", "contacts", "deals", "exact", "ledger")`,
    );
    await expect(sqlDatabase({ schema, credentials: TEST_URL, tableNames: ["deals", "nope"] }).resolve()).rejects.toThrow(TableNotFoundException);
  });

  it("includedColumns and excludedColumns narrow the SELECT and the hints", async () => {
    const narrow = await sqlTable({ table: "exact", schema, credentials: TEST_URL, includedColumns: ["id", "amount"] }).resolve();
    expect(Object.keys(narrow.options.columns as object)).toEqual(["id", "amount"]);
    const rest = await sqlTable({ table: "exact", schema, credentials: TEST_URL, excludedColumns: ["blob", "payload", "id"] }).resolve();
    expect(rest.options.primaryKey).toBeUndefined();
    const h = recordingPipeline("src_sql_columns");
    const received = await h.run(narrow);
    expect(Object.keys(received.exact![0]!).sort()).toEqual(["amount", "id"]);
    await expect(sqlTable({ table: "exact", schema, credentials: TEST_URL, includedColumns: ["id", "amout"] }).resolve()).rejects.toThrow(
      new SqlSourceOptionsException(
        'includedColumns of table "exact" names "amout", not in the table (columns: id, amount, big, at, naive, day, clock, payload, blob, label)',
      ),
    );
  });

  it("user hints lie over the reflected ones; reflectionLevel minimal keeps nullability only", async () => {
    const hinted = await sqlTable({ table: "deals", schema, credentials: TEST_URL, columns: { value: { dataType: "double" } }, primaryKey: ["id", "contact_id"] }).resolve();
    expect(hinted.options.columns).toMatchObject({ value: { dataType: "double", precision: 12, scale: 2, nullable: true } });
    expect(hinted.options.primaryKey).toEqual(["id", "contact_id"]);
    const minimal = await sqlTable({ table: "deals", schema, credentials: TEST_URL, reflectionLevel: "minimal" }).resolve();
    expect(minimal.options.columns).toEqual({ id: { nullable: false }, contact_id: { nullable: true }, value: { nullable: true } });
    const precise = await sqlTable({ table: "exact", schema, credentials: TEST_URL, reflectionLevel: "full_with_precision" }).resolve();
    expect(precise.options.columns).toMatchObject({ id: { dataType: "bigint", precision: 64 }, label: { dataType: "text", precision: 20 } });
  });
});

describe("credentials", () => {
  const KEY = "SOURCES__SQL_DATABASE__CREDENTIALS";
  afterEach(() => {
    delete process.env[KEY];
  });

  it(`come from config: env ${KEY}`, async () => {
    process.env[KEY] = TEST_URL;
    const deals = await sqlTable({ table: "deals", schema }).resolve();
    const h = recordingPipeline("src_sql_env");
    expect((await h.run(deals)).deals).toHaveLength(2);
    expect((await sqlDatabase({ schema }).resolve()).resources).toHaveLength(4);
  });

  it("come from the .dlt/ of the pipeline's project dir (pipeline({ projectDir })), not the cwd's", async () => {
    const projectDir = tempDir();
    mkdirSync(path.join(projectDir, ".dlt"));
    writeFileSync(path.join(projectDir, ".dlt", "secrets.toml"), `[sources.sql_database]\ncredentials = "${TEST_URL}"\n`);
    const received: Record<string, number> = {};
    const sink = destination(
      async (items: DataItem[] | string, table: TableSchema) => {
        if (!table.name.startsWith("_dlt")) received[table.name] = (received[table.name] ?? 0) + (items as DataItem[]).length;
      },
      { name: "project_dir_recorder" },
    );
    const p = pipeline({ pipelineName: "src_sql_project_dir", pipelinesDir: tempDir(), projectDir, destination: sink, progress: "none" });
    await p.run(sqlTable({ table: "deals", schema }));
    await p.run(sqlDatabase({ schema, tableNames: ["ledger"] }));
    const [{ n }] = (await sql(`SELECT count(*)::int AS n FROM ${schema}.ledger`)) as [{ n: number }];
    expect(received).toEqual({ deals: 2, ledger: n });
    // Outside a pipeline there is no project dir but the cwd's, which has no credentials.
    await expect(sqlTable({ table: "deals", schema }).resolve()).rejects.toBeInstanceOf(ConfigFieldMissingException);
  });

  it("missing, they fail before any connection and name the key", async () => {
    const error = await sqlTable({ table: "deals", schema }).resolve().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigFieldMissingException);
    expect((error as Error).message).toContain("sources.sql_database.credentials");
    expect((error as Error).message).toContain(KEY);
  });

  it("never show their password in an error", async () => {
    const url = `postgresql://postgres:Sup3r-Secret-pw@127.0.0.1:5432/no_such_database_here`;
    const error = await sqlTable({ table: "deals", credentials: url }).resolve().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseTerminalException);
    expect((error as Error).message).toContain("postgresql://postgres:***@127.0.0.1:5432/no_such_database_here");
    expect((error as Error).message).toContain("3D000");
    expect(`${(error as Error).message}\n${(error as Error).stack}`).not.toContain("Sup3r-Secret-pw");
  });

  it("an unknown scheme names the supported ones", async () => {
    await expect(sqlTable({ table: "t", credentials: "mysql://u:pw123@host/db" }).resolve()).rejects.toThrow(
      'No SQL source driver for "mysql" (credentials mysql://u:***@host/db). Supported:',
    );
  });
});
