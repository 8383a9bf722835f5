import { mkdtempSync, readFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  ConfigFieldMissingException,
  destination,
  DestinationTerminalException,
  pipeline,
  PipelineStepFailed,
  resource,
  secret,
  source,
  type DataItem,
  type TableSchema,
} from "dlt-ts";

/* Runs as a dlt user expects them: reruns, failures and their traces, nesting, state values. */

function tempDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), "dlt-ts-runs-"));
}

function quietly<T>(fn: () => Promise<T>): Promise<T> {
  const warn = jest.spyOn(console, "warn").mockImplementation(() => undefined);
  return fn().finally(() => warn.mockRestore());
}

describe("a rerun after a failed sink run sends nothing twice", () => {
  it("the same script run again with its data after a failed load: the pending package is finished, the data not extracted twice", async () => {
    const delivered: number[] = [];
    let down = true;
    const sink = destination(
      async (items: DataItem[] | string) => {
        if (down) throw new Error("503 Service Unavailable");
        delivered.push(...(items as DataItem[]).map((i) => i.id as number));
      },
      { name: "down_api", batchSize: 10 },
    );
    const pipelinesDir = tempDir();
    const projectDir = tempDir();
    const data = Array.from({ length: 55 }, (_, i) => ({ id: i + 1 }));
    const p = () => pipeline({ pipelineName: "pending_rerun", pipelinesDir, projectDir, destination: sink, progress: "none" });
    process.env.LOAD__RAISE_ON_MAX_RETRIES = "1";
    process.env.LOAD__RETRY_BACKOFF_MS = "1";
    try {
      const error = (await quietly(() => p().run(data, { tableName: "contacts" })).catch((e: unknown) => e)) as PipelineStepFailed;
      expect(error).toBeInstanceOf(PipelineStepFailed);
      expect(error.step).toBe("load");
      expect(error.hasPendingData).toBe(true);
      expect(error.message).toContain("Pending load packages stay in the pipeline");
      expect(error.message).toContain("drop-pending-packages");
      down = false;
      const info = await quietly(() => p().run(data, { tableName: "contacts" }));
      expect(info.loadPackages).toHaveLength(1);
    } finally {
      delete process.env.LOAD__RAISE_ON_MAX_RETRIES;
      delete process.env.LOAD__RETRY_BACKOFF_MS;
    }
    expect(delivered).toHaveLength(55);
    expect(new Set(delivered).size).toBe(55);
  });
});

describe("failed steps and traces", () => {
  it("an extract error is PipelineStepFailed with its step and load id, and the trace says the run failed", async () => {
    const sink = destination(async () => undefined, { name: "never" });
    const p = pipeline({ pipelineName: "bad_extract", pipelinesDir: tempDir(), projectDir: tempDir(), destination: sink, progress: "none" });
    async function* broken() {
      yield { id: 1 };
      throw new Error("the API returned 500");
    }
    const error = (await p.run(resource(broken, { name: "items" })).catch((e: unknown) => e)) as PipelineStepFailed;
    expect(error).toBeInstanceOf(PipelineStepFailed);
    expect(error.step).toBe("extract");
    expect(error.loadId).toMatch(/^\d+\.\d{6}$/);
    expect(error.isPackagePartiallyLoaded).toBe(false);
    expect(error.hasPendingData).toBe(false);
    expect(error.message).toBe(
      `Pipeline bad_extract failed at step extract while processing load package ${error.loadId}: Extracting resource "items" failed: the API returned 500`,
    );
    const trace = JSON.parse(readFileSync(path.join(p.workingDir, "trace.json"), "utf8"));
    expect(trace.error).toBe(error.message);
    expect(trace.steps.map((s: { step: string; error?: string }) => [s.step, s.error !== undefined])).toEqual([["extract", true]]);
  });

  it("a run that fails before any step (a missing secret) is recorded as failed", async () => {
    @destination({ name: "needs_key" })
    class NeedsKey {
      @secret() apiKey!: string;
      async write() {}
    }
    const p = pipeline({ pipelineName: "no_secret", pipelinesDir: tempDir(), projectDir: tempDir(), destination: NeedsKey, progress: "none" });
    await expect(p.run([{ id: 1 }], { tableName: "items" })).rejects.toBeInstanceOf(ConfigFieldMissingException);
    expect(p.lastTrace!.error).toContain('at key "destination.needs_key.api_key"');
    expect(p.lastTrace!.steps).toEqual([]);
  });

  it("a failed load says it failed and how much of the package was loaded", async () => {
    const sink = destination(
      async (_items: DataItem[] | string, table: TableSchema) => {
        if (table.name === "bad") throw new DestinationTerminalException("rejected");
      },
      { name: "half", loaderParallelismStrategy: "sequential" },
    );
    const p = pipeline({ pipelineName: "half", pipelinesDir: tempDir(), projectDir: tempDir(), destination: sink, progress: "none" });
    const data = source([resource([{ id: 1 }], { name: "good" }), resource([{ id: 2 }], { name: "bad" })], { name: "two" });
    const error = (await p.run(data).catch((e: unknown) => e)) as PipelineStepFailed;
    expect(error.step).toBe("load");
    expect(error.isPackagePartiallyLoaded).toBe(true);
    expect(error.message).toMatch(/^Pipeline half failed at step load while processing load package \S+: /);
    expect(error.message).toContain("\nPipeline half load step failed after ");
    expect(error.message).toContain("0 of 1 load package(s) were loaded");
    expect(error.message).toContain("was aborted after some of its jobs completed: the table chains that completed stay loaded");
    expect(error.message).not.toMatch(/load step completed/);
  });
});

