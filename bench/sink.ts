import { mkdtempSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { destination, pipeline } from "dlt-ts";
import { runCases } from "./run-cases";
import { githubEvents, peakRssMb, perSecond } from "./workload";

/** Wall and CPU time of one stage. CPU time (user + system) holds up better than wall time on a busy machine. */
async function timed(run: () => Promise<unknown>): Promise<{ wallMs: number; cpuMs: number }> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await run();
  const cpu = process.cpuUsage(cpu0);
  return { wallMs: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000 };
}

/**
 * One case, in its own process so peak RSS belongs to it alone: N GitHub
 * events through `run()` into a sink whose write() does nothing, batchSize
 * 1000. Stage times come from the run's trace (extract includes normalize:
 * run() normalizes items as it extracts them).
 */
export async function sinkCase(count: number): Promise<string> {
  // Warm up on a few records so module loading and JIT do not count as throughput.
  await runOnce(200);
  return runOnce(count);
}

async function runOnce(count: number): Promise<string> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "dlt-ts-bench-sink-"));
  try {
    let delivered = 0;
    const sink = destination(
      async (items) => {
        delivered += items.length;
      },
      { name: "bench_sink", batchSize: 1000 },
    );
    const p = pipeline({ pipelineName: "bench_sink", pipelinesDir: dir, destination: sink, progress: "none" });
    const total = await timed(() => p.run(githubEvents(count), { tableName: "events" }));
    if (delivered !== count) throw new Error(`sink bench: ${delivered} of ${count} records delivered`);
    const stepMs = (name: string): number => {
      const step = p.lastTrace?.steps.find((s) => s.step === name);
      return step ? step.finishedAt.getTime() - step.startedAt.getTime() : 0;
    };
    return (
      `sink N=${String(count).padStart(6)}  run() ${perSecond(count, total.wallMs)} rec/s (${(total.wallMs / 1000).toFixed(2)} s wall, ` +
      `${perSecond(count, total.cpuMs)} rec/cpu-s)  [extract+normalize ${perSecond(count, stepMs("extract"))} rec/s, ` +
      `load ${perSecond(count, stepMs("load"))} rec/s]  peak RSS ${peakRssMb()} MB`
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `npm run bench -- sink`: records/s into a no-op sink (batchSize 1000) and peak RSS, N = 10k and 100k. */
export async function benchSink(): Promise<void> {
  await runCases(__filename, "sinkCase", [[10_000], [100_000]]);
}
