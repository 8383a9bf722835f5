import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import { pipeline, type Pipeline } from "dlt-ts";
import type { Destination } from "@dlt-ts/core";

export type Row = Record<string, unknown>;
export type FileFormat = "jsonl" | "csv" | "parquet";
export const FORMATS: FileFormat[] = ["jsonl", "csv", "parquet"];

/** Temp dirs made by a suite; `removeTempDirs()` deletes them. */
const dirs: string[] = [];

export function tempDir(label = "fs"): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `dlt-ts-${label}-`));
  dirs.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** A pipeline with progress off and its working dir under `pipelinesDir`. */
export function newPipeline(name: string, destination: Destination | string, pipelinesDir: string, datasetName = `${name}_data`, projectDir?: string): Pipeline {
  return pipeline({
    pipelineName: name,
    pipelinesDir,
    destination,
    datasetName,
    progress: "none",
    ...(projectDir ? { projectDir } : {}),
  });
}

/** Every file under `root`, as `/`-separated paths relative to it, sorted. */
export function listFiles(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string, prefix: string): void => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      const full = path.join(dir, name);
      const relative = prefix ? `${prefix}/${name}` : name;
      if (statSync(full).isDirectory()) walk(full, relative);
      else found.push(relative);
    }
  };
  walk(root, "");
  return found.sort();
}

let duckdb: { instance: DuckDBInstance; connection: DuckDBConnection } | undefined;

/** An in-memory DuckDB that reads the files back: a reader that is not ours. */
async function connection(): Promise<DuckDBConnection> {
  if (!duckdb) {
    const instance = await DuckDBInstance.create(":memory:");
    const connection = await instance.connect();
    await connection.run("SET TimeZone = 'UTC'");
    duckdb = { instance, connection };
  }
  return duckdb.connection;
}

export function closeDuckdb(): void {
  duckdb?.connection.closeSync();
  duckdb?.instance.closeSync();
  duckdb = undefined;
}

function readerOf(files: readonly string[], format: FileFormat): string {
  const list = `[${files.map((f) => `'${f.replace(/'/g, "''")}'`).join(", ")}]`;
  if (format === "parquet") return `read_parquet(${list}, union_by_name = true)`;
  if (format === "csv") return `read_csv(${list}, header = true, union_by_name = true, auto_detect = true)`;
  return `read_json(${list}, format = 'newline_delimited', union_by_name = true)`;
}

/** `SELECT <select> FROM <the files> ORDER BY <orderBy>`, values as JSON (read by DuckDB). */
export async function queryFiles(files: readonly string[], format: FileFormat, select: string, orderBy = "1"): Promise<Row[]> {
  const reader = await (await connection()).runAndReadAll(`SELECT ${select} FROM ${readerOf(files, format)} ORDER BY ${orderBy}`);
  return reader.getRowObjectsJson() as Row[];
}

/** Test rows: nested object (flattened), a list (child table), text that csv must quote, a timestamp with milliseconds. */
export function itemRows(ids: number[], label = "item"): Row[] {
  return ids.map((id) => ({
    id,
    name: `${label} ${id}, "quoted"`,
    score: id + 0.25,
    active: id % 2 === 0,
    created_at: new Date(Date.UTC(2024, 4, id, 10, 20, 30, 123)).toISOString(),
    owner: { login: `user${id}` },
    tags: [`t${id}a`, `t${id}b`],
  }));
}

/** What `itemRows` reads back as through {@link ITEM_SELECT}. */
export function expectedItems(rows: Row[]): Row[] {
  return rows.map((r) => ({
    id: String(r.id),
    name: r.name,
    score: r.score,
    active: r.active,
    created_ms: String(Date.parse(String(r.created_at))),
    owner__login: (r.owner as Row).login,
  }));
}

export const ITEM_SELECT =
  "CAST(id AS BIGINT)::VARCHAR AS id, CAST(name AS VARCHAR) AS name, CAST(score AS DOUBLE) AS score, " +
  "CAST(active AS BOOLEAN) AS active, epoch_ms(CAST(created_at AS TIMESTAMPTZ))::VARCHAR AS created_ms, CAST(owner__login AS VARCHAR) AS owner__login";

export const TAG_SELECT = "CAST(value AS VARCHAR) AS value, CAST(_dlt_list_idx AS BIGINT)::VARCHAR AS idx, CAST(_dlt_parent_id AS VARCHAR) AS parent";

/** The tags of `itemRows`, in (value) order. */
export function expectedTags(rows: Row[]): string[] {
  return rows.flatMap((r) => r.tags as string[]).sort();
}
