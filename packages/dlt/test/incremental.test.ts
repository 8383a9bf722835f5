import { mkdtempSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  destination,
  DestinationTerminalException,
  incremental,
  IncrementalCursorPathMissing,
  IncrementalOptionsException,
  pipeline,
  PipelineStepFailed,
  resource,
  source,
  type BoundIncremental,
  type DataItem,
  type IncrementalOptions,
  type TableSchema,
} from "dlt-ts";

import { duckdb } from "@dlt-ts/destination-duckdb";

/*
 * Incremental loading as dlt's dlt.sources.incremental does it (cases after
 * dlt's tests/extract/test_incremental.py), through the public API into a sink
 * that records what it received per run.
 */

function tempDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), "dlt-ts-incremental-"));
}

/** A pipeline into a recording sink; `received()` gives the rows of the last run. */
function harness(name: string) {
  let batch: DataItem[] = [];
  const sink = destination(
    async (items: DataItem[] | string, table: TableSchema) => {
      if (table.name !== "_dlt_pipeline_state") batch.push(...(items as DataItem[]));
    },
    { name: "recorder", batchSize: 1000 },
  );
  const p = pipeline({ pipelineName: name, pipelinesDir: tempDir(), projectDir: tempDir(), destination: sink, progress: "none" });
  return {
    p,
    async run(data: unknown[], options: IncrementalOptions, hints: Record<string, unknown> = {}): Promise<DataItem[]> {
      batch = [];
      await p.run(resource(data, { name: "items", incremental: incremental(options), ...hints }));
      return batch;
    },
  };
}

const ids = (rows: DataItem[]) => rows.map((r) => r.id);

