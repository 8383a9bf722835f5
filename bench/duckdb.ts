import { createReadStream, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as readline from "node:readline";
import { pipeline } from "dlt-ts";
import type { ConfiguredDestination, Destination, LoaderFileFormat, LoadJob, LoadJobRequest, SqlClient } from "@dlt-ts/core";
import { SqlLoadJobBase } from "@dlt-ts/sql";
import { DuckdbClientConfiguration, DuckdbDatabase, DuckdbJobClient, DuckdbSqlClient, duckdb } from "@dlt-ts/destination-duckdb";
import { peakRssMb, perSecond, runStaged, type StagedRun } from "./workload";
import { ratio, type CaseResult } from "./case-result";
import { runCase, runCases } from "./run-cases";

/*
 * `npm run bench -- duckdb`: the engine benchmark workload (GitHub events,
 * ~600 columns once flattened, 7 tables) end to end into a DuckDB file, at
 * 10k and 100k records with the preferred format (parquet, read by DuckDB's
 * read_parquet) and at 100k with csv (read_csv). Each case states its floor,
 * measured right after the load, in a process of its own: DuckDB's own read of
 * the same job files (`INSERT INTO … BY NAME SELECT * FROM read_parquet(<file>)`
 * per file, into a fresh database file opened as the destination opens its
 * database by default: memory_limit, row group size and allocator), and
 * load/floor as a ratio of rates. Peak RSS is given after normalize and
 * after load, so the stage that grows is visible, and for the floor: what
 * DuckDB itself holds to load these files, which no load through it goes under.
 *
 * `--big` adds 1M records (parquet); `--formats` adds, at 10k, the other
 * ways to load: jsonl (read_json), the appender fed from jsonl in JS, and
 * insert_values (at 1k: it is two orders of magnitude slower).
 */

type Method = LoaderFileFormat | "appender";

/**
 * The appender, for comparison only: each jsonl row is parsed in JS and
 * appended value by value (DuckDB casts text to the column types).
 */
class AppenderLoadJob extends SqlLoadJobBase {
  protected async load(tx: SqlClient): Promise<void> {
    const { table, filePath } = this.request;
    const order = await tx.query<{ column_name: string }>(
      "SELECT column_name FROM information_schema.columns WHERE table_schema = %s AND table_name = %s ORDER BY ordinal_position",
      [tx.datasetName, table.name],
    );
    const columns = order.map((c) => table.columns[c.column_name]!);
    const appender = await (tx as DuckdbSqlClient).nativeConnection().createAppender(table.name, tx.datasetName);
    for await (const line of readline.createInterface({ input: createReadStream(filePath), crlfDelay: Infinity })) {
      if (!line) continue;
      const row = JSON.parse(line) as Record<string, unknown>;
      for (const column of columns) {
        const value = row[column.name];
        if (value === null || value === undefined) appender.appendNull();
        else if (column.dataType === "bigint") appender.appendBigInt(BigInt(value as number));
        else if (column.dataType === "double") appender.appendDouble(value as number);
        else if (column.dataType === "bool") appender.appendBoolean(value as boolean);
        else if (column.dataType === "json") appender.appendVarchar(JSON.stringify(value));
        else appender.appendVarchar(String(value));
      }
      appender.endRow();
    }
    appender.closeSync();
  }
}

/** Loads jsonl files with the appender (the events tables); other files (the state table's csv) as usual. */
class AppenderJobClient extends DuckdbJobClient {
  protected override createFormatLoadJob(request: LoadJobRequest, format: string): LoadJob | undefined {
    return format === "jsonl" ? new AppenderLoadJob(this, request) : super.createFormatLoadJob(request, format);
  }
}

/** DuckDB whose job clients load every file with the appender. */
function appenderDestination(file: string): Destination {
  const base = duckdb({ credentials: file });
  return {
    destinationType: base.destinationType,
    destinationName: base.destinationName,
    capabilities: () => base.capabilities(),
    async configure(context): Promise<ConfiguredDestination> {
      const configured = await base.configure(context);
      return {
        capabilities: configured.capabilities,
        location: configured.location,
        createClient: async (schema) => new AppenderJobClient(schema, (await configured.sqlClient()) as DuckdbSqlClient),
        sqlClient: () => configured.sqlClient(),
      };
    },
  };
}

interface DuckdbRun extends StagedRun {
  /** Peak RSS (MB) once extract and normalize were done, before load. */
  normalizedRssMb: number;
  /** The pipeline's working dir: its loaded packages hold the job files. */
  workingDir: string;
}

async function runPipeline(count: number, method: Method, dir: string): Promise<DuckdbRun> {
  const file = path.join(dir, "bench.duckdb");
  const destination = method === "appender" ? appenderDestination(file) : duckdb({ credentials: file });
  const format: LoaderFileFormat = method === "appender" ? "jsonl" : method;
  const p = pipeline({ pipelineName: "bench_duckdb", pipelinesDir: dir, destination, progress: "none" });
  let normalizedRssMb = 0;
  const staged = await runStaged(p, count, format, () => (normalizedRssMb = peakRssMb()));
  const client = await p.sqlClient();
  try {
    const [loaded] = await client.query<{ n: number }>("SELECT count(*) AS n FROM events");
    if (loaded!.n !== count) throw new Error(`events has ${loaded!.n} rows, expected ${count}`);
  } finally {
    await client.close();
  }
  return { ...staged, normalizedRssMb, workingDir: p.workingDir };
}

/** Job files of the loaded packages by table, system tables left out; a table's larger files first, in the order the load took them. */
function jobFilesByTable(workingDir: string, format: string): Map<string, string[]> {
  const loaded = path.join(workingDir, "load", "loaded");
  const byTable = new Map<string, string[]>();
  for (const loadId of readdirSync(loaded)) {
    const dir = path.join(loaded, loadId, "completed_jobs");
    for (const file of readdirSync(dir)) {
      if (!file.endsWith(`.${format}`) || file.startsWith("_dlt")) continue;
      const table = file.split(".").slice(0, -3).join(".");
      byTable.set(table, [...(byTable.get(table) ?? []), path.join(dir, file)]);
    }
  }
  for (const files of byTable.values()) files.sort((a, b) => statSync(b).size - statSync(a).size);
  return byTable;
}

/**
 * The floor: DuckDB reading the same job files itself into a fresh
 * database file opened as the destination opens it by default (the same
 * memory_limit and row groups: DuckDB's own defaults read faster and hold
 * several GB; a floor that may use memory our load may not is no floor for
 * it): per table, an empty table of the files' columns (`… LIMIT 0`, read
 * from their footers / headers, untimed), then `INSERT INTO … BY NAME
 * SELECT * FROM read_parquet(<file>)` per file — one statement per file, as
 * our load jobs (one statement for
 * all of a table's files ran out of memory at 1M records under the same
 * limit), then a CHECKPOINT, as our load ends with the database written to
 * its file. csv files are read with type sniffing (their types are not in
 * the file), so the floor does a little more than our typed read_csv.
 *
 * Run as a case of its own (a fresh process, see {@link floorCase}), so its
 * peak RSS is DuckDB's own need for these files, not the run's before it.
 */
async function floorMs(workingDir: string, format: "parquet" | "csv", dir: string): Promise<number> {
  const database = DuckdbDatabase.file(path.join(dir, "floor.duckdb"), new DuckdbClientConfiguration().openOptions());
  const connection = await database.connect();
  const read = (files: string[]) => {
    const list = `[${files.map((f) => `'${f.replace(/'/g, "''")}'`).join(", ")}]`;
    return format === "parquet" ? `read_parquet(${list}, union_by_name = true)` : `read_csv(${list}, header = true, union_by_name = true)`;
  };
  try {
    const tables = jobFilesByTable(workingDir, format);
    for (const [table, files] of tables) await connection.run(`CREATE TABLE "${table}" AS SELECT * FROM ${read(files)} LIMIT 0`);
    const started = performance.now();
    for (const [table, files] of tables) {
      for (const file of files) await connection.run(`INSERT INTO "${table}" BY NAME SELECT * FROM ${read([file])}`);
    }
    // Written to the database file, as a load is when it ends (the destination's last close checkpoints).
    await connection.run("CHECKPOINT");
    return performance.now() - started;
  } finally {
    database.disconnect(connection);
  }
}

