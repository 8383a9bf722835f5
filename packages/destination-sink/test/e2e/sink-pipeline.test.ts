/*
 * Sinks end to end: extract → normalize → load through pipeline() from
 * "dlt-ts", with each option, injection path, reference form, retry and
 * parallelism strategy.
 */
import "reflect-metadata";
import { promises as fs } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  DestinationTerminalException,
  config,
  destination,
  destinationFrom,
  pipeline,
  resource,
  secret,
  source,
  DestinationBase,
  type DataItem,
  type TableSchema,
} from "dlt-ts";

interface Call {
  table: string;
  items: DataItem[] | string;
  columns: string[];
}

let dir: string;
let projectDir: string;
const envKeys: string[] = [];
const calls: Call[] = [];

function setEnv(key: string, value: string): void {
  envKeys.push(key);
  process.env[key] = value;
}

beforeEach(async () => {
  calls.length = 0;
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "dlt-ts-sink-e2e-"));
  projectDir = path.join(dir, "project");
  await fs.mkdir(path.join(projectDir, ".dlt"), { recursive: true });
  setEnv("DLT_GLOBAL_DIR", path.join(dir, "global"));
  setEnv("LOAD__RETRY_BACKOFF_MS", "1");
});

afterEach(async () => {
  for (const key of envKeys.splice(0)) delete process.env[key];
  await fs.rm(dir, { recursive: true, force: true });
});

function record(items: DataItem[] | string, table: TableSchema): void {
  calls.push({ table: table.name, items, columns: Object.keys(table.columns) });
}

function p(name: string, dest: object) {
  return pipeline({ pipelineName: name, pipelinesDir: path.join(dir, "pipelines"), destination: dest, progress: "none", projectDir });
}

const itemsOf = (table: string): DataItem[] => calls.filter((c) => c.table === table).flatMap((c) => c.items as DataItem[]);

@destination({ batchSize: 10, name: "my_destination" })
class MyDestination extends DestinationBase {
  @secret() apiKey!: string;
  @config() baseUrl = "https://api.example.com";
  static seen: { apiKey: string; baseUrl: string }[] = [];

  async write(items: DataItem[] | string, table: TableSchema): Promise<void> {
    MyDestination.seen.push({ apiKey: this.apiKey, baseUrl: this.baseUrl });
    record(items, table);
  }
}

