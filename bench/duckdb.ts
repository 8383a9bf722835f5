import { createReadStream, mkdtempSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as readline from "node:readline";
import { pipeline } from "dlt-ts";
import type { ConfiguredDestination, Destination, LoaderFileFormat, LoadJob, LoadJobRequest, SqlClient } from "@dlt-ts/core";
import { SqlLoadJobBase } from "@dlt-ts/sql";
import { DuckdbJobClient, DuckdbSqlClient, duckdb } from "@dlt-ts/destination-duckdb";
import { peakRssMb, perSecond, runStaged, type StagedRun } from "./workload";
import { runCases } from "./run-cases";

/*
 * `npm run bench -- duckdb`: the engine benchmark workload (GitHub events,
 * ~600 columns once flattened, 7 tables) end to end into a DuckDB file, at
 * 10k and 100k records with the preferred format (parquet, read by DuckDB's
 * read_parquet) and with csv (read_csv); then, at 10k, the other ways to
 * load: jsonl (read_json), the appender fed from jsonl in JS, and
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

async function runPipeline(count: number, method: Method, dir: string): Promise<StagedRun> {
  const file = path.join(dir, "bench.duckdb");
  const destination = method === "appender" ? appenderDestination(file) : duckdb({ credentials: file });
  const format: LoaderFileFormat = method === "appender" ? "jsonl" : method;
  const p = pipeline({ pipelineName: "bench_duckdb", pipelinesDir: dir, destination, progress: "none" });
  const staged = await runStaged(p, count, format);
  const client = await p.sqlClient();
  try {
    const [loaded] = await client.query<{ n: number }>("SELECT count(*) AS n FROM events");
    if (loaded!.n !== count) throw new Error(`events has ${loaded!.n} rows, expected ${count}`);
  } finally {
    await client.close();
  }
  return staged;
}

/** One case in its own process: a warm-up of 200 records, then N records loaded by `method`. */
export async function duckdbCase(count: number, method: Method): Promise<string> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "dlt-ts-bench-duckdb-"));
  try {
    await runPipeline(200, method, mkdtempSync(path.join(dir, "warmup-")));
    const r = await runPipeline(count, method, mkdtempSync(path.join(dir, "run-")));
    const total = r.extractMs + r.normalizeMs + r.loadMs;
    return (
      `duckdb ${method.padEnd(13)} N=${String(count).padStart(6)}  extract ${perSecond(count, r.extractMs)} rec/s  ` +
      `normalize ${perSecond(count, r.normalizeMs)} rec/s  load ${perSecond(count, r.loadMs)} rec/s (${(r.loadMs / 1000).toFixed(1)} s)  ` +
      `end to end ${perSecond(count, total)} rec/s (${(total / 1000).toFixed(1)} s)  landed ${perSecond(r.rows, r.loadMs)} rows/s ` +
      `(${r.rows} rows in ${r.tables} tables, ${r.files} files)  peak RSS ${peakRssMb()} MB`
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchDuckdb(): Promise<void> {
  await runCases(__filename, "duckdbCase", [
    [10_000, "parquet"],
    [100_000, "parquet"],
    [10_000, "csv"],
    [100_000, "csv"],
    [10_000, "jsonl"],
    [10_000, "appender"],
    [1_000, "insert_values"],
  ]);
}
