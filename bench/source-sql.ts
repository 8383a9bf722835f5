import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import pg from "pg";
import { to as copyTo } from "pg-copy-streams";
import { destination, pipeline, type DataItem } from "dlt-ts";
import { sqlTable } from "@dlt-ts/source-sql";
// Internals (of the built package, as the rest), to measure the cursor read path next to the COPY one.
import { loadPgModules, PostgresConnection } from "../packages/source-sql/dist/postgres-connection";
import { buildSelect } from "../packages/source-sql/dist/select-query";
import { resolveSqlCredentials } from "../packages/source-sql/dist/sql-database-configuration";
import { peakRssMb, perSecond } from "./workload";

/*
 * `npm run bench -- source-sql`: rows/s of `sqlTable` reading a Postgres
 * table, next to the floor measured in the same run: a raw
 * `COPY (SELECT <the same columns> FROM <table>) TO STDOUT` whose bytes are
 * only counted (no row is built). Two shapes, narrow (4 columns) and wide
 * (30 columns), at 100k and 1M rows; each case in its own process, so its
 * peak RSS is its own:
 *   - copy:       the floor (best of 2);
 *   - source:     the resource's pages at the default chunkSize drained by a
 *                 loop that only counts them: what the source itself costs
 *                 (best of 2); rows come through COPY text;
 *   - source-10k: the same at chunkSize 10 000;
 *   - cursor:     the same rows through the `pg-cursor` path (used when
 *                 `pg-copy-streams` is not installed) at chunkSize 50 000:
 *                 the read path and default before COPY;
 *   - run:        `p.run(sqlTable(...))` into a sink whose write()
 *                 does nothing (batchSize 1000): the source plus extract,
 *                 normalize and load.
 * Tables are made once with generate_series in schema `source_sql_bench`
 * (kept for the next run; DROP SCHEMA source_sql_bench CASCADE removes them).
 *
 * Server: env PG_BENCH_URL, default postgresql://postgres@127.0.0.1:5432/dlt_ts_bench
 * (the database is created when missing).
 */

const BENCH_URL = process.env.PG_BENCH_URL ?? "postgresql://postgres@127.0.0.1:5432/dlt_ts_bench";
const SCHEMA = "source_sql_bench";

type Shape = "narrow" | "wide";
/**
 * copy: the floor; source: the resource's pages at the default chunkSize;
 * source-10k: at chunkSize 10 000; cursor: the pg-cursor read path at the
 * default chunkSize; run: run() into a no-op sink.
 */
type Mode = "copy" | "source" | "source-10k" | "cursor" | "run";

/** Column definitions and the generate_series expression of each, by shape. */
const SHAPES: Record<Shape, Array<[string, string, string]>> = {
  narrow: [
    ["id", "bigint PRIMARY KEY", "g"],
    ["name", "text", "'customer ' || g"],
    ["amount", "numeric(12,2)", "(g % 100000) / 100.0"],
    ["updated_at", "timestamptz", "timestamptz '2024-01-01 00:00:00+00' + g * interval '1 second' + (g % 1000) * interval '1 microsecond'"],
  ],
  wide: [
    ["id", "bigint PRIMARY KEY", "g"],
    ["account_id", "bigint", "g % 5000"],
    ["owner_id", "integer", "g % 300"],
    ["region_id", "smallint", "(g % 12)::smallint"],
    ["seq", "bigint", "g * 7"],
    ["version", "integer", "g % 17"],
    ["name", "text", "'customer ' || g"],
    ["email", "text", "'user' || g || '@example.com'"],
    ["city", "varchar(40)", "'city ' || (g % 997)"],
    ["country", "char(2)", "'DE'"],
    ["status", "text", "CASE WHEN g % 3 = 0 THEN 'open' WHEN g % 3 = 1 THEN 'won' ELSE 'lost' END"],
    ["note", "text", "repeat('x', 20 + (g % 30))"],
    ["amount", "numeric(12,2)", "(g % 100000) / 100.0"],
    ["discount", "numeric(5,4)", "(g % 10000) / 10000.0"],
    ["tax", "numeric(12,2)", "(g % 777) / 10.0"],
    ["balance", "numeric(18,6)", "g / 1000.0"],
    ["created_at", "timestamptz", "timestamptz '2023-01-01 00:00:00+00' + g * interval '1 second'"],
    ["updated_at", "timestamptz", "timestamptz '2024-01-01 00:00:00+00' + g * interval '1 second' + (g % 1000) * interval '1 microsecond'"],
    ["closed_at", "timestamptz", "CASE WHEN g % 2 = 0 THEN timestamptz '2024-06-01 00:00:00+00' + g * interval '1 second' END"],
    ["synced_at", "timestamp", "timestamp '2024-01-01 00:00:00' + g * interval '1 millisecond'"],
    ["birthday", "date", "date '1970-01-01' + (g % 20000)"],
    ["renewal", "date", "date '2025-01-01' + (g % 365)"],
    ["score", "double precision", "g / 3.0"],
    ["ratio", "double precision", "(g % 100) / 7.0"],
    ["weight", "real", "(g % 1000) / 10.0"],
    ["active", "boolean", "g % 2 = 0"],
    ["verified", "boolean", "g % 5 = 0"],
    ["attributes", "jsonb", "jsonb_build_object('tier', g % 4, 'tags', jsonb_build_array('a', 'b'))"],
    ["external_id", "uuid", "md5(g::text)::uuid"],
    ["code", "varchar(16)", "'C' || (g % 100000)"],
  ],
};

