import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import pg from "pg";
import { destination, pipeline, type DataItem, type Pipeline, type TableSchema } from "dlt-ts";

/** The Postgres database the source tests read; created on first use. */
export const TEST_DATABASE = "dlt_ts_test";
const HOST = process.env.PG_TEST_HOST ?? "127.0.0.1";
const PORT = Number(process.env.PG_TEST_PORT ?? 5432);
const USER = process.env.PG_TEST_USER ?? "postgres";

export const TEST_URL = `postgresql://${USER}@${HOST}:${PORT}/${TEST_DATABASE}`;

export function tempDir(prefix = "dlt-ts-source-sql-"): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A schema name unique to one test run. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(4).toString("hex")}`;
}

/** Creates the test database when missing (tolerates another suite creating it at the same time). */
export async function ensureTestDatabase(): Promise<void> {
  const admin = new pg.Client({ host: HOST, port: PORT, user: USER, database: "postgres" });
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

/** Runs SQL on the test database. */
export async function sql(text: string, values?: unknown[]): Promise<Record<string, unknown>[]> {
  const client = new pg.Client({ host: HOST, port: PORT, user: USER, database: TEST_DATABASE });
  await client.connect();
  try {
    return (await client.query(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** A pipeline into a sink that records what a run delivered, per table (dlt's own tables left out). */
export function recordingPipeline(name: string): { p: Pipeline; run: (data: unknown) => Promise<Record<string, DataItem[]>> } {
  let batch: Record<string, DataItem[]> = {};
  const sink = destination(
    async (items: DataItem[] | string, table: TableSchema) => {
      if (table.name.startsWith("_dlt")) return;
      (batch[table.name] ??= []).push(...(items as DataItem[]));
    },
    { name: "recorder", batchSize: 1000 },
  );
  const p = pipeline({ pipelineName: name, pipelinesDir: tempDir(), projectDir: tempDir(), destination: sink, progress: "none" });
  return {
    p,
    async run(data: unknown) {
      batch = {};
      await p.run(data);
      return batch;
    },
  };
}
