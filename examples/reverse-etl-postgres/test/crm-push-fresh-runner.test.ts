import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import pg from "pg";
import { ensureTestDatabase, TEST_URL } from "../../../packages/destination-postgres/test/pg-test-utils.js";
import { CrmApi } from "../crm-api.js";

/*
 * An ephemeral runner killed (SIGKILL of its whole process group) while it
 * pushes, and its working dir thrown away: the next runner starts from an
 * empty dir with the same state store. It must not send again the batches
 * the killed one delivered (at most the one in flight, with the same
 * Idempotency-Key), and must send the rest.
 */

const repo = path.resolve(__dirname, "../../..");
const tsx = path.join(repo, "node_modules", ".bin", "tsx");
const child = path.join(__dirname, "fixtures", "crm-push-child.ts");
const schema = `crm_kill_${randomBytes(4).toString("hex")}`;

/**
 * Holds request number `holdAt` (counted from 1), unapplied or once applied:
 * the runner waits on it until the test kills it. `keys` lists the
 * Idempotency-Key of every request that arrived.
 */
class HoldingCrmApi extends CrmApi {
  holdAt = 0;
  holdApplied = false;
  onHold: () => void = () => {};
  readonly keys: string[] = [];

  protected override holdRequest(key: string, applied: boolean): boolean {
    if (!applied) this.keys.push(key);
    if (this.keys.length !== this.holdAt || applied !== this.holdApplied) return false;
    this.onHold();
    return true;
  }
}

async function sql(statement: string): Promise<Record<string, unknown>[]> {
  const client = new pg.Client({ connectionString: TEST_URL });
  await client.connect();
  try {
    return (await client.query(statement)).rows as Record<string, unknown>[];
  } finally {
    await client.end();
  }
}

interface ChildRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** One runner: a fresh project dir and the given working dir; killed (its whole group) when `api` holds a request. */
function runner(api: HoldingCrmApi, env: Record<string, string>, pipelinesDir: string, pipelineName: string): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const projectDir = mkdtempSync(path.join(os.tmpdir(), "dlt-ts-crm-project-"));
    const proc = spawn(tsx, ["--tsconfig", path.join(repo, "tsconfig.test.json"), child, projectDir, pipelinesDir, schema, pipelineName], {
      cwd: projectDir,
      env: { ...process.env, ...env, DLT_GLOBAL_DIR: path.join(projectDir, "global") },
      detached: true,
    });
    api.onHold = () => process.kill(-proc.pid!, "SIGKILL");
    let stderr = "";
    proc.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    proc.on("error", reject);
    proc.on("close", (code, signal) => resolve({ code, signal, stderr }));
  });
}

beforeAll(async () => {
  await ensureTestDatabase();
  await sql(
    `CREATE SCHEMA ${schema}; CREATE TABLE ${schema}.contacts (id bigint PRIMARY KEY, email text NOT NULL, plan text, ` +
      `balance numeric(12,2), updated_at timestamptz NOT NULL); ` +
      `INSERT INTO ${schema}.contacts SELECT g, 'user' || g || '@example.com', 'free', g * 1.25, ` +
      `timestamptz '2024-01-01 00:00:00+00' + g * interval '1 second' FROM generate_series(1, 250) AS g`,
  );
}, 60_000);

afterAll(async () => {
  await sql(`DROP SCHEMA IF EXISTS ${schema} CASCADE; DROP SCHEMA IF EXISTS crm_kill_before_dataset CASCADE; DROP SCHEMA IF EXISTS crm_kill_after_dataset CASCADE`);
});

describe("examples/reverse-etl-postgres: a runner killed mid-push, its working dir lost", () => {
  it.each([
    { when: "before", note: "killed before the API applied the second batch" },
    { when: "after", note: "killed after the API applied the second batch, before the runner recorded it" },
  ])("the next runner, on an empty dir, sends only what was not delivered ($note)", async ({ when }) => {
    const pipelineName = `crm_kill_${when}`;
    await sql(`DROP SCHEMA IF EXISTS ${pipelineName}_dataset CASCADE`);
    const api = new HoldingCrmApi("crm-key");
    // Batches of 100 contacts: the second request is held, "after" once the API applied it.
    api.holdAt = 2;
    api.holdApplied = when === "after";
    const env = {
      SOURCES__SQL_DATABASE__CREDENTIALS: TEST_URL,
      STATE_STORE__CREDENTIALS: TEST_URL,
      DESTINATION__CRM_API__API_KEY: "crm-key",
      DESTINATION__CRM_API__BASE_URL: await api.start(),
      LOAD__RETRY_BACKOFF_MS: "1",
    };
    try {
      const workingDir = mkdtempSync(path.join(os.tmpdir(), "dlt-ts-crm-runner-"));
      const killed = await runner(api, env, workingDir, pipelineName);
      expect(killed.signal).toBe("SIGKILL");
      expect(api.keys).toHaveLength(2);
      const [first, second] = api.keys;
      expect(api.contacts.size).toBe(when === "after" ? 200 : 100);
      rmSync(workingDir, { recursive: true, force: true });

      // A contact added meanwhile sorts last: only the last batch changes.
      await sql(`INSERT INTO ${schema}.contacts VALUES (251, 'new@example.com', 'free', 0, timestamptz '2025-01-02 00:00:00+00')`);
      api.holdAt = 0;
      const fresh = await runner(api, env, mkdtempSync(path.join(os.tmpdir(), "dlt-ts-crm-runner-")), pipelineName);
      expect(fresh.stderr).toBe("");
      expect(fresh.code).toBe(0);

      const resent = api.keys.slice(2);
      // The first batch is not sent again; the one in flight is, with its key; then the rest.
      expect(resent).not.toContain(first);
      expect(resent).toHaveLength(2);
      expect(resent[0]).toBe(second);
      expect(api.contacts.size).toBe(251);
      expect(api.contacts.get(251)).toMatchObject({ email: "new@example.com" });
      // Committed with the state: the journal of delivered batches is empty again.
      const [{ n }] = (await sql(`SELECT count(*)::int AS n FROM ${pipelineName}_dataset._dlt_sink_deliveries`)) as [{ n: number }];
      expect(n).toBe(0);

      // And a third runner, with nothing changed, sends nothing.
      const idle = await runner(api, env, mkdtempSync(path.join(os.tmpdir(), "dlt-ts-crm-runner-")), pipelineName);
      expect(idle.code).toBe(0);
      expect(api.keys).toHaveLength(4);
    } finally {
      await api.stop().catch(() => {});
      await sql(`DELETE FROM ${schema}.contacts WHERE id = 251`);
    }
  }, 180_000);
});
