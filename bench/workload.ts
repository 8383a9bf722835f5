import { readFileSync } from "node:fs";
import * as path from "node:path";

/**
 * The benchmark workload Python dlt was measured on: record k is
 * events[k % 100] of the GitHub events fixture with id = String(100000000000 + k),
 * produced lazily so the data itself never sits in memory.
 */
export function* githubEvents(count: number): Generator<Record<string, unknown>> {
  const events = fixtureEvents();
  for (let k = 0; k < count; k++) {
    yield { ...events[k % events.length], id: String(100000000000 + k) };
  }
}

/** The same records as JSON text, one string each (the input of the normalize floor). */
export function* githubEventLines(count: number): Generator<string> {
  const lines = fixtureEvents().map((event) => JSON.stringify(event));
  for (let k = 0; k < count; k++) yield lines[k % lines.length]!;
}

function fixtureEvents(): Record<string, unknown>[] {
  return JSON.parse(readFileSync(path.join(__dirname, "..", "fixtures", "github-events.json"), "utf8")) as Record<string, unknown>[];
}

/** Peak resident set size of this process so far, in MB. */
export function peakRssMb(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

export function perSecond(count: number, ms: number): number {
  return Math.round((count / ms) * 1000);
}

/** Times of extract(), normalize() and load() called one by one, and the data rows normalized (system tables left out). */
export interface StagedRun {
  extractMs: number;
  normalizeMs: number;
  loadMs: number;
  rows: number;
  tables: number;
  /** Job files loaded. */
  files: number;
}

/** Runs the workload through a pipeline stage by stage; throws when a job failed. */
export async function runStaged(
  p: { extract(data: unknown, options: object): Promise<unknown>; normalize(): Promise<{ rowCounts: Record<string, number> }>; load(): Promise<{ hasFailedJobs: boolean; loadPackages: { jobs: unknown[] }[]; toString(): string }> },
  count: number,
  loaderFileFormat: string,
  /** Called between normalize and load (to note the peak RSS so far). */
  afterNormalize?: () => void,
): Promise<StagedRun> {
  const t0 = performance.now();
  await p.extract(githubEvents(count), { tableName: "events", loaderFileFormat });
  const t1 = performance.now();
  const normalized = await p.normalize();
  const t2 = performance.now();
  afterNormalize?.();
  const info = await p.load();
  const t3 = performance.now();
  if (info.hasFailedJobs) throw new Error(info.toString());
  const counts = Object.entries(normalized.rowCounts).filter(([t]) => !t.startsWith("_dlt"));
  return {
    extractMs: t1 - t0,
    normalizeMs: t2 - t1,
    loadMs: t3 - t2,
    rows: counts.reduce((n, [, r]) => n + r, 0),
    tables: counts.length,
    files: info.loadPackages.reduce((n, pkg) => n + pkg.jobs.length, 0),
  };
}
