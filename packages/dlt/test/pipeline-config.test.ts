import "reflect-metadata";
import { mkdtempSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { inject as injectParameter } from "tsyringe";

import { duckdb } from "@dlt-ts/destination-duckdb";
import { postgres } from "@dlt-ts/destination-postgres";
import {
  ConfigFieldMissingException,
  destination,
  inject,
  pipeline,
  PIPELINE_CONTEXT,
  resource,
  secret,
  UnknownOptionException,
  type DataItem,
  type PipelineContext,
  type TableSchema,
} from "dlt-ts";

/*
 * The one resolver, run up front: settings are config, resolved before any
 * data is read, on every run; the destination class is built once per run,
 * through the pipeline's container.
 */

function tempDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), "dlt-ts-config-"));
}

const ENV_KEYS = [
  "DESTINATION__UP_FRONT__API_KEY",
  "DESTINATION__BATCHED__BATCH_SIZE",
  "DESTINATION__DEFAULTED__BATCH_SIZE",
  "DESTINATION__GIVEN__BATCH_SIZE",
  "DATA_WRITER__FILE_MAX_ITEMS",
  "NORMALIZE__DATA_WRITER__FILE_MAX_ITEMS",
  "DESTINATION__ONCE__API_KEY",
];
afterEach(() => {
  for (const key of ENV_KEYS) delete process.env[key];
});

/** A pipeline in its own dirs (no `.dlt/` of the repo is read). */
function newPipeline(name: string, dest: unknown, more: Record<string, unknown> = {}) {
  return pipeline({ pipelineName: name, pipelinesDir: tempDir(), projectDir: tempDir(), destination: dest as never, progress: "none", ...more });
}

describe("config is resolved before any data is read, on every run", () => {
  const delivered: DataItem[][] = [];

  @destination({ name: "up_front" })
  class UpFront {
    @secret() apiKey!: string;
    async write(items: DataItem[] | string) {
      delivered.push(items as DataItem[]);
    }
  }

  it("a missing secret on a second run fails before the generator yields", async () => {
    const p = newPipeline("up_front", UpFront);
    process.env.DESTINATION__UP_FRONT__API_KEY = "k1";
    await p.run([{ id: 1 }], { tableName: "items" });
    expect(delivered.flat()).toEqual([{ id: 1 }]);

    delete process.env.DESTINATION__UP_FRONT__API_KEY;
    let started = false;
    async function* items() {
      started = true;
      yield { id: 2 };
    }
    await expect(p.run(resource(items, { name: "items" }))).rejects.toBeInstanceOf(ConfigFieldMissingException);
    await expect(p.extract(resource(items, { name: "items" }))).rejects.toThrow('at key "destination.up_front.api_key"');
    expect(started).toBe(false);
    expect(p.listPendingPackages()).toEqual({ extracted: [], normalized: [] });
  });

  it("constructs the destination class once per run, also on a fresh working dir", async () => {
    let constructed = 0;
    @destination({ name: "once" })
    class Once {
      @secret() apiKey!: string;
      constructor() {
        constructed++;
      }
      async write() {}
    }
    process.env.DESTINATION__ONCE__API_KEY = "k";
    const p = newPipeline("once", Once);
    await p.run([{ id: 1 }], { tableName: "items" });
    expect(constructed).toBe(1);
    await p.run([{ id: 2 }], { tableName: "items" });
    expect(constructed).toBe(2);
  });
});

describe("sink options are config under destination.<name>", () => {
  function counting(name: string, options: Record<string, unknown>) {
    const calls: number[] = [];
    const sink = destination(
      async (items: DataItem[] | string) => {
        calls.push((items as DataItem[]).length);
      },
      { name, ...options },
    );
    return { calls, sink };
  }
  const fiveItems = [1, 2, 3, 4, 5].map((id) => ({ id }));

  it("DESTINATION__<NAME>__BATCH_SIZE sets the batch size the code leaves open", async () => {
    process.env.DESTINATION__BATCHED__BATCH_SIZE = "2";
    const { calls, sink } = counting("batched", {});
    await newPipeline("batched", sink).run(fiveItems, { tableName: "items" });
    expect(calls).toEqual([2, 2, 1]);
  });

  it("a value given in code wins, unless it is the default (as dlt)", async () => {
    process.env.DESTINATION__DEFAULTED__BATCH_SIZE = "1";
    process.env.DESTINATION__GIVEN__BATCH_SIZE = "1";
    const defaulted = counting("defaulted", { batchSize: 10 });
    const given = counting("given", { batchSize: 4 });
    await newPipeline("defaulted", defaulted.sink).run(fiveItems, { tableName: "items" });
    await newPipeline("given", given.sink).run(fiveItems, { tableName: "items" });
    expect(defaulted.calls).toEqual([1, 1, 1, 1, 1]);
    expect(given.calls).toEqual([4, 1]);
  });
});

