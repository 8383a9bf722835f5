import { spawn } from "node:child_process";
import { promises as fs } from "node:fs";
import * as path from "node:path";
import { rows, schemaWith, table, tempStorages, writePackage, type TempStorages } from "../../loader/test/support/load-packages.js";

const repo = path.resolve(__dirname, "../../..");
const tsx = path.join(repo, "node_modules", ".bin", "tsx");
const child = path.join(__dirname, "fixtures", "kill-child.ts");

interface ChildRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the child; when it prints BLOCKED (inside write()), kills it with SIGKILL. */
function runChild(root: string, log: string, batchSize: number, blockAt: number): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const proc = spawn(tsx, ["--tsconfig", path.join(repo, "tsconfig.test.json"), child, root, log, String(batchSize), String(blockAt)], {
      cwd: repo,
      env: { ...process.env, DLT_GLOBAL_DIR: path.join(root, "global") },
    });
    let stdout = "";
    let stderr = "";
    proc.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes("BLOCKED")) proc.kill("SIGKILL");
    });
    proc.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    proc.on("error", reject);
    proc.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

describe("sink delivery survives SIGKILL", () => {
  let s: TempStorages;
  beforeEach(async () => {
    s = await tempStorages();
  });
  afterEach(() => s.cleanup());

  const schema = schemaWith("s", [table("items", ["id"]), table("other", ["id"])]);

  it.each([
    { batchSize: 4, lines: 23, blockAt: 3, note: "batch size does not divide the lines" },
    { batchSize: 5, lines: 25, blockAt: 5, note: "batch size divides the lines, killed in the last batch" },
    { batchSize: 7, lines: 23, blockAt: 6, note: "killed in the second job" },
  ])("delivers every item exactly once after a kill mid-delivery ($note)", async ({ batchSize, lines, blockAt }) => {
    const loadId = "1700000000.000001";
    await writePackage(s.normalized, loadId, schema, {
      "items.a.0.jsonl": rows(lines),
      "other.b.0.jsonl": rows(lines, 1000),
    });
    const log = path.join(s.dir, "delivered.log");

    const killed = await runChild(s.dir, log, batchSize, blockAt);
    expect(killed.signal).toBe("SIGKILL");
    const before = (await fs.readFile(log, "utf8").catch(() => "")).split("\n").filter(Boolean);
    // batches never span the two jobs: sizes of the batches before the blocked one
    const batchesPerJob = Array.from({ length: Math.ceil(lines / batchSize) }, (_, i) => Math.min(batchSize, lines - i * batchSize));
    const deliveredBefore = [...batchesPerJob, ...batchesPerJob].slice(0, blockAt - 1).reduce((a, b) => a + b, 0);
    expect(before).toHaveLength(deliveredBefore);
    expect(await s.normalized.listJobs(loadId, "started_jobs")).toHaveLength(1);

    const rerun = await runChild(s.dir, log, batchSize, 0);
    expect(rerun.stderr).toBe("");
    expect(rerun.code).toBe(0);

    const delivered = (await fs.readFile(log, "utf8")).split("\n").filter(Boolean).map(Number);
    const expected = [...rows(lines), ...rows(lines, 1000)].map((r) => r["id"] as number);
    expect(delivered.sort((a, b) => a - b)).toEqual(expected);
    expect(new Set(delivered).size).toBe(delivered.length);
    expect(await s.loaded.listJobs(loadId, "completed_jobs")).toEqual(["items.a.0.jsonl", "other.b.0.jsonl"]);
  }, 60_000);
});
