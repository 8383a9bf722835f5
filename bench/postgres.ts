import { closeSync, createReadStream, mkdtempSync, openSync, readdirSync, readSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pipeline as streamPipeline } from "node:stream/promises";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { pipeline } from "dlt-ts";
import { postgres } from "@dlt-ts/destination-postgres";
import { peakRssMb, perSecond, runStaged, type StagedRun } from "./workload";
import { ratio, type CaseResult } from "./case-result";
import { runCases } from "./run-cases";

/*
 * `npm run bench -- postgres`: the engine benchmark workload (GitHub events,
 * ~600 columns once flattened) end to end into the real Postgres server,
 * next to a raw floor measured in the same run: the same normalized rows, as
 * the CSV files our normalizer wrote, sent by one plain COPY per table into
 * empty copies of the tables (no indexes). Also loads the same data as
 * insert_values to compare the two formats.
 *
 * Server: env PG_BENCH_URL, default postgresql://postgres@127.0.0.1:5432/dlt_ts_bench
 * (the database is created when missing).
 */

const BENCH_URL = process.env.PG_BENCH_URL ?? "postgresql://postgres@127.0.0.1:5432/dlt_ts_bench";

type Format = "csv" | "insert_values";

async function ensureDatabase(): Promise<void> {
  const url = new URL(BENCH_URL);
  const database = url.pathname.slice(1);
  url.pathname = "/postgres";
  const admin = new pg.Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    const found = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (found.rowCount === 0) await admin.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
  } finally {
    await admin.end();
  }
}

async function withClient<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: BENCH_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function dropSchemas(prefix: string): Promise<void> {
  await withClient(async (client) => {
    const { rows } = await client.query<{ nspname: string }>("SELECT nspname FROM pg_namespace WHERE nspname LIKE $1", [`${prefix}%`]);
    for (const row of rows) await client.query(`DROP SCHEMA "${row.nspname}" CASCADE`);
  });
}

interface RunResult extends StagedRun {
  workingDir: string;
}

async function runPipeline(count: number, format: Format, dataset: string, dir: string): Promise<RunResult> {
  const p = pipeline({ pipelineName: "bench_postgres", pipelinesDir: dir, destination: postgres({ credentials: BENCH_URL }), datasetName: dataset, progress: "none" });
  return { ...(await runStaged(p, count, format)), workingDir: p.workingDir };
}

/** CSV job files of the loaded packages, by table. */
function csvFilesByTable(workingDir: string): Map<string, string[]> {
  const loaded = path.join(workingDir, "load", "loaded");
  const byTable = new Map<string, string[]>();
  for (const loadId of readdirSync(loaded)) {
    const dir = path.join(loaded, loadId, "completed_jobs");
    for (const file of readdirSync(dir)) {
      if (!file.endsWith(".csv") || file.startsWith("_dlt")) continue;
      const table = file.split(".").slice(0, -3).join(".");
      byTable.set(table, [...(byTable.get(table) ?? []), path.join(dir, file)]);
    }
  }
  return byTable;
}

/** The first line of a csv file (read from its first MiB: a header of plain snake_case names). */
function headerLine(file: string): string {
  const fd = openSync(file, "r");
  try {
    const buffer = Buffer.alloc(1 << 20);
    const text = buffer.toString("utf8", 0, readSync(fd, buffer, 0, buffer.length, 0));
    return text.slice(0, text.indexOf("\n"));
  } finally {
    closeSync(fd);
  }
}

/** Streams the files of one table as one CSV body: the first header line of each file dropped. */
async function* csvBodies(files: string[]): AsyncGenerator<Buffer> {
  for (const file of files) {
    let headerDone = false;
    for await (const chunk of createReadStream(file, { highWaterMark: 64 * 1024 }) as AsyncIterable<Buffer>) {
      if (headerDone) {
        yield chunk;
        continue;
      }
      // Column names are plain identifiers here (snake_case), so the header is one line.
      const end = chunk.indexOf(0x0a);
      headerDone = true;
      yield chunk.subarray(end + 1);
    }
  }
}