/** The floor of a case, in a process of its own: its time and the process's peak RSS. */
export async function floorCase(workingDir: string, format: "parquet" | "csv", dir: string): Promise<CaseResult> {
  const ms = await floorMs(workingDir, format, dir);
  return { text: "", figures: { floorMs: ms, floorPeakRssMb: peakRssMb() } };
}

/**
 * One case in its own process: a warm-up of 200 records, then N records
 * loaded by `method`; for parquet and csv, the floor (DuckDB's own read of
 * the same files) after the run, in another process, so that each peak RSS
 * is its own.
 */
export async function duckdbCase(count: number, method: Method): Promise<CaseResult> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "dlt-ts-bench-duckdb-"));
  try {
    await runPipeline(200, method, mkdtempSync(path.join(dir, "warmup-")));
    const r = await runPipeline(count, method, mkdtempSync(path.join(dir, "run-")));
    const rssMb = peakRssMb();
    const total = r.extractMs + r.normalizeMs + r.loadMs;
    const figures: CaseResult["figures"] = {
      bench: "duckdb",
      method,
      records: count,
      extractRecPerS: perSecond(count, r.extractMs),
      normalizeRecPerS: perSecond(count, r.normalizeMs),
      loadRecPerS: perSecond(count, r.loadMs),
      endToEndRecPerS: perSecond(count, total),
      normalizedPeakRssMb: r.normalizedRssMb,
      peakRssMb: rssMb,
    };
    let text =
      `duckdb ${method.padEnd(13)} N=${String(count).padStart(7)}  extract ${figures.extractRecPerS} rec/s  ` +
      `normalize ${figures.normalizeRecPerS} rec/s  load ${figures.loadRecPerS} rec/s (${(r.loadMs / 1000).toFixed(1)} s)  ` +
      `end to end ${figures.endToEndRecPerS} rec/s (${(total / 1000).toFixed(1)} s)  ` +
      `(${r.rows} rows in ${r.tables} tables, ${r.files} files)  peak RSS ${r.normalizedRssMb} MB after normalize, ${rssMb} MB after load`;
    if (method === "parquet" || method === "csv") {
      const floorFigures = runCase(__filename, "floorCase", [r.workingDir, method, dir]).figures!;
      const floor = floorFigures.floorMs as number;
      figures.floorRecPerS = perSecond(count, floor);
      figures.floorPeakRssMb = floorFigures.floorPeakRssMb!;
      // Rates are records over time, so ours/floor as rates is floor time over ours.
      figures.loadVsFloor = ratio(floor, r.loadMs);
      text +=
        `\n  floor: DuckDB's own read_${method} of the same files ${figures.floorRecPerS} rec/s (${(floor / 1000).toFixed(1)} s), ` +
        `peak RSS ${figures.floorPeakRssMb} MB in a process of its own; ` +
        `load/floor ${figures.loadVsFloor} (goal >= 0.9)`;
    }
    return { text, figures };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `npm run bench -- duckdb [--big] [--formats]`. */
export async function benchDuckdb(flags: ReadonlySet<string>): Promise<void> {
  await runCases(__filename, "duckdbCase", [
    [10_000, "parquet"],
    [100_000, "parquet"],
    [100_000, "csv"],
    ...(flags.has("--big") ? [[1_000_000, "parquet"]] : []),
    ...(flags.has("--formats")
      ? [
          [10_000, "jsonl"],
          [10_000, "appender"],
          [1_000, "insert_values"],
        ]
      : []),
  ]);
}
