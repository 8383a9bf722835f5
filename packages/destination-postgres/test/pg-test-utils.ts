import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { LoadPackageStorage, type LoadJobRequest, type TableSchema } from "@dlt-ts/core";
import { PostgresSqlClient, postgresCapabilities, type PostgresConnectionParams } from "@dlt-ts/destination-postgres";

/** The database every Postgres test uses; created on first use. */
export const TEST_DATABASE = "dlt_ts_test";

export const TEST_CREDENTIALS: PostgresConnectionParams = {
  host: process.env.PG_TEST_HOST ?? "127.0.0.1",
  port: Number(process.env.PG_TEST_PORT ?? 5432),
  username: process.env.PG_TEST_USER ?? "postgres",
  database: TEST_DATABASE,
};

export const TEST_URL = `postgresql://${TEST_CREDENTIALS.username}@${TEST_CREDENTIALS.host}:${TEST_CREDENTIALS.port}/${TEST_DATABASE}`;

/** Creates the test database when missing (tolerates another suite creating it at the same time). */
export async function ensureTestDatabase(): Promise<void> {
  const admin = new pg.Client({ host: TEST_CREDENTIALS.host, port: TEST_CREDENTIALS.port, user: TEST_CREDENTIALS.username, database: "postgres" });
  await admin.connect();
  try {
    const found = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [TEST_DATABASE]);
    if (found.rowCount === 0) {
      try {
        await admin.query(`CREATE DATABASE ${TEST_DATABASE}`);
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (code !== "42P04" && code !== "23505") throw error;
      }
    }
  } finally {
    await admin.end();
  }
}

/** A dataset name unique to one test run. */
export function uniqueDataset(prefix: string): string {
  return `${prefix}_${randomBytes(4).toString("hex")}`;
}

/** A SQL client on `dataset` in the test database. */
export function testSqlClient(dataset: string, poolSize = 4): PostgresSqlClient {
  return new PostgresSqlClient(postgresCapabilities(), dataset, { credentials: TEST_CREDENTIALS, poolSize });
}

/** Drops every schema whose name starts with `prefix` (datasets and their staging datasets). */
export async function dropDatasets(prefix: string): Promise<void> {
  const client = new pg.Client({ ...TEST_CREDENTIALS, user: TEST_CREDENTIALS.username });
  await client.connect();
  try {
    const { rows } = await client.query<{ nspname: string }>("SELECT nspname FROM pg_namespace WHERE nspname LIKE $1", [`${prefix}%`]);
    for (const row of rows) await client.query(`DROP SCHEMA IF EXISTS "${row.nspname}" CASCADE`);
  } finally {
    await client.end();
  }
}

/** A scratch load package folder with job files written by hand. */
export class HandPackage {
  readonly root = mkdtempSync(join(tmpdir(), "dlt-ts-pg-"));
  readonly storage = new LoadPackageStorage(this.root);

  constructor(readonly loadId: string) {
    mkdirSync(join(this.root, loadId, "started_jobs"), { recursive: true });
  }

  /** Writes a job file and returns the request the loader would pass. */
  job(table: TableSchema, fileName: string, content: string): LoadJobRequest {
    const filePath = join(this.root, this.loadId, "started_jobs", fileName);
    writeFileSync(filePath, content);
    return { loadId: this.loadId, fileName, filePath, table, packages: this.storage };
  }

  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}
