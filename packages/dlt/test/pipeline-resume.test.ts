import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { destination, pipeline, type DataItem, type TableSchema } from "dlt-ts";

function tempDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), "dlt-ts-resume-"));
}

function collectingSink(received: DataItem[]) {
  return destination(
    async (items: DataItem[] | string, _table: TableSchema) => {
      received.push(...(items as DataItem[]));
    },
    { name: "collect", batchSize: 100 },
  );
}

describe("resuming after an interrupted run", () => {
  it("drops a half-written normalized package and normalizes its extracted package again, once", async () => {
    const dir = tempDir();
    const first = pipeline({ pipelineName: "resume", pipelinesDir: dir, progress: "none" });
    await first.extract([{ id: 1 }, { id: 2 }], { tableName: "items" });
    const [loadId] = first.listPendingPackages().extracted;
    // What a kill in the middle of normalize leaves: a hidden, unpublished package.
    const half = path.join(first.workingDir, "load", "normalized", `.in-progress-${loadId}`, "new_jobs");
    mkdirSync(half, { recursive: true });
    writeFileSync(path.join(half, "items.abc.0.jsonl"), '{"id":1}\n');

    const received: DataItem[] = [];
    const warn = jest.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      const p = pipeline({ pipelineName: "resume", pipelinesDir: dir, destination: collectingSink(received), progress: "none" });
      const info = await p.run();
      expect(info.loadsIds).toEqual([loadId]);
    } finally {
      warn.mockRestore();
    }
    expect(received.map((r) => r.id)).toEqual([1, 2]);
    expect(readdirSync(path.join(dir, "resume", "load", "normalized"))).toEqual([]);
  });

  it("run() without data and nothing pending loads nothing", async () => {
    const received: DataItem[] = [];
    const p = pipeline({ pipelineName: "idle", pipelinesDir: tempDir(), destination: collectingSink(received), progress: "none" });
    const info = await p.run();
    expect(info.loadPackages).toEqual([]);
    expect(received).toEqual([]);
  });

  it("a normalized package that was not loaded is loaded by the next run, without extracting again", async () => {
    const dir = tempDir();
    const received: DataItem[] = [];
    const first = pipeline({ pipelineName: "loadlater", pipelinesDir: dir, destination: collectingSink(received), progress: "none" });
    await first.extract([{ id: 7 }], { tableName: "items" });
    await first.normalize();
    expect(received).toEqual([]);
    const warn = jest.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      const p = pipeline({ pipelineName: "loadlater", pipelinesDir: dir, destination: collectingSink(received), progress: "none" });
      await p.run([{ id: 8 }], { tableName: "items" });
      expect(received.map((r) => r.id)).toEqual([7]);
      await p.run([{ id: 8 }], { tableName: "items" });
    } finally {
      warn.mockRestore();
    }
    expect(received.map((r) => r.id)).toEqual([7, 8]);
  });
});

describe("a failing resource", () => {
  it("publishes nothing, keeps the state unchanged, and says which resource failed", async () => {
    const received: DataItem[] = [];
    const p = pipeline({ pipelineName: "failing", pipelinesDir: tempDir(), destination: collectingSink(received), progress: "none" });
    await p.run([{ id: 1 }], { tableName: "items" });
    const version = p.state.stateVersion;
    p.state.sources.cursor = 5;
    function* broken() {
      yield { id: 2 };
      throw new Error("API returned 500");
    }
    await expect(p.run(broken, { tableName: "items" })).rejects.toThrow('Extracting resource "broken" failed: API returned 500');
    expect(p.state.stateVersion).toBe(version);
    expect(p.listPendingPackages()).toEqual({ extracted: [], normalized: [] });
    expect(received.map((r) => r.id)).toEqual([1]);
  });
});
