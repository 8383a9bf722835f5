import "reflect-metadata";
import { DestinationTerminalException, type TableSchema } from "@dlt-ts/core";
import { LoadClientJobFailed, LoadClientJobRetry } from "@dlt-ts/loader";
import { destination, type SinkItem } from "@dlt-ts/destination-sink";
import { delay } from "../../loader/test/support/fake-destination.js";
import { rows, schemaWith, table } from "../../loader/test/support/load-packages.js";
import { SinkWorld, type WriteCall } from "./sink-run.js";

describe("sink delivery", () => {
  const world = new SinkWorld();
  beforeEach(() => world.setUp());
  afterEach(() => world.tearDown());

  const schema = schemaWith("s", [
    table("items", ["id"]),
    table("other", ["id"]),
    {
      name: "events",
      writeDisposition: "merge",
      columns: {
        id: { name: "id", dataType: "bigint", nullable: false, primaryKey: true },
        payload: { name: "payload", dataType: "json", nullable: true },
        _dlt_id: { name: "_dlt_id", dataType: "text", nullable: false, rowKey: true },
        _dlt_load_id: { name: "_dlt_load_id", dataType: "text", nullable: false },
      },
    },
    table("_dlt_pipeline_state", ["version"]),
  ]);

  function recorder(options: Parameters<typeof destination>[1] = {}, behaviour?: (call: WriteCall, n: number) => Promise<void>) {
    const calls: WriteCall[] = [];
    const sink = destination(
      async (items: SinkItem[] | string, t: TableSchema) => {
        const call = { items, table: t };
        calls.push(call);
        await behaviour?.(call, calls.length);
      },
      { name: "recorder", ...options },
    );
    return { sink, calls };
  }

  const ids = (calls: WriteCall[]): unknown[] => calls.flatMap((c) => (c.items as SinkItem[]).map((i) => i["id"]));

  it("hands write() batches of batchSize items, the last one shorter", async () => {
    const { sink, calls } = recorder({ batchSize: 10 });
    await world.load(sink, schema, { "items.a.0.jsonl": rows(25) });
    expect(calls.map((c) => (c.items as SinkItem[]).length)).toEqual([10, 10, 5]);
    expect(calls.every((c) => c.table.name === "items")).toBe(true);
    expect(ids(calls)).toEqual(rows(25).map((r) => r["id"]));
  });

  it("defaults to batches of 10", async () => {
    const { sink, calls } = recorder();
    await world.load(sink, schema, { "items.a.0.jsonl": rows(11) });
    expect(calls.map((c) => (c.items as SinkItem[]).length)).toEqual([10, 1]);
  });

  it("never lets a batch span two jobs or two tables", async () => {
    const { sink, calls } = recorder({ batchSize: 10, loaderParallelismStrategy: "sequential" });
    await world.load(sink, schema, {
      "items.a.0.jsonl": rows(4),
      "items.b.0.jsonl": rows(3, 100),
      "other.c.0.jsonl": rows(2, 200),
    });
    expect(calls.map((c) => [c.table.name, (c.items as SinkItem[]).length])).toEqual([
      ["items", 4],
      ["items", 3],
      ["other", 2],
    ]);
  });

  it("delivers jsonl items as plain objects with nested values intact", async () => {
    const { sink, calls } = recorder();
    const item = { id: 1, payload: { commits: [{ sha: "abc", files: ["a.ts"] }], size: 2 } };
    await world.load(sink, schema, { "events.a.0.jsonl": [item] });
    expect(calls[0]!.items).toEqual([item]);
    expect(calls[0]!.table).toMatchObject({ name: "events", writeDisposition: "merge" });
    expect(calls[0]!.table.columns["id"]).toEqual({ name: "id", dataType: "bigint", nullable: false, primaryKey: true });
  });

  it("with batchSize 0 calls write() once per job with the file's path", async () => {
    const { sink, calls } = recorder({ batchSize: 0, loaderParallelismStrategy: "sequential" });
    await world.load(sink, schema, { "items.a.0.jsonl": rows(3), "items.b.0.jsonl": rows(2) });
    expect(calls).toHaveLength(2);
    const paths = calls.map((c) => c.items as string);
    expect(paths[0]).toMatch(/started_jobs[/\\]items\.a\.0\.jsonl$/);
    expect(paths[1]).toMatch(/items\.b\.0\.jsonl$/);
  });

  it("skips _dlt_* tables and strips _dlt_* columns from items and table schemas by default", async () => {
    const { sink, calls } = recorder();
    await world.load(sink, schema, {
      "events.a.0.jsonl": [{ id: 1, _dlt_id: "x", _dlt_load_id: "1" }],
      "_dlt_pipeline_state.b.0.jsonl": [{ version: 1 }],
    });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.items).toEqual([{ id: 1 }]);
    expect(Object.keys(calls[0]!.table.columns)).toEqual(["id", "payload"]);
  });

  it("delivers _dlt_* tables and columns with skipDltColumnsAndTables: false", async () => {
    const { sink, calls } = recorder({ skipDltColumnsAndTables: false, loaderParallelismStrategy: "sequential" });
    await world.load(sink, schema, {
      "events.a.0.jsonl": [{ id: 1, _dlt_id: "x", _dlt_load_id: "1" }],
      "_dlt_pipeline_state.b.0.jsonl": [{ version: 1 }],
    });
    expect(calls.map((c) => c.table.name).sort()).toEqual(["_dlt_pipeline_state", "events"]);
    const events = calls.find((c) => c.table.name === "events")!;
    expect(events.items).toEqual([{ id: 1, _dlt_id: "x", _dlt_load_id: "1" }]);
    expect(Object.keys(events.table.columns)).toContain("_dlt_id");
  });

  it("reads gzipped jsonl and ignores empty lines", async () => {
    const { gzipSync } = await import("node:zlib");
    const { sink, calls } = recorder();
    await world.load(sink, schema, { "items.a.0.jsonl": gzipSync('{"id":1}\n\n{"id":2}\r\n') });
    expect(calls[0]!.items).toEqual([{ id: 1 }, { id: 2 }]);
  });

  describe("progress and retries", () => {
    it("commits items delivered after every batch", async () => {
      const seen: number[] = [];
      const { sink } = recorder({ batchSize: 3 }, async () => {
        const progress = await world.storages.normalized.readJobProgress("1700000000.000001", "items.a.0.jsonl");
        seen.push(progress.itemsDelivered);
      });
      await world.load(sink, schema, { "items.a.0.jsonl": rows(7) });
      expect(seen).toEqual([0, 3, 6]);
    });

    it("starts at the first undelivered item when progress says part of the job was delivered", async () => {
      const { sink, calls } = recorder({ batchSize: 3 });
      const loadId = "1700000000.000001";
      const { writePackage } = await import("../../loader/test/support/load-packages.js");
      await writePackage(world.storages.normalized, loadId, schema, { "items.a.0.jsonl": rows(8) });
      await world.storages.normalized.startJob(loadId, "items.a.0.jsonl");
      await world.storages.normalized.writeJobProgress(loadId, "items.a.0.jsonl", { itemsDelivered: 4 });
      await world.loadPending(sink);
      expect(calls.map((c) => (c.items as SinkItem[]).map((i) => i["id"]))).toEqual([
        [4, 5, 6],
        [7],
      ]);
    });

    it.each([3, 4, 7])("retries a failed batch and delivers every item exactly once (batchSize %i, 20 lines)", async (batchSize) => {
      const delivered: unknown[] = [];
      let failures = 0;
      const sink = destination(
        async (items: SinkItem[] | string) => {
          const batch = items as SinkItem[];
          if (batch.some((i) => i["id"] === 9) && failures < 2) {
            failures += 1;
            throw new Error("HTTP 503");
          }
          delivered.push(...batch.map((i) => i["id"]));
        },
        { batchSize },
      );
      const [result] = await world.load(sink, schema, { "items.a.0.jsonl": rows(20) });
      expect(delivered).toEqual(rows(20).map((r) => r["id"]));
      expect(result!.jobs[0]).toMatchObject({ state: "completed", retries: 2, fileName: "items.a.2.jsonl" });
    });

    it("out of tries the package stays pending; the next run resumes at the first undelivered batch", async () => {
      const delivered: unknown[] = [];
      let down = true;
      let attempts = 0;
      const sink = destination(
        async (items: SinkItem[] | string) => {
          const batch = items as SinkItem[];
          if (batch[0]!["id"] === 6) {
            attempts += 1;
            if (down) throw new Error("still down");
          }
          delivered.push(...batch.map((i) => i["id"]));
        },
        { batchSize: 3 },
      );
      const error = await world.load(sink, schema, { "items.a.0.jsonl": rows(10) }, { raiseOnMaxRetries: 3 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LoadClientJobRetry);
      expect((error as LoadClientJobRetry).failureMessage).toBe("Error: still down");
      expect(attempts).toBe(3);
      expect(delivered).toEqual([0, 1, 2, 3, 4, 5]);
      down = false;
      await world.loadPending(sink, { raiseOnMaxRetries: 3 });
      expect(delivered).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    });

    it("fails the job at once on a DestinationTerminalException", async () => {
      class Rejected extends DestinationTerminalException {}
      let attempts = 0;
      const sink = destination(async () => {
        attempts += 1;
        throw new Rejected("400 invalid payload");
      });
      const error = (await world.load(sink, schema, { "items.a.0.jsonl": rows(3) }).catch((e: unknown) => e)) as LoadClientJobFailed;
      expect(attempts).toBe(1);
      expect(error.failureMessage).toBe("Rejected: 400 invalid payload");
      expect(error.results[0]!.jobs[0]).toMatchObject({ state: "failed", failureMessage: "Rejected: 400 invalid payload" });
    });
  });

  describe("concurrency", () => {
    const jobs = Object.fromEntries(
      Array.from({ length: 9 }, (_, i) => [`${i % 3 === 0 ? "other" : "items"}.f${i}.0.jsonl`, rows(2, i * 10)]),
    );

    function tracking(options: Parameters<typeof destination>[1]) {
      let inFlight = 0;
      let max = 0;
      const tables: string[] = [];
      const overlaps: string[][] = [];
      const order: string[] = [];
      const sink = destination(
        async (items: SinkItem[] | string, t: TableSchema) => {
          inFlight += 1;
          max = Math.max(max, inFlight);
          tables.push(t.name);
          overlaps.push([...tables]);
          order.push(String((items as SinkItem[])[0]!["id"]));
          await delay(3);
          tables.splice(tables.indexOf(t.name), 1);
          inFlight -= 1;
        },
        { batchSize: 1, ...options },
      );
      return { sink, max: () => max, overlaps, order };
    }

    it("keeps at most maxParallelLoadJobs write() calls in flight", async () => {
      const t = tracking({ maxParallelLoadJobs: 2 });
      await world.load(t.sink, schema, jobs);
      expect(t.max()).toBe(2);
    });

    it("table-sequential: one write() per table at a time", async () => {
      const t = tracking({ loaderParallelismStrategy: "table-sequential" });
      await world.load(t.sink, schema, jobs);
      expect(t.max()).toBe(2);
      for (const tables of t.overlaps) expect(new Set(tables).size).toBe(tables.length);
    });

    it("sequential: one write() after another, in file order", async () => {
      const t = tracking({ loaderParallelismStrategy: "sequential" });
      await world.load(t.sink, schema, jobs);
      expect(t.max()).toBe(1);
      const files = Object.keys(jobs).sort();
      const expected = files.flatMap((f) => {
        const from = Number(f.split(".")[1]!.slice(1)) * 10;
        return [String(from), String(from + 1)];
      });
      expect(t.order).toEqual(expected);
    });
  });
});