/**
 * The floor: plain COPYs into an empty copy (columns only) of each loaded
 * table, one per table and column list (a table's files differ in their
 * columns when a column arrived mid-load or workers normalized parts of it).
 */
async function floorMs(dataset: string, workingDir: string): Promise<number> {
  const floor = `${dataset}_floor`;
  const copies: { table: string; header: string; paths: string[] }[] = [];
  for (const [table, paths] of csvFilesByTable(workingDir)) {
    const byHeader = new Map<string, string[]>();
    for (const file of paths) {
      const header = headerLine(file);
      byHeader.set(header, [...(byHeader.get(header) ?? []), file]);
    }
    for (const [header, files] of byHeader) copies.push({ table, header: header.split(",").map((c) => `"${c}"`).join(", "), paths: files });
  }
  return withClient(async (client) => {
    await client.query(`CREATE SCHEMA "${floor}"`);
    for (const table of new Set(copies.map((c) => c.table))) {
      await client.query(`CREATE TABLE "${floor}"."${table}" (LIKE "${dataset}"."${table}")`);
    }
    const started = performance.now();
    for (const { table, header, paths } of copies) {
      const copy = client.query(copyFrom(`COPY "${floor}"."${table}" (${header}) FROM STDIN WITH (FORMAT csv)`));
      await streamPipeline(csvBodies(paths), copy);
    }
    return performance.now() - started;
  });
}

/** One case in its own process: N records as `format`; the floor with csv. */
export async function postgresCase(count: number, format: Format): Promise<CaseResult> {
  await ensureDatabase();
  const prefix = `bench_${format}_${count}_${process.pid}`;
  const dir = mkdtempSync(path.join(os.tmpdir(), "dlt-ts-bench-pg-"));
  try {
    await runPipeline(200, format, `${prefix}_warmup`, mkdtempSync(path.join(dir, "w")));
    const r = await runPipeline(count, format, prefix, dir);
    const rss = peakRssMb();
    const total = r.extractMs + r.normalizeMs + r.loadMs;
    let line =
      `postgres ${format.padEnd(13)} N=${String(count).padStart(6)}  extract ${perSecond(count, r.extractMs)} rec/s  ` +
      `normalize ${perSecond(count, r.normalizeMs)} rec/s  load ${perSecond(count, r.loadMs)} rec/s  ` +
      `end to end ${perSecond(count, total)} rec/s (${(total / 1000).toFixed(1)} s)  landed ${perSecond(r.rows, r.loadMs)} rows/s ` +
      `(${r.rows} rows in ${r.tables} tables)  peak RSS ${rss} MB`;
    const figures: CaseResult["figures"] = {
      bench: "postgres",
      format,
      records: count,
      loadRecPerS: perSecond(count, r.loadMs),
      endToEndRecPerS: perSecond(count, total),
      peakRssMb: rss,
    };
    if (format === "csv") {
      const floor = await floorMs(prefix, r.workingDir);
      figures.floorRecPerS = perSecond(count, floor);
      figures.loadVsFloor = ratio(floor, r.loadMs);
      figures.endToEndVsFloor = ratio(floor, total);
      line +=
        `\n  floor: plain COPY per table ${perSecond(count, floor)} rec/s (${(floor / 1000).toFixed(1)} s); ` +
        `ours/floor time ${(total / floor).toFixed(2)} end to end, ${(r.loadMs / floor).toFixed(2)} load only; ` +
        `speed vs floor ${(floor / total).toFixed(2)} (target >= 0.8)`;
    }
    return { text: line, figures };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await dropSchemas(prefix);
  }
}

export async function benchPostgres(): Promise<void> {
  await runCases(__filename, "postgresCase", [
    [10_000, "csv"],
    [10_000, "insert_values"],
    [100_000, "csv"],
    [100_000, "insert_values"],
  ]);
}
