import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import pg from "pg";
import { DatabaseTransientException } from "@dlt-ts/core";
import { LoadClientJobRetry, PipelineStepFailed, pipeline, resource, type Pipeline, type SqlClient } from "dlt-ts";
import { postgres } from "@dlt-ts/destination-postgres";
import { TEST_CREDENTIALS, TEST_DATABASE, TEST_URL, dropDatasets, ensureTestDatabase, uniqueDataset } from "./pg-test-utils.js";

/*
 * Faults the server raises, driven for real: a lock held by a second session
 * while the loader's role has a small lock_timeout (55P03), and the loader's
 * connection terminated (pg_terminate_backend, 57P01) while a merge
 * follow-up waits. Waits are generous; nothing depends on how fast the
 * machine is.
 */

const prefix = uniqueDataset("faults");
let datasets = 0;
const roles: string[] = [];
const openClients: SqlClient[] = [];
const WAIT_MS = 60_000;

function admin(): pg.Client {
  return new pg.Client({ host: TEST_CREDENTIALS.host, port: TEST_CREDENTIALS.port, user: TEST_CREDENTIALS.username, database: TEST_DATABASE });
}

async function asAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = admin();
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A login role whose sessions wait at most `lockTimeoutMs` for a lock (ALTER ROLE ... SET lock_timeout). */
async function lockImpatientRole(lockTimeoutMs: number): Promise<string> {
  const role = `dlt_ts_impatient_${randomBytes(4).toString("hex")}`;
  await asAdmin(async (c) => {
    await c.query(`CREATE ROLE ${role} LOGIN`);
    await c.query(`GRANT CREATE, CONNECT ON DATABASE ${TEST_DATABASE} TO ${role}`);
    await c.query(`ALTER ROLE ${role} SET lock_timeout = '${lockTimeoutMs}ms'`);
  });
  roles.push(role);
  return `postgresql://${role}@${TEST_CREDENTIALS.host}:${TEST_CREDENTIALS.port}/${TEST_DATABASE}`;
}

/** A second session holding an ACCESS EXCLUSIVE lock on a table until release(). */
class LockHolder {
  private readonly client = admin();
  pid = 0;

  async lock(qualifiedTable: string): Promise<void> {
    await this.client.connect();
    this.pid = (await this.client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0]!.pid;
    await this.client.query("BEGIN");
    await this.client.query(`LOCK TABLE ${qualifiedTable} IN ACCESS EXCLUSIVE MODE`);
  }