describe("sinks through pipeline()", () => {
  beforeEach(() => {
    MyDestination.seen.length = 0;
  });

  it("the seed example: run([1, 2, 3], { tableName: 'items' }) makes one write() with [{value:1},{value:2},{value:3}]", async () => {
    await fs.writeFile(path.join(projectDir, ".dlt", "secrets.toml"), '[destination.my_destination]\napi_key = "toml-key"\n');
    const info = await p("custom_destination_pipeline", MyDestination).run([1, 2, 3], { tableName: "items" });
    expect(calls).toEqual([{ table: "items", items: [{ value: 1 }, { value: 2 }, { value: 3 }], columns: ["value"] }]);
    expect(MyDestination.seen).toEqual([{ apiKey: "toml-key", baseUrl: "https://api.example.com" }]);
    expect(info.hasFailedJobs).toBe(false);
    expect(info.toString()).toContain("sink://my_destination");
    expect(info.toString()).not.toContain("toml-key");
  });

  it("an instance with explicit values wins over secrets.toml", async () => {
    await fs.writeFile(path.join(projectDir, ".dlt", "secrets.toml"), '[destination.my_destination]\napi_key = "toml-key"\n');
    await p("explicit", new MyDestination({ apiKey: "explicit-key", baseUrl: "http://x" })).run([{ a: 1 }], { tableName: "t" });
    expect(MyDestination.seen).toEqual([{ apiKey: "explicit-key", baseUrl: "http://x" }]);
  });

  it("a missing secret fails run() before anything is extracted", async () => {
    const pipe = p("missing", MyDestination);
    await expect(pipe.run([{ a: 1 }], { tableName: "t" })).rejects.toThrow(/DESTINATION__MY_DESTINATION__API_KEY/);
    expect(calls).toEqual([]);
    expect(pipe.listPendingPackages()).toEqual({ extracted: [], normalized: [] });
  });

  it("injects write() parameters from env", async () => {
    @destination({ name: "param_sink" })
    class ParamSink {
      async write(items: DataItem[] | string, table: TableSchema, @secret("api_key") apiKey: string): Promise<void> {
        record(items, { ...table, name: `${table.name}:${apiKey}` });
      }
    }
    setEnv("DESTINATION__PARAM_SINK__API_KEY", "k-param");
    await p("params", ParamSink).run([{ a: 1 }], { tableName: "t" });
    expect(calls.map((c) => c.table)).toEqual(["t:k-param"]);
  });

  it("nested data arrives whole (maxTableNesting 0), names as given (direct naming), no _dlt_* columns or tables", async () => {
    const sink = destination(record, { name: "rec" });
    const event = { id: 7, "Actor Name": "octo", payload: { commits: [{ sha: "a" }, { sha: "b" }] }, tags: ["x", "y"] };
    await p("nested", sink).run([event], { tableName: "GitHubEvents" });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.table).toBe("GitHubEvents");
    expect(calls[0]!.items).toEqual([event]);
    expect(calls[0]!.columns.some((c) => c.startsWith("_dlt"))).toBe(false);
  });

  it("skipDltColumnsAndTables: false delivers _dlt_* columns and the _dlt_pipeline_state table", async () => {
    const sink = destination(record, { name: "rec", skipDltColumnsAndTables: false });
    await p("with_dlt", sink).run([{ id: 1 }], { tableName: "t" });
    expect(calls.map((c) => c.table).sort()).toEqual(["_dlt_pipeline_state", "t"]);
    const row = itemsOf("t")[0]!;
    expect(Object.keys(row).sort()).toEqual(["_dlt_id", "_dlt_load_id", "id"]);
  });

  it("maxTableNesting 1 and snake_case naming give nested tables to write() as their own batches", async () => {
    const sink = destination(record, { name: "rec", maxTableNesting: 1, namingConvention: "snake_case" });
    await p("nesting", sink).run([{ Id: 1, Tags: ["a", "b"] }], { tableName: "MyItems" });
    expect(itemsOf("my_items")).toEqual([{ id: 1 }]);
    expect(itemsOf("my_items__tags").map((r) => r["value"])).toEqual(["a", "b"]);
  });

  it("batchSize 0 hands write() the job file path", async () => {
    const sink = destination(record, { name: "rec", batchSize: 0 });
    await p("paths", sink).run([{ id: 1 }, { id: 2 }], { tableName: "t" });
    expect(calls).toHaveLength(1);
    const file = calls[0]!.items as string;
    expect(file).toMatch(/t\.[^.]+\.0\.jsonl$/);
  });

  it("batchSize splits a table's items into batches", async () => {
    const sink = destination(record, { name: "rec", batchSize: 4 });
    await p("batches", sink).run(
      Array.from({ length: 10 }, (_, i) => ({ i })),
      { tableName: "t" },
    );
    expect(calls.map((c) => (c.items as DataItem[]).length)).toEqual([4, 4, 2]);
  });

  it('loaderFileFormat "parquet": rows read back from parquet files', async () => {
    const sink = destination(record, { name: "rec", loaderFileFormat: "parquet" });
    await p("parquet", sink).run([{ id: 1, name: "a", score: 0.5, at: "2024-01-02T03:04:05Z", nested: { a: [1, 2] } }], {
      tableName: "t",
    });
    expect(calls).toHaveLength(1);
    const row = (calls[0]!.items as DataItem[])[0]!;
    expect(row).toEqual({ id: 1, name: "a", score: 0.5, at: "2024-01-02T03:04:05Z", nested: { a: [1, 2] } });
  });

  describe("references", () => {
    const fixture = path.join(__dirname, "..", "fixtures", "reference-sinks");

    it('destinationFrom with "module#export"', async () => {
      const received = (await import("../fixtures/reference-sinks.js")).received;
      received.length = 0;
      await p("from_module", destinationFrom("from_module", { destinationCallable: `${fixture}#plainFunction` })).run([{ a: 1 }], {
        tableName: "t",
      });
      expect(received).toEqual(["plainFunction:t:1"]);
    });

    it("destinationFrom with the callable in env DESTINATION__<NAME>__DESTINATION_CALLABLE", async () => {
      const received = (await import("../fixtures/reference-sinks.js")).received;
      received.length = 0;
      setEnv("DESTINATION__VIA_ENV__DESTINATION_CALLABLE", `${fixture}#UndecoratedClass`);
      await p("via_env", destinationFrom("via_env")).run([{ a: 1 }], { tableName: "t" });
      expect(received).toEqual(["UndecoratedClass:t:1"]);
    });

    it("an unresolvable reference fails run() early", async () => {
      const pipe = p("bad_ref", destinationFrom("bad_ref", { destinationCallable: "./nowhere#x" }));
      await expect(pipe.run([{ a: 1 }], { tableName: "t" })).rejects.toThrow(/Cannot resolve the callable of sink destination "bad_ref"/);
      expect(pipe.listPendingPackages().extracted).toEqual([]);
    });
  });

  describe("retries and failures", () => {
    it("a thrown error is retried and the run succeeds; no item is sent twice", async () => {
      let failures = 0;
      const sink = destination(
        async (items: DataItem[] | string, table: TableSchema) => {
          if ((items as DataItem[]).some((i) => i["i"] === 5) && failures++ < 2) throw new Error("503");
          record(items, table);
        },
        { name: "flaky", batchSize: 3 },
      );
      const info = await p("retry", sink).run(
        Array.from({ length: 10 }, (_, i) => ({ i })),
        { tableName: "t" },
      );
      expect(itemsOf("t").map((r) => r["i"])).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expect(info.loadPackages[0]!.jobs.find((j) => j.table === "t")!.retries).toBe(2);
    });

    it("out of load.raise_on_max_retries tries run() rejects; the next run() resumes and sends each item once", async () => {
      setEnv("LOAD__RAISE_ON_MAX_RETRIES", "2");
      let down = true;
      let attempts = 0;
      const sink = destination(
        async (items: DataItem[] | string, table: TableSchema) => {
          if ((items as DataItem[])[0]!["i"] === 4) {
            attempts += 1;
            if (down) throw new Error("down");
          }
          record(items, table);
        },
        { name: "down", batchSize: 2 },
      );
      const pipe = p("max_retries", sink);
      await expect(pipe.run(Array.from({ length: 7 }, (_, i) => ({ i })), { tableName: "t" })).rejects.toThrow(
        /failed 2 times in this run, the last time with:\n  Error: down/,
      );
      expect(attempts).toBe(2);
      expect(itemsOf("t").map((r) => r["i"])).toEqual([0, 1, 2, 3]);
      expect(pipe.listPendingPackages().normalized).toHaveLength(1);

      down = false;
      const warn = jest.spyOn(console, "warn").mockImplementation(() => undefined);
      try {
        const info = await p("max_retries", sink).run();
        expect(info.hasFailedJobs).toBe(false);
      } finally {
        warn.mockRestore();
      }
      expect(itemsOf("t").map((r) => r["i"])).toEqual([0, 1, 2, 3, 4, 5, 6]);
    });

    it("a DestinationTerminalException fails the job at once", async () => {
      class BadRequest extends DestinationTerminalException {}
      let attempts = 0;
      const sink = destination(
        async () => {
          attempts += 1;
          throw new BadRequest("400");
        },
        { name: "terminal" },
      );
      await expect(p("terminal", sink).run([{ a: 1 }], { tableName: "t" })).rejects.toThrow(/BadRequest: 400/);
      expect(attempts).toBe(1);
    });

    it("with load.raise_on_failed_jobs=false run() resolves and reports the failed job", async () => {
      setEnv("LOAD__RAISE_ON_FAILED_JOBS", "false");
      const sink = destination(
        async (items: DataItem[] | string, table: TableSchema) => {
          if (table.name === "bad") throw new DestinationTerminalException("rejected");
          record(items, table);
        },
        { name: "partial" },
      );
      const s = source([resource([{ a: 1 }], { name: "good" }), resource([{ b: 1 }], { name: "bad" })], { name: "src" });
      const info = await p("no_raise", sink).run(s);
      expect(info.hasFailedJobs).toBe(true);
      expect(info.failedJobs.map((j) => j.table)).toEqual(["bad"]);
      expect(itemsOf("good")).toEqual([{ a: 1 }]);
      expect(info.loadPackages[0]!.status).toBe("loaded");
    });
  });

  describe("parallelism", () => {
    function tracker(options: Record<string, unknown>) {
      let inFlight = 0;
      const state = { max: 0, tables: [] as string[], overlaps: [] as string[][], order: [] as string[] };
      const sink = destination(
        async (items: DataItem[] | string, table: TableSchema) => {
          inFlight += 1;
          state.max = Math.max(state.max, inFlight);
          state.tables.push(table.name);
          state.overlaps.push([...state.tables]);
          state.order.push(table.name);
          await new Promise((r) => setTimeout(r, 5));
          state.tables.splice(state.tables.indexOf(table.name), 1);
          inFlight -= 1;
        },
        { name: "tracker", batchSize: 1, ...options },
      );
      return { sink, state };
    }
    const data = () =>
      source(
        ["a", "b", "c", "d"].map((name) => resource(Array.from({ length: 3 }, (_, i) => ({ i })), { name })),
        { name: "par" },
      );

    it("parallel with maxParallelLoadJobs 2: at most two write() calls at once", async () => {
      const { sink, state } = tracker({ maxParallelLoadJobs: 2 });
      await p("par2", sink).run(data());
      expect(state.max).toBe(2);
    });

    it("table-sequential: never two write() calls for one table at once", async () => {
      const { sink, state } = tracker({ loaderParallelismStrategy: "table-sequential" });
      await p("tseq", sink).run(data());
      expect(state.max).toBeGreaterThan(1);
      for (const tables of state.overlaps) expect(new Set(tables).size).toBe(tables.length);
    });

    it("sequential: one write() at a time, each table's batches together", async () => {
      const { sink, state } = tracker({ loaderParallelismStrategy: "sequential" });
      await p("seq", sink).run(data());
      expect(state.max).toBe(1);
      expect(state.order).toEqual(["a", "a", "a", "b", "b", "b", "c", "c", "c", "d", "d", "d"]);
    });
  });
});