function tableName(shape: Shape, rows: number): string {
  return `${shape}_${rows}`;
}

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function ensureDatabase(): Promise<void> {
  const url = new URL(BENCH_URL);
  const database = url.pathname.slice(1);
  url.pathname = "/postgres";
  await withClient(url.toString(), async (admin) => {
    const found = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (found.rowCount === 0) await admin.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
  });
}

/** Creates the table of `shape` with `rows` rows unless it is already there, complete. */
async function ensureTable(shape: Shape, rows: number): Promise<void> {
  const table = tableName(shape, rows);
  await withClient(BENCH_URL, async (client) => {
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${SCHEMA}`);
    const exists = await client.query("SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = $2", [SCHEMA, table]);
    if (exists.rowCount) {
      const count = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${SCHEMA}.${table}`);
      if (Number(count.rows[0]!.n) === rows) return;
      await client.query(`DROP TABLE ${SCHEMA}.${table}`);
    }
    const columns = SHAPES[shape];
    const started = performance.now();
    await client.query(`CREATE TABLE ${SCHEMA}.${table} (${columns.map(([name, type]) => `${name} ${type}`).join(", ")})`);
    await client.query(`INSERT INTO ${SCHEMA}.${table} SELECT ${columns.map(([, , expr]) => expr).join(", ")} FROM generate_series(1, ${rows}) g`);
    await client.query(`VACUUM ANALYZE ${SCHEMA}.${table}`);
    console.log(`  (made ${SCHEMA}.${table}: ${rows} rows in ${((performance.now() - started) / 1000).toFixed(1)} s)`);
  });
}

/** The floor: COPY of the same SELECT to STDOUT, bytes counted, lines (rows) counted. */
async function copyRows(table: string, shape: Shape): Promise<number> {
  const columns = SHAPES[shape].map(([name]) => `"${name}"`).join(", ");
  return withClient(BENCH_URL, async (client) => {
    let rows = 0;
    const stream = client.query(copyTo(`COPY (SELECT ${columns} FROM "${SCHEMA}"."${table}") TO STDOUT`));
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      for (let i = chunk.indexOf(0x0a); i !== -1; i = chunk.indexOf(0x0a, i + 1)) rows++;
    }
    return rows;
  });
}

/** The resource's pages, counted. */
async function sourceRows(table: string, chunkSize?: number): Promise<number> {
  const resource = await sqlTable({ table, schema: SCHEMA, credentials: BENCH_URL, ...(chunkSize ? { chunkSize } : {}) }).resolve();
  let rows = 0;
  for await (const page of (resource.data as (args: object) => AsyncIterable<DataItem[]>)({})) rows += page.length;
  return rows;
}

/** The same read through the `pg-cursor` path (what the source does without `pg-copy-streams`) at dlt's chunkSize 50 000 (the earlier default), counted. */
async function cursorRows(table: string): Promise<number> {
  const { copyTo: _copyTo, ...modules } = loadPgModules();
  const connection = await PostgresConnection.open(await resolveSqlCredentials(BENCH_URL), modules);
  try {
    const [reflected] = await connection.reflectTables(SCHEMA, [table]);
    let rows = 0;
    for await (const page of connection.streamRows(buildSelect(connection.dialect, reflected!, reflected!.columns), reflected!.columns, 50_000)) {
      rows += page.length;
    }
    return rows;
  } finally {
    await connection.close();
  }
}