describe("incremental: the cursor moves forward across runs", () => {
  it("filters rows before the initial value, then loads only newer rows; the state holds the cursor", async () => {
    const h = harness("inc_basic");
    const first = await h.run(
      [
        { id: 1, updated_at: 1 },
        { id: 2, updated_at: 5 },
        { id: 3, updated_at: 7 },
      ],
      { cursorPath: "updated_at", initialValue: 2 },
    );
    expect(ids(first)).toEqual([2, 3]);
    const second = await h.run(
      [
        { id: 2, updated_at: 5 },
        { id: 3, updated_at: 7 },
        { id: 4, updated_at: 9 },
      ],
      { cursorPath: "updated_at", initialValue: 2 },
    );
    expect(ids(second)).toEqual([4]);
    const slot = (h.p.state.sources as Record<string, any>).inc_basic.resources.items.incremental.updated_at;
    expect(slot.initialValue).toBe(2);
    expect(slot.lastValue).toBe(9);
    expect(slot.uniqueHashes).toHaveLength(1);
  });

  it("deduplicates rows at the boundary (same cursor value) by the resource's primary key", async () => {
    const h = harness("inc_dedup");
    const options = { cursorPath: "ts" };
    const hints = { primaryKey: "id" };
    expect(ids(await h.run([{ id: 1, ts: 1 }, { id: 2, ts: 2 }, { id: 3, ts: 2 }], options, hints))).toEqual([1, 2, 3]);
    expect(ids(await h.run([{ id: 3, ts: 2 }, { id: 4, ts: 2 }, { id: 5, ts: 3 }], options, hints))).toEqual([4, 5]);
    // Now the boundary is 3: only row 5 is there.
    expect(ids(await h.run([{ id: 4, ts: 2 }, { id: 5, ts: 3 }, { id: 6, ts: 3 }], options, hints))).toEqual([6]);
  });

  it("without a primary key the whole row is the key; primaryKey [] turns deduplication off", async () => {
    const whole = harness("inc_whole_row");
    await whole.run([{ id: 1, ts: 1, v: "a" }], { cursorPath: "ts" });
    expect(await whole.run([{ id: 1, ts: 1, v: "a" }, { id: 1, ts: 1, v: "b" }], { cursorPath: "ts" })).toEqual([{ id: 1, ts: 1, v: "b" }]);

    const off = harness("inc_no_dedup");
    await off.run([{ id: 1, ts: 1 }], { cursorPath: "ts", primaryKey: [] });
    expect(ids(await off.run([{ id: 1, ts: 1 }, { id: 2, ts: 0 }], { cursorPath: "ts", primaryKey: [] }))).toEqual([1]);
  });

  it('lastValueFunc "min" moves the cursor down', async () => {
    const h = harness("inc_min");
    const options = { cursorPath: "n", lastValueFunc: "min" as const, initialValue: 10 };
    expect(ids(await h.run([{ id: 1, n: 12 }, { id: 2, n: 8 }, { id: 3, n: 5 }], options))).toEqual([2, 3]);
    expect(ids(await h.run([{ id: 3, n: 5 }, { id: 4, n: 4 }, { id: 5, n: 6 }], options))).toEqual([4]);
  });

  it("compares ISO timestamps by instant, across offsets and to the microsecond", async () => {
    const h = harness("inc_iso");
    const options = { cursorPath: "at", initialValue: "2024-05-01T10:00:00.000001Z" };
    const rows = [
      { id: 1, at: "2024-05-01T10:00:00Z" }, // before the initial value by 1 µs
      { id: 2, at: "2024-05-01T12:00:00.000001+02:00" }, // the same instant as the initial value
      { id: 3, at: "2024-05-01 10:00:01" }, // no zone: UTC
    ];
    expect(ids(await h.run(rows, options, { primaryKey: "id" }))).toEqual([2, 3]);
    expect(ids(await h.run([...rows, { id: 4, at: "2024-05-01T10:00:01.5Z" }], options, { primaryKey: "id" }))).toEqual([4]);
  });

  it("orders exact decimal strings (numeric columns) by value, not as text", async () => {
    const h = harness("inc_decimal");
    const options = { cursorPath: "amount", initialValue: "9.5" };
    expect(ids(await h.run([{ id: 1, amount: "9.49" }, { id: 2, amount: "10.00" }, { id: 3, amount: "9.5" }], options, { primaryKey: "id" }))).toEqual([2, 3]);
    expect(ids(await h.run([{ id: 4, amount: "10.001" }, { id: 5, amount: "9.99" }], options, { primaryKey: "id" }))).toEqual([4]);
  });

  it("a function resource gets the bound incremental to ask its source for new rows only", async () => {
    const seen: unknown[] = [];
    const h = harness("inc_fn");
    const data = [1, 2, 3, 4].map((n) => ({ id: n, ts: n }));
    const fetchSince = async function* ({ incremental: since }: { incremental?: BoundIncremental }) {
      seen.push(since!.startValue);
      yield data.filter((row) => row.ts >= ((since!.startValue as number | undefined) ?? 0));
    };
    const run = () => h.p.run(resource(fetchSince, { name: "items", primaryKey: "id", incremental: incremental({ cursorPath: "ts", initialValue: 2 }) }));
    await run();
    data.push({ id: 5, ts: 5 });
    await run();
    expect(seen).toEqual([2, 4]);
  });
});