describe("dlt's runtime sections", () => {
  it("DATA_WRITER__FILE_MAX_ITEMS rotates job files", async () => {
    process.env.DATA_WRITER__FILE_MAX_ITEMS = "10";
    const files: string[] = [];
    const sink = destination(
      async (items: DataItem[] | string, table: TableSchema) => {
        if (table.name === "items") files.push(items as string);
      },
      { name: "files", batchSize: 0 },
    );
    const info = await newPipeline("rotate", sink).run(
      Array.from({ length: 25 }, (_, id) => ({ id })),
      { tableName: "items" },
    );
    expect(files).toHaveLength(3);
    expect(info.loadPackages[0]!.jobs.filter((j) => j.table === "items")).toHaveLength(3);
  });

  it("normalize.data_writer wins over data_writer", async () => {
    process.env.DATA_WRITER__FILE_MAX_ITEMS = "10";
    process.env.NORMALIZE__DATA_WRITER__FILE_MAX_ITEMS = "20";
    const files: string[] = [];
    const sink = destination(
      async (items: DataItem[] | string, table: TableSchema) => {
        if (table.name === "items") files.push(items as string);
      },
      { name: "files2", batchSize: 0 },
    );
    await newPipeline("rotate2", sink).run(
      Array.from({ length: 25 }, (_, id) => ({ id })),
      { tableName: "items" },
    );
    expect(files).toHaveLength(2);
  });
});

describe("a misspelled option is an error naming the closest valid one", () => {
  const expectUnknown = (fn: () => unknown, text: string) => {
    expect(fn).toThrow(UnknownOptionException);
    expect(fn).toThrow(text);
  };

  it("in pipeline(), run(), resource() and destination factories", async () => {
    expectUnknown(() => pipeline({ pipelinename: "x" } as never), 'Unknown option "pipelinename" in pipeline(options): did you mean "pipelineName"?');
    expectUnknown(() => resource([], { primary_key: "id" } as never), 'Unknown option "primary_key" in resource(data, options): did you mean "primaryKey"?');
    expectUnknown(() => postgres({ credintials: "postgresql://x" } as never), 'Unknown option "credintials" in postgres(options): did you mean "credentials"?');
    expectUnknown(() => duckdb({ create_indexes: true } as never), 'did you mean "createIndexes"?');
    expectUnknown(() => destination(async () => undefined, { batch_size: 0 } as never), 'did you mean "batchSize"?');
    const p = newPipeline("typo", destination(async () => undefined, { name: "typo" }));
    await expect(p.run([1], { tablename: "x" } as never)).rejects.toThrow('Unknown option "tablename" in run(data, options): did you mean "tableName"?');
  });

  it("in @destination()", () => {
    expectUnknown(() => {
      @destination({ batch_size: 0 } as never)
      class Typo {
        async write() {}
      }
      return Typo;
    }, 'Unknown option "batch_size" in @destination() of Typo: did you mean "batchSize"?');
  });
});

describe("services reach a destination class through the pipeline's container", () => {
  class Pool {
    readonly queries: string[] = [];
    query(sql: string) {
      this.queries.push(sql);
    }
  }
  const POOL = Symbol("pool");

  it("by constructor @inject (legacy decorators)", async () => {
    @destination({ name: "by_constructor" })
    class ByConstructor {
      constructor(@injectParameter(POOL) readonly pool: Pool) {}
      async write(items: DataItem[] | string, table: TableSchema) {
        this.pool.query(`insert into ${table.name} (${(items as DataItem[]).length} rows)`);
      }
    }
    const pool = new Pool();
    await newPipeline("ctor", ByConstructor, { register: (c: { registerInstance: (t: unknown, v: unknown) => void }) => c.registerInstance(POOL, pool) }).run(
      [{ id: 1 }, { id: 2 }],
      { tableName: "items" },
    );
    expect(pool.queries).toEqual(["insert into items (2 rows)"]);
  });

  it("by a field initializer inject(Token), with the pipeline context", async () => {
    @destination({ name: "by_field" })
    class ByField {
      pool = inject(Pool);
      context = inject<PipelineContext>(PIPELINE_CONTEXT);
      async write(items: DataItem[] | string) {
        this.pool.query(`${this.context.pipelineName}: ${(items as DataItem[]).length}`);
      }
    }
    const pool = new Pool();
    await newPipeline("field", ByField, { register: (c: { registerInstance: (t: unknown, v: unknown) => void }) => c.registerInstance(Pool, pool) }).run(
      [{ id: 1 }],
      { tableName: "items" },
    );
    expect(pool.queries).toEqual(["field: 1"]);
  });

  it("inject() outside of a construction by dlt-ts says where it works", () => {
    expect(() => inject(Pool)).toThrow("inject(Pool) was called outside of a construction by dlt-ts");
  });
});
