import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { inspect } from "node:util";
import pg from "pg";
import { PipelineStepFailed, Schema, pipeline, resource, source, type Pipeline, type SqlClient } from "dlt-ts";
import { PostgresTypeMapper, postgres, postgresCapabilities } from "@dlt-ts/destination-postgres";
import { TEST_CREDENTIALS, TEST_URL, dropDatasets, ensureTestDatabase, uniqueDataset } from "./pg-test-utils.js";

// Talks to the real Postgres server, another process: about a second a test when idle, many on a busy machine.
jest.setTimeout(60_000);

/*
 * pipeline() → extract → normalize → load into the real server, as a user runs it.
 */

type Row = Record<string, unknown>;
const events = JSON.parse(readFileSync(path.join(__dirname, "fixtures", "github-events.json"), "utf8")) as Row[];
const issues = JSON.parse(readFileSync(path.join(__dirname, "fixtures", "github-issues.json"), "utf8")) as Row[];

const prefix = uniqueDataset("e2e");
let datasets = 0;
const openClients: SqlClient[] = [];

function tempDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), "dlt-ts-pg-e2e-"));
}

function newPipeline(name: string, options: { pipelinesDir?: string; datasetName?: string; credentials?: string } = {}): Pipeline {
  return pipeline({
    pipelineName: name,
    pipelinesDir: options.pipelinesDir ?? tempDir(),
    destination: postgres({ credentials: options.credentials ?? TEST_URL }),
    datasetName: options.datasetName ?? `${prefix}_${++datasets}`,
    progress: "none",
  });
}

async function sqlOf(p: Pipeline): Promise<SqlClient> {
  const client = await p.sqlClient();
  openClients.push(client);
  return client;
}

async function count(client: SqlClient, table: string, where = ""): Promise<number> {
  const [row] = await client.query<{ n: number }>(`SELECT count(*) AS n FROM ${client.makeQualifiedTableName(table)} ${where}`);
  return row!.n;
}

beforeAll(ensureTestDatabase);
afterAll(async () => {
  for (const c of openClients) await c.close();
  await dropDatasets(prefix);
});

describe("GitHub fixtures end to end", () => {
  let p: Pipeline;
  let client: SqlClient;
  let rowCounts: Record<string, number>;

  beforeAll(async () => {
    p = newPipeline("github");
    await p.extract(source([resource(events, { name: "events" }), resource(issues, { name: "issues" })], { name: "github" }));
    rowCounts = (await p.normalize()).rowCounts;
    const info = await p.load();
    expect(info.hasFailedJobs).toBe(false);
    client = await sqlOf(p);
  }, 60_000);

  test("every table has the rows the normalizer produced, child tables included", async () => {
    expect(rowCounts.events).toBe(events.length);
    expect(rowCounts.issues).toBe(issues.length);
    const commits = events.reduce((n, e) => n + (((e.payload as Row | undefined)?.commits as unknown[] | undefined)?.length ?? 0), 0);
    expect(commits).toBeGreaterThan(0);
    expect(rowCounts.events__payload__commits).toBe(commits);
    const labels = issues.reduce((n, i) => n + ((i.labels as unknown[] | undefined)?.length ?? 0), 0);
    expect(rowCounts.issues__labels).toBe(labels);
    for (const [table, rows] of Object.entries(rowCounts)) expect([table, await count(client, table)]).toEqual([table, rows]);
  });

  test("tables, columns and types are what the schema says", async () => {
    const mapper = new PostgresTypeMapper(postgresCapabilities());
    const rows = await client.query<{ table_name: string; column_name: string; data_type: string; is_nullable: string }>(
      "SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns WHERE table_schema = %s ORDER BY table_name, ordinal_position",
      [client.datasetName],
    );
    const storage = new Map<string, Map<string, string>>();
    for (const r of rows) {
      if (!storage.has(r.table_name)) storage.set(r.table_name, new Map());
      storage.get(r.table_name)!.set(r.column_name, mapper.fromDestinationType(r.data_type).dataType);
    }
    const schema = p.defaultSchema;
    const dataTables = schema.dataTables();
    expect(dataTables.length).toBeGreaterThan(5);
    for (const table of dataTables) {
      const expected = Object.values(table.columns)
        .filter((c) => c.dataType)
        .map((c) => [c.name, c.dataType]);
      expect([table.name, [...(storage.get(table.name) ?? new Map()).entries()]]).toEqual([table.name, expected]);
    }
    expect(schema.tables.events!.columns.created_at!.dataType).toBe("timestamp");
    expect(schema.tables.events__payload__commits!.columns.sha!.dataType).toBe("text");
  });

  test("child rows link to their parents", async () => {
    const t = (name: string) => client.makeQualifiedTableName(name);
    const orphans = await client.query(
      `SELECT count(*) AS n FROM ${t("events__payload__commits")} c LEFT JOIN ${t("events")} e ON e._dlt_id = c._dlt_parent_id WHERE e._dlt_id IS NULL`,
    );
    expect(orphans).toEqual([{ n: 0 }]);
    const first = events.find((e) => ((e.payload as Row | undefined)?.commits as unknown[] | undefined)?.length)!;
    const shas = await client.query<{ sha: string }>(
      `SELECT c.sha FROM ${t("events__payload__commits")} c JOIN ${t("events")} e ON e._dlt_id = c._dlt_parent_id WHERE e.id = %s ORDER BY c._dlt_list_idx`,
      [first.id],
    );
    expect(shas.map((s) => s.sha)).toEqual(((first.payload as Row).commits as Row[]).map((c) => c.sha));
  });

  test("_dlt_loads has the load, _dlt_version the schema", async () => {
    const loads = await client.query<{ load_id: string; status: number; schema_name: string }>(`SELECT load_id, status, schema_name FROM _dlt_loads`);
    expect(loads).toHaveLength(1);
    expect(loads[0]).toMatchObject({ status: 0, schema_name: "github" });
    const versions = await client.query<{ version_hash: string }>(`SELECT version_hash FROM _dlt_version WHERE schema_name = 'github'`);
    expect(versions.map((v) => v.version_hash)).toContain(p.defaultSchema.versionHash);
  });
});

