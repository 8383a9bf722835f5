import { mkdtempSync, readdirSync, existsSync, readFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { destination, pipeline, resource, source, type DataItem, type TableSchema } from "dlt-ts";

function tempDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), "dlt-ts-pipeline-"));
}

interface Call {
  table: string;
  items: DataItem[];
}

function recordingSink(calls: Call[], options: Record<string, unknown> = {}) {
  return destination(
    async (items: DataItem[] | string, table: TableSchema) => {
      calls.push({ table: table.name, items: items as DataItem[] });
    },
    { name: "recording", ...options },
  );
}

describe("pipeline into a sink", () => {
  it("runs the seed example: scalars wrapped as {value}", async () => {
    const calls: Call[] = [];
    const p = pipeline({ pipelineName: "seed", pipelinesDir: tempDir(), destination: recordingSink(calls), progress: "none" });
    const info = await p.run([1, 2, 3], { tableName: "items" });
    expect(calls).toEqual([{ table: "items", items: [{ value: 1 }, { value: 2 }, { value: 3 }] }]);
    expect(info.hasFailedJobs).toBe(false);
    expect(info.loadPackages).toHaveLength(1);
    expect(info.toString()).toMatch(
      new RegExp(
        `^Pipeline seed load step completed in [0-9.]+ seconds\\n1 load package\\(s\\) were loaded to destination recording and into dataset seed_dataset\\n` +
          `[^\\n]*\\nLoad package ${info.loadPackages[0]!.loadId.replace(".", "\\.")} is LOADED and contains no failed jobs$`,
      ),
    );
  });

  it("infers the schema and keeps it on the pipeline", async () => {
    const calls: Call[] = [];
    const p = pipeline({ pipelineName: "schema", pipelinesDir: tempDir(), destination: recordingSink(calls), progress: "none" });
    await p.run([{ id: 1, at: "2022-01-01T00:00:00Z", nested: { a: 1 } }], { tableName: "Things" });
    const table = p.defaultSchema.tables.Things!;
    expect(table.columns.id!.dataType).toBe("bigint");
    expect(table.columns.at!.dataType).toBe("timestamp");
    // Sinks default to maxTableNesting 0: nested values arrive whole.
    // A canonical UTC timestamp string reaches the sink as it was sent.
    expect(calls[0]!.items[0]).toEqual({ id: 1, at: "2022-01-01T00:00:00Z", nested: { a: 1 } });
  });

  it("loads resources of a source, each to its own table", async () => {
    const calls: Call[] = [];
    const p = pipeline({ pipelineName: "src", pipelinesDir: tempDir(), destination: recordingSink(calls), progress: "none" });
    async function* users() {
      yield { id: 1 };
      yield { id: 2 };
    }
    const s = source([resource(users, { name: "users" }), resource([{ n: "x" }], { name: "tags" })], { name: "demo" });
    await p.run(s);
    expect(calls.map((c) => c.table).sort()).toEqual(["tags", "users"]);
    expect(p.defaultSchema.name).toBe("demo");
  });

  it("extract and normalize work without a destination, with snake_case names", async () => {
    const p = pipeline({ pipelineName: "nodest", pipelinesDir: tempDir(), progress: "none" });
    await p.extract([{ UserName: "a", Tags: ["x"] }], { tableName: "MyItems" });
    const info = await p.normalize();
    expect(info.rowCounts).toEqual({ my_items: 1, my_items__tags: 1, _dlt_pipeline_state: 1 });
    expect(Object.keys(p.defaultSchema.tables.my_items!.columns)).toEqual(["user_name", "_dlt_load_id", "_dlt_id"]);
    const pending = p.listPendingPackages();
    expect(pending.normalized).toHaveLength(1);
    const jobs = readdirSync(path.join(p.workingDir, "load", "normalized", pending.normalized[0]!, "new_jobs"));
    expect(jobs.some((j) => /^my_items\.[a-z0-9]+\.0\.insert_values$/.test(j))).toBe(true);
  });

  it("refuses to load without a destination, saying how to fix it", async () => {
    const p = pipeline({ pipelineName: "nodest2", pipelinesDir: tempDir(), progress: "none" });
    await expect(p.run([1], { tableName: "x" })).rejects.toThrow("has no destination: pass one to pipeline({ destination })");
  });

  it("asks for a table name when the data has none", async () => {
    const p = pipeline({ pipelineName: "noname", pipelinesDir: tempDir(), destination: recordingSink([]), progress: "none" });
    await expect(p.run([1, 2])).rejects.toThrow('pass run(data, { tableName: "items" })');
  });

  it("with a pending package, run(data) loads only it and warns that data was not extracted (as dlt)", async () => {
    const dir = tempDir();
    const first = pipeline({ pipelineName: "pending", pipelinesDir: dir, progress: "none" });
    await first.extract([{ id: 1 }], { tableName: "items" });
    const [pendingId] = first.listPendingPackages().extracted;
    const calls: Call[] = [];
    const warn = jest.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      const p = pipeline({ pipelineName: "pending", pipelinesDir: dir, destination: recordingSink(calls), progress: "none" });
      const info = await p.run([{ id: 2 }], { tableName: "items" });
      expect(calls.flatMap((c) => c.items)).toEqual([{ id: 1 }]);
      expect(info.loadPackages.map((pkg) => pkg.loadId)).toEqual([pendingId]);
      expect(warn).toHaveBeenCalledWith(expect.stringContaining(`pending load packages from an earlier run: ${pendingId}`));
      expect(warn).toHaveBeenCalledWith(expect.stringContaining("the data passed to run() was NOT extracted: run the pipeline again"));
      // The next run extracts the data.
      await p.run([{ id: 2 }], { tableName: "items" });
      expect(calls.flatMap((c) => c.items)).toEqual([{ id: 1 }, { id: 2 }]);
    } finally {
      warn.mockRestore();
    }
  });

  it("saves a trace of the last run without secrets", async () => {
    const p = pipeline({ pipelineName: "trace", pipelinesDir: tempDir(), destination: recordingSink([]), progress: "none" });
    await p.run([{ a: 1 }], { tableName: "t" });
    const file = path.join(p.workingDir, "trace.json");
    expect(existsSync(file)).toBe(true);
    const trace = JSON.parse(readFileSync(file, "utf8"));
    expect(trace.steps.map((s: { step: string }) => s.step)).toEqual(["extract", "normalize", "load"]);
  });
});

describe("normalized job files", () => {
  it("carry variant values in csv files (wide rows are written by their keys)", async () => {
    const p = pipeline({ pipelineName: "variants_csv", pipelinesDir: tempDir(), progress: "none" });
    await p.extract([{ id: 1, n: 5 }, { id: 2, n: "five" }], { tableName: "items", loaderFileFormat: "csv" });
    await p.normalize();
    const [loadId] = p.listPendingPackages().normalized;
    const dir = path.join(p.workingDir, "load", "normalized", loadId!, "new_jobs");
    const files = readdirSync(dir).filter((f) => f.startsWith("items."));
    const text = files.map((f) => readFileSync(path.join(dir, f), "utf8")).join("");
    expect(text).toMatch(/^id,n,_dlt_load_id,_dlt_id,n__v_text\n/m);
    expect(text).toMatch(/^2,,[0-9.]+,[^,]+,five$/m);
  });
});
