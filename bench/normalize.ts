import { mkdtempSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pipeline, type Pipeline, type RunOptions } from "dlt-ts";
import { githubEvents, peakRssMb, perSecond } from "./workload";
import { runCases } from "./run-cases";

type Format = "insert_values" | "csv";

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
 * them, as dlt's stages), each the best of {@link RUNS} runs.
 */
export async function normalizeCase(count: number, format: Format): Promise<string> {
  // Warm up on a few records so module loading and JIT do not count as throughput.
  await staged(1000, format);
  await fused(1000, format);
  let fusedMs = Infinity;
  let best = { extractMs: Infinity, normalizeMs: Infinity };
  for (let run = 0; run < RUNS; run++) {
    const stages = await staged(count, format);
    if (stages.extractMs + stages.normalizeMs < best.extractMs + best.normalizeMs) best = stages;
    fusedMs = Math.min(fusedMs, await fused(count, format));
  }
  const { extractMs, normalizeMs } = best;
  return (
    `normalize ${format.padEnd(13)} N=${String(count).padStart(6)} (best of ${RUNS})  ` +
    `run() extract+normalize ${perSecond(count, fusedMs)} rec/s | ` +
    `extract() then normalize(): extract ${perSecond(count, extractMs)} rec/s, normalize ${perSecond(count, normalizeMs)} rec/s, ` +
    `together ${perSecond(count, extractMs + normalizeMs)} rec/s | peak RSS ${peakRssMb()} MB`
  );
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

export async function benchNormalize(): Promise<void> {
  await runCases(__filename, "normalizeCase", [
    [10_000, "insert_values"],
    [100_000, "insert_values"],
    [10_000, "csv"],
    [100_000, "csv"],
  ]);
}