describe("write dispositions", () => {
  const issueSubset = issues.slice(0, 10);

  test("append twice doubles the rows", async () => {
    const p = newPipeline("append");
    await p.run(issueSubset, { tableName: "issues" });
    await p.run(issueSubset, { tableName: "issues" });
    const client = await sqlOf(p);
    expect(await count(client, "issues")).toBe(20);
    const labels = issueSubset.reduce((n, i) => n + ((i.labels as unknown[]).length ?? 0), 0);
    expect(await count(client, "issues__labels")).toBe(2 * labels);
  });

  test("replace twice keeps one copy, child tables too", async () => {
    const p = newPipeline("replace");
    await p.run(issueSubset, { tableName: "issues", writeDisposition: "replace" });
    await p.run(issueSubset.slice(0, 4), { tableName: "issues", writeDisposition: "replace" });
    const client = await sqlOf(p);
    expect(await count(client, "issues")).toBe(4);
    const labels = issueSubset.slice(0, 4).reduce((n, i) => n + (i.labels as unknown[]).length, 0);
    expect(await count(client, "issues__labels")).toBe(labels);
  });

  test.each(["delete-insert", "upsert"] as const)(
    "merge (%s) twice with changed records: one row per key with new values in root and child tables; new field adds a column; type conflict goes to a variant",
    async (strategy) => {
      const p = newPipeline(`merge_${strategy.replace("-", "_")}`);
      const first = issueSubset.map((i) => ({ ...i }));
      const opts = { tableName: "issues", writeDisposition: { disposition: "merge" as const, strategy }, primaryKey: "id" };
      await p.run(first, opts);
      const changed: Row[] = issueSubset.slice(0, 5).map((i, k) => ({
        ...i,
        title: `changed ${k}`,
        labels: [{ id: 1000 + k, name: `new-label-${k}` }],
        brand_new_field: `v${k}`,
        // `number` was a bigint; text that is no number goes to a variant column
        number: k === 0 ? "not a number" : i.number,
      }));
      await p.run(changed, opts);
      const client = await sqlOf(p);
      expect(await count(client, "issues")).toBe(issueSubset.length);
      const titles = await client.query<{ id: number; title: string }>("SELECT id, title FROM issues ORDER BY id");
      const expectedTitles = new Map(issueSubset.map((i) => [i.id as number, i.title as string]));
      changed.forEach((c, k) => expectedTitles.set(c.id as number, `changed ${k}`));
      expect(titles.map((t) => [t.id, t.title])).toEqual([...expectedTitles.entries()].sort((a, b) => a[0] - b[0]));
      // labels of changed issues were replaced; those of the others kept
      const changedLabels = await client.query<{ name: string }>(
        `SELECT l.name FROM issues__labels l JOIN issues i ON i._dlt_id = l._dlt_root_id WHERE i.id = ANY(%s) ORDER BY l.name`,
        [changed.map((c) => c.id)],
      );
      expect(changedLabels.map((l) => l.name)).toEqual(changed.map((_, k) => `new-label-${k}`).sort());
      const keptLabels = issueSubset.slice(5).reduce((n, i) => n + (i.labels as unknown[]).length, 0);
      expect(await count(client, "issues__labels")).toBe(5 + keptLabels);
      const orphans = await client.query("SELECT count(*) AS n FROM issues__labels l WHERE NOT EXISTS (SELECT 1 FROM issues i WHERE i._dlt_id = l._dlt_root_id)");
      expect(orphans).toEqual([{ n: 0 }]);
      // schema evolution
      const columns = p.defaultSchema.tables.issues!.columns;
      expect(columns.brand_new_field?.dataType).toBe("text");
      expect(columns.number__v_text?.dataType).toBe("text");
      const variant = await client.query("SELECT number, number__v_text FROM issues WHERE id = %s", [changed[0]!.id]);
      expect(variant).toEqual([{ number: null, number__v_text: "not a number" }]);
      expect(await count(client, "issues", "WHERE brand_new_field IS NOT NULL")).toBe(5);
    },
  );
});

