import { readFileSync } from "node:fs";
import * as path from "node:path";

/**
 * The benchmark workload Python dlt was measured on: record k is
 * events[k % 100] of the GitHub events fixture with id = String(100000000000 + k),
 * produced lazily so the data itself never sits in memory.
 */
export function* githubEvents(count: number): Generator<Record<string, unknown>> {
  const events = JSON.parse(readFileSync(path.join(__dirname, "..", "fixtures", "github-events.json"), "utf8")) as Record<
    string,
    unknown
  >[];
  for (let k = 0; k < count; k++) {
    yield { ...events[k % events.length], id: String(100000000000 + k) };
  }
}

/** Peak resident set size of this process so far, in MB. */
export function peakRssMb(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

export function perSecond(count: number, ms: number): number {
  return Math.round((count / ms) * 1000);
}
