import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import pg from "pg";
import { destination, pipeline, type DataItem, type Pipeline, type TableSchema } from "dlt-ts";

// The Postgres database every test uses, created on first use (shared with the destination's tests).
export { ensureTestDatabase, TEST_DATABASE, TEST_URL } from "../../destination-postgres/test/pg-test-utils.js";
import { TEST_URL } from "../../destination-postgres/test/pg-test-utils.js";

export function tempDir(prefix = "dlt-ts-source-sql-"): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A schema name unique to one test run. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(4).toString("hex")}`;
}

/** Runs SQL on the test database. */
export async function sql(text: string, values?: unknown[]): Promise<Record<string, unknown>[]> {
  const client = new pg.Client({ connectionString: TEST_URL });
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
