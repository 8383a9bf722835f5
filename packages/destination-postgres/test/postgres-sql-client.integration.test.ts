import { capabilities, DatabaseTerminalException, DatabaseTransientException, DatabaseUndefinedRelation } from "@dlt-ts/core";
import { PostgresSqlClient, postgresCapabilities } from "@dlt-ts/destination-postgres";
import { TEST_CREDENTIALS, dropDatasets, ensureTestDatabase, testSqlClient, uniqueDataset } from "./pg-test-utils.js";

// Talks to the real Postgres server, another process: about a second a test when idle, many on a busy machine.
jest.setTimeout(60_000);

const PREFIX = "sqlc";

describe("PostgresSqlClient against the real server", () => {
  const dataset = uniqueDataset(PREFIX);
  let client: PostgresSqlClient;

  beforeAll(async () => {
    await ensureTestDatabase();
    client = testSqlClient(dataset);
    await client.open();
  });

  afterAll(async () => {
    await client.close();
    await dropDatasets(dataset);
  });

  test("creates, finds and drops its dataset", async () => {
    expect(await client.hasDataset()).toBe(false);
    await client.createDataset();
    expect(await client.hasDataset()).toBe(true);
    const staging = client.withStagingDataset();
    expect(staging.datasetName).toBe(`${dataset}_staging`);
    expect(await staging.hasDataset()).toBe(false);
    await staging.createDataset();
    expect(await staging.hasDataset()).toBe(true);
    await staging.dropDataset();
    expect(await staging.hasDataset()).toBe(false);
  });

  test("sessions run in UTC and search the dataset first", async () => {
    const [zone] = await client.query<{ TimeZone: string }>("SHOW TimeZone");
    expect(zone?.TimeZone).toBe("UTC");
    await client.execute(`CREATE TABLE ${client.makeQualifiedTableName("plain")} (id bigint)`);
    await client.execute(`INSERT INTO ${client.makeQualifiedTableName("plain")} VALUES (1), (2)`);
    const rows = await client.query<{ n: number }>("SELECT count(*) AS n FROM plain");
    expect(rows).toEqual([{ n: 2 }]);
    const [ts] = await client.query<{ t: string }>("SELECT '2024-01-02 03:04:05+02'::timestamptz::text AS t");
    expect(ts?.t).toBe("2024-01-02 01:04:05+00");
  });

  test("rewrites %s parameters and keeps %% as a percent sign", async () => {
    const rows = await client.query<{ a: string; b: number; c: string }>("SELECT %s::text AS a, %s::int AS b, 'x%%' AS c", ["v", 7]);
    expect(rows).toEqual([{ a: "v", b: 7, c: "x%" }]);
    // without parameters nothing is rewritten
    expect(await client.query("SELECT 'a%%s' AS t")).toEqual([{ t: "a%%s" }]);
  });

  test("parses int8 as number (bigint beyond 2^53), dates as text", async () => {
    const [row] = await client.query("SELECT 42::int8 AS small, 9007199254740993::int8 AS big, DATE '2024-02-29' AS d, 1.5::numeric AS n");
    expect(row).toEqual({ small: 42, big: 9007199254740993n, d: "2024-02-29", n: "1.5" });
  });

  test("transactions commit, roll back, and nest", async () => {
    const t = client.makeQualifiedTableName("tx");
    await client.execute(`CREATE TABLE ${t} (id bigint NOT NULL)`);
    await client.transaction(async (tx) => {
      expect(tx.inTransaction).toBe(true);
      await tx.execute(`INSERT INTO ${t} VALUES (%s)`, [1]);
      await tx.transaction(async (inner) => inner.execute(`INSERT INTO ${t} VALUES (%s)`, [2]));
    });
    await expect(
      client.transaction(async (tx) => {
        await tx.execute(`INSERT INTO ${t} VALUES (3)`);
        await tx.execute(`INSERT INTO ${t} VALUES (NULL)`);
      }),
    ).rejects.toBeInstanceOf(DatabaseTerminalException);
    expect(await client.query(`SELECT id FROM ${t} ORDER BY id`)).toEqual([{ id: 1 }, { id: 2 }]);
  });

  test("executeMany packs statements under the max query length", async () => {
    const small = new PostgresSqlClient(capabilities({ ...postgresCapabilities(), maxQueryLength: 120 }), dataset, {
      credentials: TEST_CREDENTIALS,
      poolSize: 1,
    });
    try {
      const t = small.makeQualifiedTableName("many");
      await small.execute(`CREATE TABLE ${t} (id bigint)`);
      const statements = Array.from({ length: 20 }, (_, i) => `INSERT INTO ${t} VALUES (${i})`);
      await small.executeMany(statements);
      expect(await small.query(`SELECT count(*) AS n FROM ${t}`)).toEqual([{ n: 20 }]);
      const r = await small.executeFragments([`SELECT `, `%s::int `, `AS x`], [5]);
      expect(r.rows).toEqual([{ x: 5 }]);
    } finally {
      await small.close();
    }
  });

  test("classifies errors: undefined relation, terminal with table and column, transient on terminated backend", async () => {
    await expect(client.query("SELECT * FROM no_such_table")).rejects.toBeInstanceOf(DatabaseUndefinedRelation);
    await expect(client.query('SELECT * FROM "no_such_schema".t')).rejects.toBeInstanceOf(DatabaseUndefinedRelation);
    await expect(client.query("SELEC 1")).rejects.toBeInstanceOf(DatabaseTerminalException);

    const t = client.makeQualifiedTableName("nn");
    await client.execute(`CREATE TABLE ${t} (id bigint, name varchar NOT NULL)`);
    const error = await client.execute(`INSERT INTO ${t} (id) VALUES (1)`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseTerminalException);
    expect((error as DatabaseTerminalException).dbCode).toBe("23502");
    expect((error as Error).message).toContain(`table "${dataset}.nn"`);
    expect((error as Error).message).toContain(`column "name"`);

    const killed = client.transaction(async (tx) => {
      const [me] = await tx.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
      const other = testSqlClient(dataset, 1);
      try {
        const sleeping = tx.query("SELECT pg_sleep(10)");
        await new Promise((r) => setTimeout(r, 200));
        await other.query("SELECT pg_terminate_backend(%s)", [me!.pid]);
        await sleeping;
      } finally {
        await other.close();
      }
    });
    await expect(killed).rejects.toBeInstanceOf(DatabaseTransientException);
    // the pool replaced the dead connection
    expect(await client.query("SELECT 1 AS one")).toEqual([{ one: 1 }]);
  });

  test("requests beyond the pool size wait for a connection instead of timing out", async () => {
    const one = new PostgresSqlClient(postgresCapabilities(), dataset, { credentials: { ...TEST_CREDENTIALS, connectTimeout: 1 }, poolSize: 1 });
    try {
      const holding = one.transaction(async (tx) => tx.query("SELECT pg_sleep(1.5)"));
      const waiting = one.query("SELECT 1 AS one");
      await holding;
      expect(await waiting).toEqual([{ one: 1 }]);
    } finally {
      await one.close();
    }
  });

  test("qualified names are quoted and keep their case", () => {
    expect(client.makeQualifiedTableName('Weird"Name')).toBe(`"${dataset}"."Weird""Name"`);
    expect(client.escapeColumnName("Col")).toBe('"Col"');
    expect(client.fullyQualifiedDatasetName(false)).toBe(dataset);
  });
});
