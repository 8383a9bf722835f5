import { spawn } from "node:child_process";
import { promises as fs } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const repo = path.resolve(__dirname, "../../../..");
const tsx = path.join(repo, "node_modules", ".bin", "tsx");
const child = path.join(__dirname, "fixtures", "pipeline-kill-child.ts");

interface ChildRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the child in a process group of its own; when it prints BLOCKED
 * (inside write()), kills the whole group with SIGKILL (tsx runs the script
 * in a child of its own, which a kill of the tsx process alone would leave running).
 */
function runChild(dir: string, args: (string | number)[]): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const proc = spawn(tsx, ["--tsconfig", path.join(repo, "tsconfig.test.json"), child, ...args.map(String)], {
      cwd: dir,
      env: { ...process.env, DLT_GLOBAL_DIR: path.join(dir, "global"), DLT_PROJECT_DIR: dir },
      detached: true,
    });
    let stdout = "";
    let stderr = "";
    let killed = false;
    proc.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      if (!killed && stdout.includes("BLOCKED")) {
        killed = true;
        process.kill(-proc.pid!, "SIGKILL");
      }
    });
    proc.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    proc.on("error", reject);
    proc.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

async function deliveredLines(log: string): Promise<string[]> {
  return (await fs.readFile(log, "utf8").catch(() => "")).split("\n").filter(Boolean);
}

describe("pipeline into a sink, killed with SIGKILL mid-delivery", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "dlt-ts-sink-kill-"));
  });
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  it.each([
    { batchSize: 10, lines: 57, blockAt: 4, note: "batch size does not divide the lines" },
    { batchSize: 10, lines: 60, blockAt: 6, note: "batch size divides the lines; killed in the last batch of the first table" },
    { batchSize: 7, lines: 30, blockAt: 7, note: "killed in the second table" },
  ])("the rerun delivers every item exactly once ($note)", async ({ batchSize, lines, blockAt }) => {
    const pipelines = path.join(dir, "pipelines");
    const log = path.join(dir, "delivered.log");

    const killed = await runChild(dir, [pipelines, log, batchSize, blockAt, "run", lines]);
    expect(killed.stderr).toBe("");
    expect(killed.signal).toBe("SIGKILL");
    const before = await deliveredLines(log);
    // one job per table, loaded in file order (events, then users); batches never span jobs
    const perJob = Array.from({ length: Math.ceil(lines / batchSize) }, (_, i) => Math.min(batchSize, lines - i * batchSize));
    expect(before).toHaveLength([...perJob, ...perJob].slice(0, blockAt - 1).reduce((a, b) => a + b, 0));

    const rerun = await runChild(dir, [pipelines, log, batchSize, 0, "resume", lines]);
    expect(rerun.stderr).toMatch(/pending/);
    expect(rerun.code).toBe(0);

    const delivered = await deliveredLines(log);
    const expected = [
      ...Array.from({ length: lines }, (_, k) => `events:${k}`),
      ...Array.from({ length: lines }, (_, k) => `users:${1000 + k}`),
    ];
    expect(new Set(delivered).size).toBe(delivered.length);
    expect([...delivered].sort()).toEqual([...expected].sort());
  }, 60_000);

  it.each([
    { batchSize: 10, lines: 57, blockAt: 2 },
    { batchSize: 10, lines: 57, blockAt: 6 },
    { batchSize: 7, lines: 30, blockAt: 9 },
  ])("killed right after a batch's side effect (call $blockAt): that one batch is re-sent with the same id, so deduped by id each item lands once", async ({ batchSize, lines, blockAt }) => {
    const pipelines = path.join(dir, "pipelines");
    const log = path.join(dir, "delivered.log");
    const killed = await runChild(dir, [pipelines, log, batchSize, blockAt, "run", lines, "after"]);
    expect(killed.signal).toBe("SIGKILL");
    const rerun = await runChild(dir, [pipelines, log, batchSize, 0, "resume", lines, "after"]);
    expect(rerun.code).toBe(0);

    const delivered = await deliveredLines(log);
    const items = delivered.map((line) => line.split("@")[0]!);
    const byBatch = new Map<string, Set<string>>();
    for (const line of delivered) {
      const [item, batchId] = line.split("@") as [string, string];
      byBatch.set(batchId, (byBatch.get(batchId) ?? new Set()).add(item));
    }
    // Effectively once: a receiver keyed by batch id holds every item exactly once.
    const applied = [...byBatch.values()].flatMap((set) => [...set]);
    const expected = [
      ...Array.from({ length: lines }, (_, k) => `events:${k}`),
      ...Array.from({ length: lines }, (_, k) => `users:${1000 + k}`),
    ];
    expect(applied.sort()).toEqual([...expected].sort());
    // At least once: the interrupted batch was sent again, nothing else.
    const resent = items.length - new Set(items).size;
    expect(resent).toBeGreaterThan(0);
    expect(resent).toBeLessThanOrEqual(batchSize);
  }, 60_000);
});