describe("incremental: ranges", () => {
  it("endValue loads one range [initial, end) and neither reads nor writes the state", async () => {
    const h = harness("inc_end");
    const data = [1, 2, 3, 4, 5].map((n) => ({ id: n, ts: n }));
    expect(ids(await h.run(data, { cursorPath: "ts", initialValue: 4 }))).toEqual([4, 5]);
    expect(ids(await h.run(data, { cursorPath: "ts", initialValue: 1, endValue: 3 }))).toEqual([1, 2]);
    expect(ids(await h.run(data, { cursorPath: "ts", initialValue: 1, endValue: 3, rangeEnd: "closed" }))).toEqual([1, 2, 3]);
    // The stored cursor (5) was left alone by the backfills.
    expect(ids(await h.run([...data, { id: 6, ts: 6 }], { cursorPath: "ts", initialValue: 4 }))).toEqual([6]);
  });

  it('rangeStart "open" excludes rows equal to the start value', async () => {
    const h = harness("inc_open");
    expect(ids(await h.run([{ id: 1, ts: 1 }, { id: 2, ts: 2 }], { cursorPath: "ts", initialValue: 1, rangeStart: "open" }))).toEqual([2]);
    expect(ids(await h.run([{ id: 2, ts: 2 }, { id: 3, ts: 2 }, { id: 4, ts: 3 }], { cursorPath: "ts", rangeStart: "open" }))).toEqual([4]);
  });

  it('rowOrder "asc" stops reading at the first row past endValue; "desc" at the first row before the start', async () => {
    let pulled = 0;
    async function* ascending() {
      for (let ts = 1; ts <= 100; ts++) {
        pulled++;
        yield { id: ts, ts };
      }
    }
    let got: DataItem[] = [];
    const sink = destination(async (items: DataItem[] | string, t: TableSchema) => {
      if (t.name === "items") got.push(...(items as DataItem[]));
    }, { name: "asc_sink", batchSize: 1000 });
    const p = pipeline({ pipelineName: "inc_asc2", pipelinesDir: tempDir(), projectDir: tempDir(), destination: sink, progress: "none" });
    await p.run(resource(ascending, { name: "items", incremental: incremental({ cursorPath: "ts", initialValue: 1, endValue: 10, rowOrder: "asc" }) }));
    expect(ids(got)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(pulled).toBe(10);

    let pulledDesc = 0;
    async function* descending() {
      for (let ts = 100; ts >= 1; ts--) {
        pulledDesc++;
        yield { id: ts, ts };
      }
    }
    got = [];
    await p.run(resource(descending, { name: "items", incremental: incremental({ cursorPath: "ts", initialValue: 95, rowOrder: "desc" }) }));
    expect(ids(got)).toEqual([100, 99, 98, 97, 96, 95]);
    expect(pulledDesc).toBe(7);
  });

  it("lag re-reads a window behind the last value (no deduplication: use merge)", async () => {
    const h = harness("inc_lag");
    const options = { cursorPath: "n", lag: 2 };
    await h.run([{ id: 1, n: 10 }], options);
    expect(ids(await h.run([7, 8, 9, 10, 11].map((n) => ({ id: n, n })), options))).toEqual([8, 9, 10, 11]);
    const slot = (h.p.state.sources as Record<string, any>).inc_lag.resources.items.incremental.n;
    expect(slot.lastValue).toBe(11);
  });

  it("lag on timestamps is in seconds and never reaches back past the initial value", async () => {
    const h = harness("inc_lag_ts");
    const options = { cursorPath: "at", lag: 3600, initialValue: "2024-01-01T00:00:00Z" };
    await h.run([{ id: 1, at: "2024-01-01T00:30:00Z" }], options);
    const rows = [
      { id: 0, at: "2023-12-31T23:59:00Z" },
      { id: 1, at: "2024-01-01T00:30:00Z" },
      { id: 2, at: "2024-01-01T01:00:00Z" },
    ];
    expect(ids(await h.run(rows, options))).toEqual([1, 2]);
  });
});

describe("incremental: missing cursors and bad options", () => {
  it('a row without a cursor value fails by default, naming resource and path; "include" and "exclude" as dlt', async () => {
    const h = harness("inc_missing");
    const error = (await h.run([{ id: 1 }], { cursorPath: "meta.updated_at" }).catch((e: unknown) => e)) as PipelineStepFailed;
    expect(error).toBeInstanceOf(PipelineStepFailed);
    expect(error.cause).toBeInstanceOf(IncrementalCursorPathMissing);
    expect(error.message).toContain('Resource "items": a row has no value at cursor path "meta.updated_at"');
    const rows = [{ id: 1 }, { id: 2, meta: { updated_at: 5 } }, { id: 3, meta: { updated_at: null } }];
    expect(ids(await harness("inc_include").run(rows, { cursorPath: "meta.updated_at", onCursorValueMissing: "include" }))).toEqual([1, 2, 3]);
    expect(ids(await harness("inc_exclude").run(rows, { cursorPath: "meta.updated_at", onCursorValueMissing: "exclude" }))).toEqual([2]);
  });

  it("contradicting options are errors when declared", () => {
    expect(() => incremental({ cursorPath: "ts", endValue: 5 })).toThrow(IncrementalOptionsException);
    expect(() => incremental({ cursorPath: "ts", initialValue: 9, endValue: 5 })).toThrow("lies beyond endValue");
    expect(() => incremental({ cursorPath: "ts", rowOrder: "up" as never })).toThrow('rowOrder must be "asc" or "desc"');
    expect(() => incremental({ cursorPath: "ts", initial_value: 1 } as never)).toThrow('did you mean "initialValue"?');
  });
});

describe("incremental: the state is kept only with a package", () => {
  it("a failed extract leaves the cursor where it was", async () => {
    const h = harness("inc_fail");
    await h.run([{ id: 1, ts: 1 }], { cursorPath: "ts" });
    async function* breaks() {
      yield { id: 2, ts: 2 };
      throw new Error("API down");
    }
    await expect(h.p.run(resource(breaks, { name: "items", incremental: incremental({ cursorPath: "ts" }) }))).rejects.toBeInstanceOf(PipelineStepFailed);
    expect(ids(await h.run([{ id: 2, ts: 2 }], { cursorPath: "ts" }))).toEqual([2]);
  });

  it("an aborted package takes its cursor back: the next run extracts its rows again", async () => {
    let reject = true;
    const delivered: number[] = [];
    const sink = destination(
      async (items: DataItem[] | string, t: TableSchema) => {
        if (t.name !== "items") return;
        if (reject) throw new DestinationTerminalException("rejected");
        delivered.push(...(items as DataItem[]).map((i) => i.id as number));
      },
      { name: "rejecting" },
    );
    const p = pipeline({ pipelineName: "inc_abort", pipelinesDir: tempDir(), projectDir: tempDir(), destination: sink, progress: "none" });
    const data = () => resource([{ id: 1, ts: 1 }, { id: 2, ts: 2 }], { name: "items", incremental: incremental({ cursorPath: "ts" }) });
    await expect(p.run(data())).rejects.toBeInstanceOf(PipelineStepFailed);
    reject = false;
    await p.run(data());
    expect(delivered).toEqual([1, 2]);
  });

  it("is restored from a SQL destination on a fresh working dir (DuckDB)", async () => {
    const database = path.join(tempDir(), "inc.duckdb");
    const events = (n: number) => Array.from({ length: n }, (_, i) => ({ id: i + 1, ts: i + 1 }));
    const load = async (rows: DataItem[]) => {
      const p = pipeline({ pipelineName: "inc_restore", pipelinesDir: tempDir(), projectDir: tempDir(), destination: duckdb({ credentials: database }), progress: "none" });
      await p.run(resource(rows, { name: "events", primaryKey: "id", incremental: incremental({ cursorPath: "ts" }) }));
      return p;
    };
    await load(events(3));
    const fresh = await load(events(5));
    const count = await fresh.sqlClient().query<{ n: number | bigint }>("select count(*) as n from events");
    expect(Number(count[0]!.n)).toBe(5);
    const loads = await fresh.sqlClient().query<{ n: number | bigint }>("select count(*) as n from events where id <= 3");
    expect(Number(loads[0]!.n)).toBe(3);
  });

  it("is kept per source and resource", async () => {
    const h = harness("inc_sources");
    const make = (name: string) => resource([{ id: 1, ts: 3 }], { name, incremental: incremental({ cursorPath: "ts" }) });
    await h.p.run(source([make("a"), make("b")], { name: "shop" }));
    const shop = (h.p.state.sources as Record<string, any>).shop.resources;
    expect([shop.a.incremental.ts.lastValue, shop.b.incremental.ts.lastValue]).toEqual([3, 3]);
  });
});
