import { mkdtempSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pipeline } from "dlt-ts";
import { githubEvents, peakRssMb, perSecond } from "./workload";
import { runCases } from "./run-cases";

/** One case, in its own process so peak RSS belongs to it alone. */
export async function normalizeCase(count: number, format: "insert_values" | "csv"): Promise<string> {
  // Warm up on a few records so module loading and JIT do not count as throughput.
  await runOnce(200, format);
  const { extractMs, normalizeMs } = await runOnce(count, format);
  return (
    `normalize ${format.padEnd(13)} N=${String(count).padStart(6)}  extract ${perSecond(count, extractMs)} rec/s  ` +
    `normalize ${perSecond(count, normalizeMs)} rec/s  extract+normalize ${perSecond(count, extractMs + normalizeMs)} rec/s  ` +
    `peak RSS ${peakRssMb()} MB`
  );
}

async function runOnce(count: number, format: "insert_values" | "csv"): Promise<{ extractMs: number; normalizeMs: number }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "dlt-ts-bench-"));
  try {
    const p = pipeline({ pipelineName: "bench_normalize", pipelinesDir: dir, progress: "none" });
    const t0 = performance.now();
    await p.extract(githubEvents(count), { tableName: "events", loaderFileFormat: format });
    const t1 = performance.now();
    await p.normalize();
    const t2 = performance.now();
    return { extractMs: t1 - t0, normalizeMs: t2 - t1 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchNormalize(): Promise<void> {
  await runCases(__filename, "normalizeCase", [
    [10_000, "insert_values"],
    [100_000, "insert_values"],
    [10_000, "csv"],
    [100_000, "csv"],
  ]);
}