  async release(): Promise<void> {
    await this.client.query("COMMIT");
    await this.client.end();
  }
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`Gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Job files of pending packages whose retry count is at least 1, for `table`. */
function retriedJobFiles(p: Pipeline, table: string): string[] {
  const root = path.join(p.workingDir, "load", "normalized");
  if (!existsSync(root)) return [];
  const found: string[] = [];
  for (const loadId of readdirSync(root)) {
    for (const folder of ["new_jobs", "started_jobs"]) {
      const dir = path.join(root, loadId, folder);
      if (!existsSync(dir)) continue;
      found.push(...readdirSync(dir).filter((f) => f.startsWith(`${table}.`) && Number(f.split(".").at(-2)) >= 1));
    }
  }
  return found;
}

function newPipeline(name: string, credentials: string): Pipeline {
  return pipeline({
    pipelineName: `${name}_${randomBytes(3).toString("hex")}`,
    pipelinesDir: mkdtempSync(path.join(os.tmpdir(), "dlt-ts-pg-faults-")),
    destination: postgres({ credentials }),
    datasetName: `${prefix}_${++datasets}`,
    progress: "none",
  });
}

/** Sets `[load]` values for one pipeline (env `<PIPELINE>__LOAD__<KEY>`) for the rest of the test. */
const envKeys: string[] = [];
function loadSettings(p: Pipeline, values: Record<string, string>): void {
  for (const [key, value] of Object.entries(values)) {
    const name = `${p.pipelineName.toUpperCase()}__LOAD__${key}`;
    process.env[name] = value;
    envKeys.push(name);
  }
}

async function sqlOf(p: Pipeline): Promise<SqlClient> {
  const client = await p.sqlClient();
  openClients.push(client);
  return client;
}

async function count(client: SqlClient, sql: string): Promise<number> {
  const [row] = await client.query<{ n: number }>(sql);
  return Number(row!.n);
}

/** Rows of `child` without a parent row in `parent`. */
function orphans(client: SqlClient, child: string, parent: string): Promise<number> {
  return count(
    client,
    `SELECT count(*) AS n FROM ${client.makeQualifiedTableName(child)} c WHERE NOT EXISTS ` +
      `(SELECT 1 FROM ${client.makeQualifiedTableName(parent)} p WHERE p._dlt_id = c._dlt_parent_id)`,
  );
}

function events(from: number, n: number) {
  return Array.from({ length: n }, (_, i) => ({ id: from + i, commits: [{ sha: `${from + i}-a` }, { sha: `${from + i}-b` }] }));
}

function orders(ids: number[], title: (id: number) => string) {
  return resource(
    ids.map((id) => ({ id, title: title(id), lines: [{ sku: `${id}-${title(id)}` }] })),
    { name: "orders", writeDisposition: "merge", primaryKey: "id" },
  );
}

async function quietly<T>(fn: () => Promise<T>): Promise<T> {
  const warn = jest.spyOn(console, "warn").mockImplementation(() => undefined);
  try {
    return await fn();
  } finally {
    warn.mockRestore();
  }
}

beforeAll(ensureTestDatabase);
afterEach(() => {
  for (const key of envKeys.splice(0)) delete process.env[key];
});
afterAll(async () => {
  for (const c of openClients) await c.close();
  await dropDatasets(prefix);
  await asAdmin(async (c) => {
    for (const role of roles) {
      await c.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1", [role]);
      await c.query(`DROP OWNED BY ${role} CASCADE`);
      await c.query(`DROP ROLE ${role}`);
    }
  });
});

describe("a lock another session holds (lock_timeout, SQLSTATE 55P03)", () => {
  test("is retried within the run: the load completes once the lock is released", async () => {
    const p = newPipeline("lock_retry", await lockImpatientRole(100));
    await p.run(events(1, 50), { tableName: "events" });
    loadSettings(p, { RAISE_ON_MAX_RETRIES: "0", RETRY_BACKOFF_MS: "20", MAX_RETRY_BACKOFF_MS: "200" });

    const holder = new LockHolder();
    await holder.lock(`"${p.datasetName}"."events"`);
    const running = p.run(events(51, 50), { tableName: "events" });
    running.catch(() => undefined);
    await waitFor("a retried events job", () => (retriedJobFiles(p, "events").length > 0 ? true : undefined));
    await holder.release();
    const info = await running;

    expect(info.hasFailedJobs).toBe(false);
    const job = info.loadPackages[0]!.jobs.find((j) => j.table === "events")!;
    expect(job.retries).toBeGreaterThanOrEqual(1);
    const client = await sqlOf(p);
    expect(await count(client, `SELECT count(*) AS n FROM ${client.makeQualifiedTableName("events")}`)).toBe(100);
    expect(await count(client, `SELECT count(*) AS n FROM ${client.makeQualifiedTableName("events__commits")}`)).toBe(200);
    expect(await orphans(client, "events__commits", "events")).toBe(0);
  }, 120_000);

  test("held for the whole run: PipelineStepFailed names the job, table and SQLSTATE, the package stays pending without orphans", async () => {
    const p = newPipeline("lock_pending", await lockImpatientRole(100));
    await p.run(events(1, 50), { tableName: "events" });
    loadSettings(p, { RAISE_ON_MAX_RETRIES: "2", RETRY_BACKOFF_MS: "10" });

    const holder = new LockHolder();
    await holder.lock(`"${p.datasetName}"."events"`);
    let error: unknown;
    try {
      error = await p.run(events(51, 50), { tableName: "events" }).catch((e: unknown) => e);
    } finally {
      await holder.release();
    }

    expect(error).toBeInstanceOf(PipelineStepFailed);
    const failed = error as PipelineStepFailed;
    expect(failed.step).toBe("load");
    expect(failed.cause).toBeInstanceOf(LoadClientJobRetry);
    expect(failed.cause).not.toBeInstanceOf(DatabaseTransientException);
    expect(failed.message).toMatch(/load job "events\.[^"]+" of table "events" failed 2 times in this run/);
    expect(failed.message).toMatch(/canceling statement due to lock timeout.*\[SQLSTATE 55P03\]/);
    expect(p.listPendingPackages().normalized).toHaveLength(1);

    // Nested rows never load before their parents: nothing of the pending package is in the chain.
    const client = await sqlOf(p);
    expect(await count(client, `SELECT count(*) AS n FROM ${client.makeQualifiedTableName("events")}`)).toBe(50);
    expect(await count(client, `SELECT count(*) AS n FROM ${client.makeQualifiedTableName("events__commits")}`)).toBe(100);
    expect(await orphans(client, "events__commits", "events")).toBe(0);

    const info = await quietly(() => p.run());
    expect(info.hasFailedJobs).toBe(false);
    expect(await count(client, `SELECT count(*) AS n FROM ${client.makeQualifiedTableName("events")}`)).toBe(100);
    expect(await count(client, `SELECT count(*) AS n FROM ${client.makeQualifiedTableName("events__commits")}`)).toBe(200);
    expect(await orphans(client, "events__commits", "events")).toBe(0);
  }, 120_000);
});

describe("merge follow-ups are retried like load jobs", () => {
  async function mergedState(client: SqlClient): Promise<{ titles: Record<number, string>; skus: string[]; orphans: number }> {
    const rows = await client.query<{ id: number; title: string }>(`SELECT id, title FROM ${client.makeQualifiedTableName("orders")} ORDER BY id`);
    const skus = await client.query<{ sku: string }>(`SELECT sku FROM ${client.makeQualifiedTableName("orders__lines")} ORDER BY sku`);
    return {
      titles: Object.fromEntries(rows.map((r) => [Number(r.id), r.title])),
      skus: skus.map((r) => r.sku),
      orphans: await orphans(client, "orders__lines", "orders"),
    };
  }

  test("the loader's connection terminated (pg_terminate_backend) during the merge: retried, the merge commits once", async () => {
    const p = newPipeline("merge_terminated", TEST_URL);
    await p.run(orders([1, 2, 3], () => "old"));
    loadSettings(p, { RETRY_BACKOFF_MS: "20" });

    const holder = new LockHolder();
    await holder.lock(`"${p.datasetName}"."orders"`);
    const running = p.run(orders([2, 4], () => "new"));
    running.catch(() => undefined);
    let terminated = false;
    try {
      // The follow-up is the only statement of this load that touches the final table: find it waiting on the lock.
      const pid = await waitFor("the merge follow-up waiting on the lock", async () =>
        asAdmin(async (c) => {
          const { rows } = await c.query<{ pid: number }>(
            "SELECT pid FROM pg_stat_activity WHERE application_name = 'dlt-ts' AND wait_event_type = 'Lock' " +
              "AND query LIKE '%_dlt_key%' AND position($1 in query) > 0 AND pid <> $2",
            [`"${p.datasetName}"."orders"`, holder.pid],
          );
          return rows[0]?.pid;
        }),
      );
      terminated = await asAdmin(async (c) => (await c.query<{ ok: boolean }>("SELECT pg_terminate_backend($1) AS ok", [pid])).rows[0]!.ok);
    } finally {
      await holder.release();
    }
    expect(terminated).toBe(true);
    const info = await running;

    expect(info.hasFailedJobs).toBe(false);
    expect(p.listPendingPackages().normalized).toEqual([]);
    const client = await sqlOf(p);
    expect(await mergedState(client)).toEqual({
      titles: { 1: "old", 2: "new", 3: "old", 4: "new" },
      skus: ["1-old", "2-new", "3-old", "4-new"],
      orphans: 0,
    });
  }, 120_000);

  test("a merge that keeps failing: PipelineStepFailed names the merge of the table chain; the next run merges", async () => {
    const p = newPipeline("merge_locked", await lockImpatientRole(100));
    await p.run(orders([1, 2], () => "old"));
    loadSettings(p, { RAISE_ON_MAX_RETRIES: "2", RETRY_BACKOFF_MS: "10" });

    const holder = new LockHolder();
    await holder.lock(`"${p.datasetName}"."orders"`);
    let error: unknown;
    try {
      error = await p.run(orders([2, 3], () => "new")).catch((e: unknown) => e);
    } finally {
      await holder.release();
    }

    expect(error).toBeInstanceOf(PipelineStepFailed);
    const failed = error as PipelineStepFailed;
    expect(failed.cause).toBeInstanceOf(LoadClientJobRetry);
    expect(failed.message).toContain('merge of table chain "orders" (orders, orders__lines) failed 2 times in this run');
    expect(failed.message).toContain("[SQLSTATE 55P03]");
    expect(failed.loadInfo!.loadPackages[0]!.jobs).toContainEqual(expect.objectContaining({ fileName: "orders.merge.1.sql", state: "retry" }));
    const client = await sqlOf(p);
    expect(await mergedState(client)).toEqual({ titles: { 1: "old", 2: "old" }, skus: ["1-old", "2-old"], orphans: 0 });

    const info = await quietly(() => p.run());
    expect(info.hasFailedJobs).toBe(false);
    expect(await mergedState(client)).toEqual({ titles: { 1: "old", 2: "new", 3: "new" }, skus: ["1-old", "2-new", "3-new"], orphans: 0 });
  }, 120_000);
});
