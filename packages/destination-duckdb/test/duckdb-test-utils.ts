import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pipeline, type Pipeline, type SqlClient } from "dlt-ts";
import { duckdb, type DuckdbDestinationOptions } from "@dlt-ts/destination-duckdb";

export type Row = Record<string, unknown>;

/** The repo's fixtures (the chat-bot event is one object). */
export function fixture(name: "github-events" | "github-issues" | "ethereum-blocks" | "chatbot-events"): Row[] {
  return JSON.parse(readFileSync(path.join(__dirname, "..", "..", "..", "fixtures", `${name}.json`), "utf8")) as Row[];
}

/** Temp dirs made by a suite; `removeTempDirs()` deletes them. */
const dirs: string[] = [];

export function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "dlt-ts-duckdb-"));
  dirs.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export interface TestPipelineOptions extends DuckdbDestinationOptions {
  pipelinesDir?: string;
  datasetName?: string;
}

/** A pipeline on a DuckDB file in a temp dir (`<dir>/<name>.duckdb`), progress off. */
export function newPipeline(name: string, options: TestPipelineOptions = {}): Pipeline {
  const { pipelinesDir, datasetName, ...destination } = options;
  const dir = pipelinesDir ?? tempDir();
  return pipeline({
    pipelineName: name,
    pipelinesDir: dir,
    destination: duckdb({ credentials: path.join(dir, `${name}.duckdb`), ...destination }),
    datasetName: datasetName ?? `${name}_data`,
    progress: "none",
  });
}

/** SQL clients opened by tests, closed by `closeClients()` (an open client keeps its database file open). */
const clients: SqlClient[] = [];

export async function sqlOf(p: Pipeline): Promise<SqlClient> {
  const client = await p.sqlClient();
  clients.push(client);
  return client;
}

export async function closeClients(): Promise<void> {
  for (const client of clients.splice(0)) await client.close();
}

export async function count(client: SqlClient, table: string, where = ""): Promise<number> {
  const [row] = await client.query<{ n: number }>(`SELECT count(*) AS n FROM ${client.makeQualifiedTableName(table)} ${where}`);
  return row!.n;
}
