import { mkdtempSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pipeline, type Pipeline, type RunOptions } from "dlt-ts";
import { githubEvents, githubEventLines, peakRssMb, perSecond } from "./workload";
import { ratio, type CaseResult } from "./case-result";
import { runCases } from "./run-cases";

type Format = "insert_values" | "csv" | "parquet";

/** run()'s first half: items normalized as they are extracted (private to Pipeline, used here on purpose). */
type FusedExtract = {
  prepare(): Promise<unknown>;
  extractNormalized(run: unknown, data: unknown, options: RunOptions): Promise<unknown>;
};

/** Runs per case: the best is reported, as the least disturbed by whatever else the machine does. */
const RUNS = 3;

/**
 * One case, in its own process so peak RSS belongs to it alone. Measures
 * the pass run() makes (items normalized as they are extracted) and
 * extract() then normalize() called one by one (typed JSON lines between
 * them, as dlt's stages), each the best of {@link RUNS} runs, beside the
 * floor: JSON.parse of the same records as JSON text (what reading them
 * from an API costs at least), best of {@link RUNS} too. run()'s pass goes
 * first, so the peak RSS noted after it is its own; the staged pass (with
 * normalize's worker threads) can only raise it.
 */
export async function normalizeCase(count: number, format: Format): Promise<CaseResult> {
  // Warm up on a few records so module loading and JIT do not count as throughput.
  await fused(1000, format);
  let fusedMs = Infinity;
  let floor = Infinity;
  for (let run = 0; run < RUNS; run++) {
    fusedMs = Math.min(fusedMs, await fused(count, format));
    floor = Math.min(floor, parseMs(count));
  }
  const runPeakRssMb = peakRssMb();
  await staged(1000, format);
  let best = { extractMs: Infinity, normalizeMs: Infinity };
  for (let run = 0; run < RUNS; run++) {
    const stages = await staged(count, format);
    if (stages.extractMs + stages.normalizeMs < best.extractMs + best.normalizeMs) best = stages;
  }
  const { extractMs, normalizeMs } = best;
  const figures = {
    bench: "normalize",
    format,
    records: count,
    runRecPerS: perSecond(count, fusedMs),
    stagedRecPerS: perSecond(count, extractMs + normalizeMs),
    floorRecPerS: perSecond(count, floor),
    runVsFloor: ratio(floor, fusedMs),
    runPeakRssMb,
    peakRssMb: peakRssMb(),
  };
  const text =
    `normalize ${format.padEnd(13)} N=${String(count).padStart(6)} (best of ${RUNS})  ` +
    `run() extract+normalize ${figures.runRecPerS} rec/s, peak RSS ${runPeakRssMb} MB | ` +
    `extract() then normalize(): extract ${perSecond(count, extractMs)} rec/s, normalize ${perSecond(count, normalizeMs)} rec/s, ` +
    `together ${figures.stagedRecPerS} rec/s, peak RSS ${figures.peakRssMb} MB\n` +
    `  floor: JSON.parse of the records ${figures.floorRecPerS} rec/s; run()/floor ${figures.runVsFloor}`;
  return { text, figures };
}

/** The floor: JSON.parse of `count` records given as JSON text. */
function parseMs(count: number): number {
  let parsed = 0;
  const started = performance.now();
  for (const line of githubEventLines(count)) parsed += (JSON.parse(line) as object) ? 1 : 0;
  const ms = performance.now() - started;
  if (parsed !== count) throw new Error(`normalize floor parsed ${parsed} of ${count} records`);
  return ms;
}

async function withPipeline<T>(run: (p: Pipeline) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "dlt-ts-bench-"));
  try {
    return await run(pipeline({ pipelineName: "bench_normalize", pipelinesDir: dir, progress: "none" }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function staged(count: number, format: Format): Promise<{ extractMs: number; normalizeMs: number }> {
  return withPipeline(async (p) => {
    const t0 = performance.now();
    await p.extract(githubEvents(count), { tableName: "events", loaderFileFormat: format });
    const t1 = performance.now();
    await p.normalize();
    return { extractMs: t1 - t0, normalizeMs: performance.now() - t1 };
  });
}

function fused(count: number, format: Format): Promise<number> {
  return withPipeline(async (p) => {
    const fusedPipeline = p as unknown as FusedExtract;
    const t0 = performance.now();
    const run = await fusedPipeline.prepare();
    await fusedPipeline.extractNormalized(run, githubEvents(count), { tableName: "events", loaderFileFormat: format });
    return performance.now() - t0;
  });
}

/** `npm run bench -- normalize [--formats]`: csv and parquet at 10k and 100k; `--formats` adds insert_values. */
export async function benchNormalize(flags: ReadonlySet<string>): Promise<void> {
  await runCases(__filename, "normalizeCase", [
    [10_000, "csv"],
    [100_000, "csv"],
    [10_000, "parquet"],
    [100_000, "parquet"],
    ...(flags.has("--formats") ? [[10_000, "insert_values"], [100_000, "insert_values"]] : []),
  ]);
}
