import { mkdtempSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { destination, pipeline } from "dlt-ts";
import { runCases } from "./run-cases";
import { githubEvents, peakRssMb, perSecond } from "./workload";

/**
 * One case, in its own process so peak RSS belongs to it alone: N GitHub
 * events through extract → normalize → load into a sink whose write() does
 * nothing, batchSize 1000.
 */
export async function sinkCase(count: number): Promise<string> {
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
    const t0 = performance.now();
    await p.extract(githubEvents(count), { tableName: "events" });
    const t1 = performance.now();
    await p.normalize();
    const t2 = performance.now();
    await p.load();
    const t3 = performance.now();
    if (delivered !== count) throw new Error(`sink bench: ${delivered} of ${count} records delivered`);
    return (
      `sink N=${String(count).padStart(6)}  total ${perSecond(count, t3 - t0)} rec/s (${((t3 - t0) / 1000).toFixed(2)} s)  ` +
      `extract ${perSecond(count, t1 - t0)}  normalize ${perSecond(count, t2 - t1)}  load ${perSecond(count, t3 - t2)} rec/s  ` +
      `peak RSS ${peakRssMb()} MB`
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `npm run bench -- sink`: records/s into a no-op sink (batchSize 1000) and peak RSS, N = 10k and 100k. */
export async function benchSink(): Promise<void> {
  await runCases(__filename, "sinkCase", [[10_000], [100_000]]);
}