describe("hostile names and values", () => {
  const nasty = {
    '"; DROP TABLE x; --': "drop",
    "quote'col": "it's",
    'dq"col': 'say "hi"',
    "back\\slash": "a\\b\\\\c",
    "emoji🎉col": "party 🎉🎊",
    ["long_" + "x".repeat(195)]: 1,
    text_with_nul: "before\u0000after",
    json_with_nul: { inner: "a\u0000b" },
    percent: "%s %% $1",
    newlines: "line1\nline2\r\nline3",
  };

  test.each(["csv", "insert_values"] as const)("load safely with snake_case naming (%s)", async (format) => {
    const p = newPipeline(`hostile_${format}`);
    const info = await p.run([nasty], { tableName: "Nasty Table; --", loaderFileFormat: format, columns: { json_with_nul: { dataType: "json" } } });
    expect(info.hasFailedJobs).toBe(false);
    const client = await sqlOf(p);
    const table = p.defaultSchema.dataTables().find((t) => t.name.startsWith("nasty"))!;
    const [row] = await client.query<Row>(`SELECT * FROM ${client.makeQualifiedTableName(table.name)}`);
    const values = Object.entries(row!)
      .filter(([name]) => !name.startsWith("_dlt_"))
      .map(([, value]) => value);
    expect(values).toEqual(
      expect.arrayContaining(["drop", "it's", 'say "hi"', "a\\b\\\\c", "party 🎉🎊", 1, "beforeafter", { inner: "ab" }, "%s %% $1", "line1\nline2\r\nline3"]),
    );
    for (const name of Object.keys(table.columns)) expect(Buffer.byteLength(name)).toBeLessThanOrEqual(63);
    // the injection attempt created no table and dropped none
    const tables = await client.query<{ table_name: string }>("SELECT table_name FROM information_schema.tables WHERE table_schema = %s", [client.datasetName]);
    expect(tables.map((t) => t.table_name)).not.toContain("x");
  });

  test("load safely with direct naming: raw names are quoted, never interpreted", async () => {
    const p = newPipeline("hostile_direct");
    const schema = new Schema("direct_names", { namingConvention: "direct" });
    const data = { '"; DROP TABLE x; --': "drop", "quote'col": "it's", 'dq"col': 'say "hi"', "back\\slash": "b", "Mixed Case": 1, "emoji🎉": "🎉" };
    const info = await p.run([data], { tableName: 'my "table"; --', schema });
    expect(info.hasFailedJobs).toBe(false);
    const client = await sqlOf(p);
    const rows = await client.query<Row>(`SELECT * FROM ${client.makeQualifiedTableName('my "table"; --')}`);
    expect(rows).toHaveLength(1);
    for (const [k, v] of Object.entries(data)) expect(rows[0]![k]).toEqual(v);
  });
});