describe("nesting level precedence, as dlt", () => {
  function recording(name: string, options: Record<string, unknown> = {}) {
    const calls: Record<string, DataItem[]> = {};
    const sink = destination(
      async (items: DataItem[] | string, table: TableSchema) => {
        (calls[table.name] ??= []).push(...(items as DataItem[]));
      },
      { name, ...options },
    );
    return { calls, sink };
  }
  const order = { id: 1, lines: [{ sku: "a" }, { sku: "b" }] };

  it("a sink keeps nested data in the item by default (nesting 0)", async () => {
    const { calls, sink } = recording("nest_default");
    await pipeline({ pipelineName: "n0", pipelinesDir: tempDir(), projectDir: tempDir(), destination: sink, progress: "none" }).run([order], {
      tableName: "orders",
    });
    expect(Object.keys(calls)).toEqual(["orders"]);
    expect(calls.orders![0]!.lines).toEqual(order.lines);
  });

  it("source({ maxTableNesting }) wins over the sink's default", async () => {
    const { calls, sink } = recording("nest_source");
    const data = source([resource([order], { name: "orders" })], { name: "shop", maxTableNesting: 1 });
    await pipeline({ pipelineName: "n1", pipelinesDir: tempDir(), projectDir: tempDir(), destination: sink, progress: "none" }).run(data);
    expect(Object.keys(calls).sort()).toEqual(["orders", "orders__lines"]);
  });

  it("a resource's own hint wins over its source's", async () => {
    const { calls, sink } = recording("nest_resource");
    const data = source([resource([order], { name: "orders", maxTableNesting: 0 })], { name: "shop2", maxTableNesting: 1 });
    await pipeline({ pipelineName: "n2", pipelinesDir: tempDir(), projectDir: tempDir(), destination: sink, progress: "none" }).run(data);
    expect(Object.keys(calls)).toEqual(["orders"]);
  });

  it("maxTableNesting: null on a sink leaves nesting to the data (else 1000)", async () => {
    const { calls, sink } = recording("nest_null", { maxTableNesting: null });
    await pipeline({ pipelineName: "n3", pipelinesDir: tempDir(), projectDir: tempDir(), destination: sink, progress: "none" }).run([order], {
      tableName: "orders",
    });
    expect(Object.keys(calls).sort()).toEqual(["orders", "orders__lines"]);
  });
});

describe("items and state", () => {
  it("pipeline state keeps bigint, Date and binary values, typed, across runs", async () => {
    const pipelinesDir = tempDir();
    const sink = destination(async () => undefined, { name: "state_sink" });
    const first = pipeline({ pipelineName: "typed_state", pipelinesDir, projectDir: tempDir(), destination: sink, progress: "none" });
    const at = new Date("2024-05-01T10:20:30.123Z");
    first.state.sources.api = { cursor: 9007199254740993n, at, token: new Uint8Array([0, 255]) };
    await first.run([{ id: 1 }], { tableName: "items" });
    const again = pipeline({ pipelineName: "typed_state", pipelinesDir, projectDir: tempDir(), destination: sink, progress: "none" });
    expect(again.state.sources.api).toEqual({ cursor: 9007199254740993n, at, token: new Uint8Array([0, 255]) });
  });

  it("LoadInfo names the dataset as it was written (the destination's naming applied)", async () => {
    const sink = destination(async () => undefined, { name: "ds_sink", namingConvention: "snake_case" });
    const info = await pipeline({
      pipelineName: "ds",
      datasetName: "GitHub Data",
      pipelinesDir: tempDir(),
      projectDir: tempDir(),
      destination: sink,
      progress: "none",
    }).run([{ id: 1 }], { tableName: "items" });
    expect(info.datasetName).toBe("git_hub_data");
  });
});