/** `run()` into a no-op sink; the rows it delivered. */
async function runRows(table: string, dir: string): Promise<number> {
  let delivered = 0;
  const sink = destination(
    async (items) => {
      delivered += (items as DataItem[]).length;
    },
    { name: "bench_source_sink", batchSize: 1000 },
  );
  const p = pipeline({ pipelineName: `bench_source_sql_${table}`, pipelinesDir: dir, projectDir: dir, destination: sink, progress: "none" });
  await p.run(sqlTable({ table, schema: SCHEMA, credentials: BENCH_URL }));
  return delivered;
}

async function measure(mode: Mode, table: string, shape: Shape, dir: string): Promise<{ rows: number; ms: number }> {
  const started = performance.now();
  const rows =
    mode === "copy"
      ? await copyRows(table, shape)
      : mode === "source"
        ? await sourceRows(table)
        : mode === "source-10k"
          ? await sourceRows(table, 10_000)
          : mode === "cursor"
            ? await cursorRows(table)
            : await runRows(table, dir);
  return { rows, ms: performance.now() - started };
}

/** One case, in its own process: a warm-up on a small table of the same shape, then the measured read. */
export async function sourceSqlCase(mode: Mode, shape: Shape, rows: number): Promise<string> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "dlt-ts-bench-source-sql-"));
  try {
    await measure(mode, tableName(shape, 5_000), shape, dir);
    const cpu0 = process.cpuUsage();
    const { rows: read, ms } = await measure(mode, tableName(shape, rows), shape, dir);
    const cpu = process.cpuUsage(cpu0);
    if (read !== rows) throw new Error(`source-sql bench: ${mode} read ${read} of ${rows} rows`);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    return (
      `source-sql ${shape.padEnd(6)} N=${String(rows).padStart(7)} ${mode.padEnd(10)} ${String(perSecond(rows, ms)).padStart(8)} rows/s ` +
      `(${(ms / 1000).toFixed(2)} s wall, ${perSecond(rows, cpuMs)} rows/cpu-s)  peak RSS ${peakRssMb()} MB`
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs one case in a fresh Node process (as run-cases does) and returns the line it printed. */
function runCase(args: [Mode, Shape, number]): string {
  return execFileSync(process.execPath, ["--import", "tsx", path.join(__dirname, "case.ts"), __filename, "sourceSqlCase", JSON.stringify(args)], {
    env: { ...process.env, TSX_TSCONFIG_PATH: path.join(__dirname, "..", "tsconfig.test.json") },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
}

/** Rows/s of a line printed by {@link sourceSqlCase}. */
function rate(line: string): number {
  return Number(/(\d+) rows\/s/.exec(line)?.[1] ?? NaN);
}

/** Runs a case `times` times (each in its own process) and keeps the fastest: the machine is shared, and the floor must not be a slow outlier. */
function bestOf(times: number, args: [Mode, Shape, number]): string {
  let best = "";
  for (let i = 0; i < times; i++) {
    const line = runCase(args);
    if (!best || rate(line) > rate(best)) best = line;
  }
  return best;
}

/**
 * `npm run bench -- source-sql`: narrow and wide tables, 100k and 1M rows;
 * the COPY floor and the source alone (best of 2 each), the source at
 * chunkSize 10 000, run() into a no-op sink.
 */
export async function benchSourceSql(): Promise<void> {
  await ensureDatabase();
  for (const shape of ["narrow", "wide"] as const) for (const rows of [5_000, 100_000, 1_000_000]) await ensureTable(shape, rows);
  for (const shape of ["narrow", "wide"] as const) {
    for (const rows of [100_000, 1_000_000]) {
      // The table's pages in the OS cache first, so neither the floor nor the source reads them cold.
      await withClient(BENCH_URL, (client) => client.query(`SELECT count(*) FROM ${SCHEMA}.${tableName(shape, rows)}`));
      const group = {} as Record<Mode, string>;
      for (const mode of ["copy", "source", "source-10k", "cursor", "run"] as const) {
        group[mode] = bestOf(mode === "copy" || mode === "source" ? 2 : 1, [mode, shape, rows]);
        process.stdout.write(group[mode]);
      }
      console.log(
        `  ${shape} N=${rows}: source/floor ${(rate(group.source) / rate(group.copy)).toFixed(2)} (goal >= 0.5), ` +
          `source-10k/floor ${(rate(group["source-10k"]) / rate(group.copy)).toFixed(2)}, cursor/floor ${(rate(group.cursor) / rate(group.copy)).toFixed(2)}, ` +
          `run()/floor ${(rate(group.run) / rate(group.copy)).toFixed(2)}`,
      );
    }
  }
}
