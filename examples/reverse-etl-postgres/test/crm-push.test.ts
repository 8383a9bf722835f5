import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import pg from "pg";
import { ensureTestDatabase, TEST_URL } from "../../../packages/destination-postgres/test/pg-test-utils.js";
import { CrmApi } from "../crm-api.js";
import { crmPush } from "../crm-push.js";

/*
 * The example end to end: a real Postgres table, a real HTTP server, fresh
 * working dirs (as containers would run it). First run sends every row
 * (through a 503), the next only what changed, then nothing.
 */

function tempDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), "dlt-ts-crm-"));
}

const schema = `crm_${randomBytes(4).toString("hex")}`;
const STATE_DATASET = "crm_push_dataset";
const api = new CrmApi("crm-key", 1);
const env: Record<string, string> = {
  SOURCES__SQL_DATABASE__CREDENTIALS: TEST_URL,
  STATE_STORE__CREDENTIALS: TEST_URL,
  DESTINATION__CRM_API__API_KEY: "crm-key",
  LOAD__RETRY_BACKOFF_MS: "1",
};

async function sql(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_URL });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  await ensureTestDatabase();
  await sql(`DROP SCHEMA IF EXISTS ${STATE_DATASET} CASCADE`);
  await sql(
    `CREATE SCHEMA ${schema}; CREATE TABLE ${schema}.contacts (id bigint PRIMARY KEY, email text NOT NULL, plan text, ` +
      `balance numeric(12,2), updated_at timestamptz NOT NULL); ` +
      `INSERT INTO ${schema}.contacts SELECT g, 'user' || g || '@example.com', CASE WHEN g % 3 = 0 THEN 'pro' ELSE 'free' END, ` +
      `g * 1.25, timestamptz '2024-01-01 00:00:00+00' + g * interval '1 second' FROM generate_series(1, 250) AS g`,
  );
  env.DESTINATION__CRM_API__BASE_URL = await api.start();
  Object.assign(process.env, env);
}, 60_000);

afterAll(async () => {
  for (const key of Object.keys(env)) delete process.env[key];
  await api.stop();
  await sql(`DROP SCHEMA IF EXISTS ${schema} CASCADE; DROP SCHEMA IF EXISTS ${STATE_DATASET} CASCADE`);
});

const sentKeys = () => new Set(api.requests.filter((r) => r.startsWith("200 ")).map((r) => r.slice(4)));

describe("examples/reverse-etl-postgres", () => {
  it("first run sends every contact, through a 503 answered by a retry", async () => {
    await crmPush({ projectDir: tempDir(), pipelinesDir: tempDir(), schema });
    expect(api.contacts.size).toBe(250);
    expect(api.requests[0]).toMatch(/^503 /);
    // Exact values: numeric stays a decimal string, the timestamp keeps its instant.
    expect(api.contacts.get(7)).toMatchObject({ id: 7, email: "user7@example.com", balance: "8.75" });
  }, 120_000);

  it("a second run in a fresh container sends only the changed rows", async () => {
    await sql(
      `UPDATE ${schema}.contacts SET plan = 'enterprise', updated_at = timestamptz '2025-01-01 00:00:00+00' WHERE id IN (3, 4); ` +
        `INSERT INTO ${schema}.contacts VALUES (251, 'new@example.com', 'free', 0, timestamptz '2025-01-02 00:00:00+00')`,
    );
    const before = api.requests.length;
    await crmPush({ projectDir: tempDir(), pipelinesDir: tempDir(), schema });
    const sent = api.requests.slice(before);
    expect(sent).toHaveLength(1);
    expect(api.contacts.get(3)!.plan).toBe("enterprise");
    expect(api.contacts.size).toBe(251);
  }, 120_000);

  it("a run with nothing changed sends nothing", async () => {
    const keys = sentKeys().size;
    await crmPush({ projectDir: tempDir(), pipelinesDir: tempDir(), schema });
    expect(sentKeys().size).toBe(keys);
  }, 120_000);
});