describe("faults", () => {
  test("a backend killed by pg_terminate_backend during a load is retried; nothing is lost or doubled", async () => {
    const p = newPipeline("transient");
    const batch = (from: number) => Array.from({ length: 50 }, (_, i) => ({ id: from + i, tags: ["a", "b"] }));
    await p.run(batch(0), { tableName: "items" });
    const client = await sqlOf(p);
    const admin = new pg.Client({ ...TEST_CREDENTIALS, user: TEST_CREDENTIALS.username });
    const watcher = new pg.Client({ ...TEST_CREDENTIALS, user: TEST_CREDENTIALS.username });
    await admin.connect();
    await watcher.connect();
    try {
      // Hold a lock so the next load blocks on the table, then kill the blocked backend.
      await admin.query("BEGIN");
      await admin.query(`LOCK TABLE ${client.makeQualifiedTableName("items")} IN ACCESS EXCLUSIVE MODE`);
      const running = p.run(batch(1000), { tableName: "items" });
      let settled = false;
      running.then(
        () => (settled = true),
        () => (settled = true),
      );
      let killed = 0;
      for (let i = 0; i < 400 && killed === 0 && !settled; i++) {
        await new Promise((r) => setTimeout(r, 50));
        // pg_stat_activity is a snapshot per transaction: look from outside the one holding the lock.
        const { rows } = await watcher.query<{ pid: number }>(
          "SELECT pid FROM pg_stat_activity WHERE application_name = 'dlt-ts' AND wait_event_type = 'Lock' AND datname = $1 AND query LIKE 'COPY %items%'",
          [TEST_CREDENTIALS.database],
        );
        for (const r of rows) {
          await watcher.query("SELECT pg_terminate_backend($1)", [r.pid]);
          killed++;
        }
      }
      await admin.query("COMMIT");
      if (killed === 0) await running; // surfaces the error that ended the run early
      expect(killed).toBeGreaterThan(0);
      const info = await running;
      expect(info.hasFailedJobs).toBe(false);
      const retried = info.loadPackages[0]!.jobs.filter((j) => j.retries > 0);
      expect(retried.length).toBeGreaterThan(0);
    } finally {
      await admin.end();
      await watcher.end();
    }
    expect(await count(client, "items")).toBe(100);
    expect(await count(client, "items__tags")).toBe(200);
    expect(await client.query("SELECT count(DISTINCT id) AS n FROM items")).toEqual([{ n: 100 }]);
  }, 60_000);

  test("a NOT NULL violation fails that job at once, naming table and column", async () => {
    const p = newPipeline("terminal");
    await p.run([{ id: 1, name: "a" }], { tableName: "people" });
    const client = await sqlOf(p);
    await client.execute(`ALTER TABLE ${client.makeQualifiedTableName("people")} ALTER COLUMN name SET NOT NULL`);
    const error = await p.run([{ id: 2, name: "b" }, { id: 3 }], { tableName: "people" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PipelineStepFailed);
    const failed = (error as PipelineStepFailed).loadInfo!.loadPackages[0]!.jobs.find((j) => j.state === "failed")!;
    expect(failed.table).toBe("people");
    expect(failed.retries).toBe(0);
    expect(failed.failureMessage).toMatch(/null value in column "name"/);
    expect(failed.failureMessage).toContain('column "name"');
    expect(failed.failureMessage).toContain(`table "${client.datasetName}.people"`);
    expect(await count(client, "people")).toBe(1);
  });
});

describe("state and credentials", () => {
  test("a run on an empty pipelines dir restores state and schema from the destination", async () => {
    const datasetName = `${prefix}_${++datasets}`;
    const first = newPipeline("restore_me", { datasetName });
    first.state.sources.github = { lastCursor: "2024-05-01", seen: [1, 2, 3] };
    await first.run([{ id: 1 }], { tableName: "things" });

    const freshDir = tempDir();
    const second = newPipeline("restore_me", { datasetName, pipelinesDir: freshDir });
    expect(second.state.sources.github).toBeUndefined();
    await second.run();
    expect(second.state.sources.github).toEqual({ lastCursor: "2024-05-01", seen: [1, 2, 3] });
    expect(second.defaultSchema.tables.things?.columns.id?.dataType).toBe("bigint");
    expect(existsSync(path.join(freshDir, "restore_me", "state.json"))).toBe(true);
  });

  test("credentials never appear in clear: LoadInfo, trace, inspect, errors", async () => {
    const secret = "s3cr3t-Pa55";
    const url = `postgresql://${TEST_CREDENTIALS.username}:${secret}@${TEST_CREDENTIALS.host}:${TEST_CREDENTIALS.port}/${TEST_CREDENTIALS.database}`;
    const dir = tempDir();
    const p = newPipeline("masked", { credentials: url, pipelinesDir: dir });
    const info = await p.run([{ id: 1 }], { tableName: "t" });
    const printed = [info.toString(), JSON.stringify(info), inspect(info, { depth: 10 }), readFileSync(path.join(dir, "masked", "trace.json"), "utf8")];
    for (const text of printed) expect(text).not.toContain(secret);
    expect(info.toString()).toContain(`postgresql://${TEST_CREDENTIALS.username}:***@${TEST_CREDENTIALS.host}:${TEST_CREDENTIALS.port}/${TEST_CREDENTIALS.database}`);

    const broken = newPipeline("masked_broken", { credentials: url.replace(`:${TEST_CREDENTIALS.port}/`, ":1/"), pipelinesDir: tempDir() });
    const error = await broken.run([{ id: 1 }], { tableName: "t" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(`${String(error)} ${(error as Error).stack} ${inspect(error, { depth: 10 })}`).not.toContain(secret);
  }, 60_000);

  test('"postgres" by name takes credentials from DESTINATION__POSTGRES__CREDENTIALS', async () => {
    const saved = process.env.DESTINATION__POSTGRES__CREDENTIALS;
    process.env.DESTINATION__POSTGRES__CREDENTIALS = TEST_URL;
    try {
      const p = pipeline({ pipelineName: "by_name", pipelinesDir: tempDir(), destination: "postgres", datasetName: `${prefix}_${++datasets}`, progress: "none" });
      const info = await p.run([{ id: 1 }, { id: 2 }], { tableName: "named" });
      expect(info.hasFailedJobs).toBe(false);
      expect(await count(await sqlOf(p), "named")).toBe(2);
    } finally {
      if (saved === undefined) delete process.env.DESTINATION__POSTGRES__CREDENTIALS;
      else process.env.DESTINATION__POSTGRES__CREDENTIALS = saved;
    }
  });
});

describe("the other shared payloads end to end", () => {
  const shared = (name: string): unknown => JSON.parse(readFileSync(path.join(__dirname, "..", "..", "..", "fixtures", name), "utf8"));

  it("loads Ethereum blocks: integers beyond 64 bits as double precision, logs' blockHash and block_hash as one column", async () => {
    const p = newPipeline("ethereum");
    const info = await p.run(shared("ethereum-blocks.json") as Row[], { tableName: "blocks" });
    expect(info.hasFailedJobs).toBe(false);
    const client = await sqlOf(p);
    expect(await count(client, "blocks")).toBe(2);
    expect(await count(client, "blocks__transactions")).toBe(655);
    const [type] = await client.query<{ data_type: string }>(
      "SELECT data_type FROM information_schema.columns WHERE table_schema = %s AND table_name = 'blocks' AND column_name = 'total_difficulty'",
      [client.datasetName],
    );
    expect(type!.data_type).toBe("double precision");
    expect(await count(client, "blocks__transactions__logs", "WHERE block_hash IS NULL")).toBe(0);
  });

  it("loads the chat-bot event", async () => {
    const p = newPipeline("chatbot");
    const info = await p.run(shared("chatbot-events.json") as Row, { tableName: "events" });
    expect(info.hasFailedJobs).toBe(false);
    const client = await sqlOf(p);
    expect(await count(client, "events")).toBe(1);
    expect(await count(client, "events__metadata__vendor_list")).toBeGreaterThan(0);
  });
});
