import { promises as fs } from "node:fs";
import { DestinationTerminalException, registerSecret } from "@dlt-ts/core";
import { LoadClientJobFailed, LoadClientJobRetry, LoadPackageStepFailed, Loader, type LoaderOptions } from "@dlt-ts/loader";
import type { LoadProgress } from "../src/load-result.js";
import { FakeDestination, delay, type JobBehaviour } from "./support/fake-destination.js";
import { rows, schemaWith, table, tempStorages, writePackage, type TempStorages } from "./support/load-packages.js";

const fast: LoaderOptions = { retryBackoffMs: 1, maxRetryBackoffMs: 2 };

describe("Loader", () => {
  let s: TempStorages;
  beforeEach(async () => {
    s = await tempStorages();
  });
  afterEach(async () => {
    await s.cleanup();
  });

  const schema = schemaWith("shop", [
    table("orders", ["id"]),
    table("orders__items", ["id"], { parent: "orders" }),
    table("customers", ["id"], { writeDisposition: "merge" }),
  ]);

  function loader(dest: FakeDestination, options: LoaderOptions = {}): Loader {
    return new Loader({ normalized: s.normalized, loaded: s.loaded, destination: dest, options: { ...fast, ...options } });
  }

  it("loads a package: schema update, every job, table chains, completeLoad, then moves it to loaded", async () => {
    const updates = { orders: schema.tables["orders"]! };
    await writePackage(
      s.normalized,
      "100.1",
      schema,
      { "orders.a1.0.jsonl": rows(3), "orders__items.b1.0.jsonl": rows(2), "customers.c1.0.jsonl": rows(1) },
      updates,
    );
    const dest = new FakeDestination();
    const [result] = await loader(dest).run();

    expect(dest.calls[0]).toBe("createClient:shop");
    expect(dest.calls.slice(1, 3)).toEqual(["initializeStorage", "updateStoredSchema"]);
    expect(dest.updates[0]).toEqual(updates);
    expect(dest.calls.slice(-2)).toEqual(["completeLoad:100.1", "close"]);
    expect(dest.chains.map((c) => c.tables).sort()).toEqual([["customers"], ["orders", "orders__items"]]);

    expect(result!.status).toBe("loaded");
    expect(result!.schemaName).toBe("shop");
    expect(result!.jobs.map((j) => [j.fileName, j.table, j.state]).sort()).toEqual([
      ["customers.c1.0.jsonl", "customers", "completed"],
      ["orders.a1.0.jsonl", "orders", "completed"],
      ["orders__items.b1.0.jsonl", "orders__items", "completed"],
    ]);
    expect(result!.jobs.every((j) => j.fileSize > 0)).toBe(true);
    expect(await s.normalized.listPackages()).toEqual([]);
    expect(await s.loaded.listPackages()).toEqual(["100.1"]);
    expect((await s.loaded.readState("100.1")).status).toBe("loaded");
    expect(await s.loaded.listJobs("100.1", "completed_jobs")).toHaveLength(3);
  });

  it("hands nested tables their root's write disposition", async () => {
    await writePackage(s.normalized, "1", schema, { "orders__items.b1.0.jsonl": rows(1) });
    const seen: (string | undefined)[] = [];
    await loader(new FakeDestination(async (r) => void seen.push(r.table.writeDisposition))).run();
    expect(seen).toEqual(["append"]);
  });

  it("loads packages oldest first and loads an empty package too", async () => {
    await writePackage(s.normalized, "200.5", schema, { "orders.x.0.jsonl": rows(1) });
    await writePackage(s.normalized, "100.5", schema, {});
    const dest = new FakeDestination();
    const results = await loader(dest).run();
    expect(results.map((r) => r.loadId)).toEqual(["100.5", "200.5"]);
    expect(dest.completedLoads).toEqual(["100.5", "200.5"]);
  });

  it("resumes jobs a killed run left in started_jobs before new ones, and keeps jobs completed earlier", async () => {
    await writePackage(s.normalized, "1", schema, {
      "orders.a.0.jsonl": rows(1),
      "orders.b.0.jsonl": rows(1),
      "orders.c.0.jsonl": rows(1),
    });
    await s.normalized.startJob("1", "orders.c.0.jsonl");
    await s.normalized.startJob("1", "orders.b.0.jsonl");
    await s.normalized.completeJob("1", "orders.b.0.jsonl");
    const dest = new FakeDestination();
    const [result] = await loader(dest, { parallelismStrategy: "sequential" }).run();
    expect(dest.order).toEqual(["orders.c.0.jsonl", "orders.a.0.jsonl"]);
    expect(result!.jobs).toHaveLength(3);
    expect(result!.jobs.find((j) => j.fileName === "orders.b.0.jsonl")!.elapsedMs).toBe(0);
  });

  it("retries a failing job with the retry count raised in its file name, then completes it", async () => {
    await writePackage(s.normalized, "1", schema, { "orders.a.0.jsonl": rows(1) });
    const names: string[] = [];
    const dest = new FakeDestination(async (r, attempt) => {
      names.push(r.fileName);
      if (attempt < 3) throw new Error(`flaky ${attempt}`);
    });
    const [result] = await loader(dest).run();
    expect(names).toEqual(["orders.a.0.jsonl", "orders.a.1.jsonl", "orders.a.2.jsonl"]);
    expect(result!.jobs).toEqual([expect.objectContaining({ fileName: "orders.a.2.jsonl", state: "completed", retries: 2 })]);
    expect(await s.loaded.listJobs("1", "completed_jobs")).toEqual(["orders.a.2.jsonl"]);
  });

  it("out of tries, a job goes back to new_jobs, the package stays pending and LoadClientJobRetry is thrown", async () => {
    await writePackage(s.normalized, "1", schema, {
      "customers.z.0.jsonl": rows(1),
      "orders.a.0.jsonl": rows(1),
    });
    let down = true;
    const dest = new FakeDestination(async (r) => {
      if (r.table.name === "customers" && down) throw new Error("server said 503");
    });
    const error = await loader(dest, { raiseOnMaxRetries: 3, parallelismStrategy: "sequential" })
      .run()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LoadClientJobRetry);
    const retry = error as LoadClientJobRetry;
    expect(dest.attempts.get("customers.z")).toBe(3);
    expect(retry).toMatchObject({ loadId: "1", fileName: "customers.z.3.jsonl", table: "customers", tries: 3 });
    expect(retry.message).toBe(
      'Load package 1 is not complete: load job "customers.z.3.jsonl" of table "customers" failed 3 times in this run, ' +
        "the last time with:\n  Error: server said 503\nThe package stays pending; run the pipeline again to resume it " +
        "where it stopped. Tries per run: load.raise_on_max_retries (env LOAD__RAISE_ON_MAX_RETRIES; 0 retries without limit).",
    );
    expect(retry.results[0]).toMatchObject({ status: "pending" });
    expect(retry.results[0]!.jobs).toEqual([expect.objectContaining({ state: "retry", failureMessage: "Error: server said 503" })]);
    // nothing else was started, nothing completed, the client was closed
    expect(dest.order.filter((n) => n.startsWith("orders"))).toEqual([]);
    expect(dest.completedLoads).toEqual([]);
    expect(dest.closed).toBe(1);
    expect(await s.normalized.listJobs("1", "new_jobs")).toEqual(["customers.z.3.jsonl", "orders.a.0.jsonl"]);
    expect(await s.loaded.listPackages()).toEqual([]);

    // the next run gets its own tries and completes the package
    down = false;
    const [result] = await loader(dest, { raiseOnMaxRetries: 3 }).run();
    expect(result!.status).toBe("loaded");
    expect(result!.jobs.find((j) => j.table === "customers")).toMatchObject({ state: "completed", retries: 3 });
  });

  it("raiseOnMaxRetries 0 retries without limit", async () => {
    await writePackage(s.normalized, "1", schema, { "orders.a.0.jsonl": rows(1) });
    const dest = new FakeDestination(async (_r, attempt) => {
      if (attempt < 8) throw new Error("flaky");
    });
    const [result] = await loader(dest, { raiseOnMaxRetries: 0 }).run();
    expect(result!.jobs[0]).toMatchObject({ state: "completed", retries: 7 });
  });

  it("a terminal failure aborts the package: jobs not run yet go to failed_jobs, no completeLoad", async () => {
    await writePackage(s.normalized, "1", schema, {
      "customers.z.0.jsonl": rows(1),
      "orders.a.0.jsonl": rows(1),
      "orders.b.0.jsonl": rows(1),
    });
    const dest = new FakeDestination(async (r) => {
      if (r.table.name === "customers") throw new DestinationTerminalException("bad record");
    });
    const error = await loader(dest, { parallelismStrategy: "sequential" })
      .run()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LoadClientJobFailed);
    const failed = error as LoadClientJobFailed;
    expect(failed).toMatchObject({ loadId: "1", fileName: "customers.z.0.jsonl", table: "customers" });
    expect(failed.message).toBe(
      'Load package 1 was aborted: load job "customers.z.0.jsonl" of table "customers" failed:\n' +
        "  DestinationTerminalException: bad record\n" +
        "Set load.raise_on_failed_jobs = false (env LOAD__RAISE_ON_FAILED_JOBS=false) to complete packages that have failed jobs instead.",
    );
    expect(dest.order.filter((n) => n.startsWith("orders"))).toEqual([]);
    expect(dest.completedLoads).toEqual([]);
    expect(dest.closed).toBe(1);
    expect(await s.loaded.listJobs("1", "failed_jobs")).toEqual(["customers.z.0.jsonl", "orders.a.0.jsonl", "orders.b.0.jsonl"]);
    expect(await s.loaded.readFailureMessage("1", "orders.a.0.jsonl")).toContain("aborted before this job ran");
    expect((await s.loaded.readState("1")).status).toBe("aborted");
    expect(failed.results[0]!.status).toBe("aborted");
    expect(failed.results[0]!.jobs.filter((j) => j.state === "failed")).toHaveLength(3);
    // an aborted package is not loaded again
    expect(await loader(dest).run()).toEqual([]);
  });

  it("fails a job at once on a DestinationTerminalException", async () => {
    await writePackage(s.normalized, "1", schema, { "orders.a.0.jsonl": rows(1) });
    const dest = new FakeDestination(async () => {
      throw new DestinationTerminalException("bad api key", { cause: new Error("401") });
    });
    const error = (await loader(dest).run().catch((e: unknown) => e)) as LoadClientJobFailed;
    expect(dest.attempts.get("orders.a")).toBe(1);
    expect(error.failureMessage).toBe("DestinationTerminalException: bad api key\n  caused by Error: 401");
    expect(await s.loaded.readFailureMessage("1", "orders.a.0.jsonl")).toBe(error.failureMessage);
  });

  it("with raiseOnFailedJobs false completes the package and reports the failed job", async () => {
    await writePackage(s.normalized, "1", schema, { "orders.a.0.jsonl": rows(1), "customers.c.0.jsonl": rows(1) });
    const dest = new FakeDestination(async (r) => {
      if (r.table.name === "orders") throw new DestinationTerminalException("rejected");
    });
    const [result] = await loader(dest, { raiseOnFailedJobs: false }).run();
    expect(result!.status).toBe("loaded");
    expect(dest.completedLoads).toEqual(["1"]);
    expect(result!.jobs.find((j) => j.table === "orders")).toMatchObject({
      state: "failed",
      failureMessage: "DestinationTerminalException: rejected",
    });
    // a chain whose only job failed is not completed
    expect(dest.chains.map((c) => c.tables)).toEqual([["customers"]]);
  });

  it("fails jobs for tables the schema does not know", async () => {
    await writePackage(s.normalized, "1", schema, { "ghost.a.0.jsonl": rows(1) });
    const [result] = await loader(new FakeDestination(), { raiseOnFailedJobs: false }).run();
    expect(result!.jobs[0]!.failureMessage).toBe(
      'LoadJobUnknownTable: Job file "ghost.a.0.jsonl" is for table "ghost", which is not in the package schema',
    );
  });

  describe("parallelism", () => {
    const many = Object.fromEntries(
      Array.from({ length: 12 }, (_, i) => [`${["orders", "customers", "orders__items"][i % 3]}.f${String(i).padStart(2, "0")}.0.jsonl`, rows(1)]),
    );
    const slow: JobBehaviour = () => delay(5);

    it("parallel: at most maxParallelLoadJobs in flight", async () => {
      await writePackage(s.normalized, "1", schema, many);
      const dest = new FakeDestination(slow, { maxParallelLoadJobs: 4 });
      await loader(dest).run();
      expect(dest.maxInFlight).toBe(4);
    });

    it("parallel: load.workers caps it too", async () => {
      await writePackage(s.normalized, "1", schema, many);
      const dest = new FakeDestination(slow, { maxParallelLoadJobs: 10 });
      await loader(dest, { workers: 3 }).run();
      expect(dest.maxInFlight).toBe(3);
    });

    it("table-sequential: one job per table chain at a time", async () => {
      await writePackage(s.normalized, "1", schema, many);
      const dest = new FakeDestination(slow, { loaderParallelismStrategy: "table-sequential" });
      await loader(dest).run();
      expect(dest.maxInFlight).toBe(2);
      for (const tables of dest.concurrentTables) {
        const roots = tables.map((t) => (t === "orders__items" ? "orders" : t));
        expect(new Set(roots).size).toBe(roots.length);
      }
    });

    it("sequential: one after another in file order", async () => {
      await writePackage(s.normalized, "1", schema, many);
      const dest = new FakeDestination(slow, { loaderParallelismStrategy: "sequential" });
      await loader(dest).run();
      expect(dest.maxInFlight).toBe(1);
      expect(dest.order).toEqual(Object.keys(many).sort());
    });

    it("sequential, where the destination asks: a table's larger files first, so its short last file loads last", async () => {
      const files = {
        "customers.a.0.jsonl": rows(1),
        "customers.b.0.jsonl": rows(5),
        "orders.a.0.jsonl": rows(2),
        "orders.b.0.jsonl": rows(9),
        "orders.c.0.jsonl": rows(4),
      };
      await writePackage(s.normalized, "1", schema, files);
      const dest = new FakeDestination(async () => {}, { loaderParallelismStrategy: "sequential", loadLargerFilesFirst: true });
      await loader(dest).run();
      expect(dest.order).toEqual(["customers.b.0.jsonl", "customers.a.0.jsonl", "orders.b.0.jsonl", "orders.c.0.jsonl", "orders.a.0.jsonl"]);

      await writePackage(s.normalized, "2", schema, files);
      const inFileOrder = new FakeDestination(async () => {}, { loaderParallelismStrategy: "sequential" });
      await loader(inFileOrder).run();
      expect(inFileOrder.order).toEqual(Object.keys(files));
    });
  });

  describe("table chains", () => {
    it("completes each chain once, after its last job, with the nested tables that had jobs", async () => {
      const deep = schemaWith("s", [
        table("a", ["id"]),
        table("a__b", ["id"], { parent: "a" }),
        table("a__c", ["id"], { parent: "a" }),
        table("r", ["id"], { writeDisposition: "replace" }),
        table("r__x", ["id"], { parent: "r" }),
        table("k", ["id"], { writeDisposition: "skip" }),
      ]);
      await writePackage(s.normalized, "1", deep, {
        "a.1.0.jsonl": rows(1),
        "a__b.2.0.jsonl": rows(1),
        "a__b.3.0.jsonl": rows(1),
        "r.4.0.jsonl": rows(1),
        "k.5.0.jsonl": rows(1),
      });
      const dest = new FakeDestination();
      await loader(dest).run();
      // replace keeps every table of the chain (they must be cleared), others only tables with jobs
      expect(dest.chains.map((c) => c.tables)).toEqual(expect.arrayContaining([["a", "a__b"], ["r", "r__x"]]));
      expect(dest.chains).toHaveLength(2);
      const chainCall = dest.calls.indexOf("completeTableChain:a");
      expect(chainCall).toBeLessThan(dest.calls.indexOf("completeLoad:1"));
      expect(dest.order.filter((f) => f.startsWith("a")).length).toBe(3);
    });

    it("does not repeat a chain a killed run already completed", async () => {
      await writePackage(s.normalized, "1", schema, { "orders.a.0.jsonl": rows(1), "customers.b.0.jsonl": rows(1) });
      await s.normalized.startJob("1", "orders.a.0.jsonl");
      await s.normalized.completeJob("1", "orders.a.0.jsonl");
      await s.normalized.updateState("1", { completedTableChains: ["orders"] });
      const dest = new FakeDestination();
      await loader(dest).run();
      expect(dest.chains.map((c) => c.tables)).toEqual([["customers"]]);
    });

    it("completes a chain whose jobs all finished in an earlier run", async () => {
      await writePackage(s.normalized, "1", schema, { "orders.a.0.jsonl": rows(1) });
      await s.normalized.startJob("1", "orders.a.0.jsonl");
      await s.normalized.completeJob("1", "orders.a.0.jsonl");
      const dest = new FakeDestination();
      await loader(dest).run();
      expect(dest.chains.map((c) => c.tables)).toEqual([["orders"]]);
      expect(dest.order).toEqual([]);
    });

    it("leaves the package pending when completing a chain keeps failing, naming the chain", async () => {
      await writePackage(s.normalized, "1", schema, { "orders.a.0.jsonl": rows(1) });
      const dest = new FakeDestination();
      let calls = 0;
      dest.chainBehaviour = async () => {
        calls += 1;
        throw new Error("merge failed");
      };
      const error = await loader(dest, { raiseOnMaxRetries: 3 })
        .run()
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LoadClientJobRetry);
      expect(calls).toBe(3);
      expect((error as LoadClientJobRetry).message).toBe(
        'Load package 1 is not complete: completion of table chain "orders" (orders) failed 3 times in this run, the last time with:\n' +
          "  Error: merge failed\nThe package stays pending; run the pipeline again to resume it where it stopped. " +
          "Tries per run: load.raise_on_max_retries (env LOAD__RAISE_ON_MAX_RETRIES; 0 retries without limit).",
      );
      expect(error).toMatchObject({ loadId: "1", table: "orders", fileName: "orders.completion.2.sql", step: 'completion of table chain "orders" (orders)' });
      expect((error as LoadClientJobRetry).results[0]!.jobs).toContainEqual(
        expect.objectContaining({ fileName: "orders.completion.2.sql", state: "retry", failureMessage: "Error: merge failed" }),
      );
      expect(await s.normalized.listPackages()).toEqual(["1"]);
      expect(await s.normalized.listJobs("1", "completed_jobs")).toEqual(["orders.a.0.jsonl"]);
      expect(dest.closed).toBe(1);
      expect(dest.rollbacks).toEqual([]);

      // the next run completes the chain without loading the job again
      dest.chainBehaviour = async () => undefined;
      const [result] = await loader(dest).run();
      expect(result!.status).toBe("loaded");
      expect(dest.order).toEqual(["orders.a.0.jsonl"]);
    });

    it("retries a chain's follow-up like a job: same tries, growing backoff", async () => {
      await writePackage(s.normalized, "1", schema, { "customers.a.0.jsonl": rows(1) });
      const dest = new FakeDestination();
      const at: number[] = [];
      dest.chainBehaviour = async () => {
        at.push(at.length);
        if (at.length < 3) throw new Error("connection terminated");
      };
      const [result] = await loader(dest, { retryBackoffMs: 1, maxRetryBackoffMs: 4 }).run();
      expect(at).toHaveLength(3);
      expect(result!.status).toBe("loaded");
      expect(result!.jobs.map((j) => j.state)).toEqual(["completed"]);
      expect(dest.completedLoads).toEqual(["1"]);
    });

    it("a terminal follow-up failure aborts the package and names the merge", async () => {
      await writePackage(s.normalized, "1", schema, { "customers.a.0.jsonl": rows(1), "orders.b.0.jsonl": rows(1) });
      const dest = new FakeDestination();
      dest.chainBehaviour = async (chain) => {
        if (chain[0]!.name === "customers") throw new DestinationTerminalException("duplicate key");
      };
      const error = (await loader(dest, { parallelismStrategy: "sequential" })
        .run()
        .catch((e: unknown) => e)) as LoadClientJobFailed;
      expect(error).toBeInstanceOf(LoadClientJobFailed);
      expect(error.message).toMatch(/^Load package 1 was aborted: merge of table chain "customers" \(customers\) failed:\n {2}DestinationTerminalException: duplicate key\n/);
      expect(error.results[0]!.status).toBe("aborted");
      expect(error.results[0]!.jobs).toContainEqual(expect.objectContaining({ fileName: "customers.merge.0.sql", state: "failed" }));
      expect(dest.completedLoads).toEqual([]);
      // the staged chain whose follow-up failed is handed to rollback; the job that never ran is failed
      expect(dest.rollbacks).toEqual(["customers"]);
      expect(await s.loaded.listJobs("1", "failed_jobs")).toEqual(["orders.b.0.jsonl"]);
    });
  });

  describe("table chains stay whole", () => {
    const deep = schemaWith("s", [
      table("a", ["id"]),
      table("a__b", ["id"], { parent: "a" }),
      table("a__b__c", ["id"], { parent: "a__b" }),
      table("z", ["id"]),
    ]);

    it("starts a nested table's jobs only once every job of its ancestors completed", async () => {
      await writePackage(s.normalized, "1", deep, {
        "a__b__c.1.0.jsonl": rows(1),
        "a__b.2.0.jsonl": rows(1),
        "a.3.0.jsonl": rows(1),
        "a.4.0.jsonl": rows(1),
        "z.5.0.jsonl": rows(1),
      });
      await s.normalized.startJob("1", "a__b__c.1.0.jsonl");
      const done: string[] = [];
      const dest = new FakeDestination(async (r) => {
        await delay(r.table.name === "a" ? 10 : 1);
        done.push(r.table.name);
      });
      await loader(dest).run();
      const started = (t: string) => dest.order.findIndex((f) => f.startsWith(`${t}.`));
      const finished = (t: string) => done.lastIndexOf(t);
      // a resumed job of a nested table waits too
      expect(dest.order.indexOf("a__b__c.1.0.jsonl")).toBeGreaterThan(started("a__b"));
      expect(done.indexOf("a__b")).toBeGreaterThan(finished("a"));
      expect(done.indexOf("a__b__c")).toBeGreaterThan(finished("a__b"));
      // other chains do not wait
      expect(started("z")).toBeLessThan(started("a__b"));
    });

    it("an aborted package hands every chain that wrote rows but did not complete to rollbackTableChain", async () => {
      await writePackage(s.normalized, "1", deep, {
        "a.1.0.jsonl": rows(1),
        "a__b.2.0.jsonl": rows(1),
        "a__b__c.3.0.jsonl": rows(1),
        "z.4.0.jsonl": rows(1),
      });
      const dest = new FakeDestination(async (r) => {
        if (r.table.name === "a__b__c") throw new DestinationTerminalException("value too long");
      });
      const error = (await loader(dest, { parallelismStrategy: "sequential" })
        .run()
        .catch((e: unknown) => e)) as LoadClientJobFailed;
      expect(error).toBeInstanceOf(LoadClientJobFailed);
      expect(dest.order).toEqual(["a.1.0.jsonl", "a__b.2.0.jsonl", "a__b__c.3.0.jsonl"]);
      expect(dest.rollbacks).toEqual(["a"]);
      expect(error.message).toContain('Table chains that did not complete keep no rows of this package: removed from "a".');
      expect(await s.loaded.listJobs("1", "failed_jobs")).toEqual(["a__b__c.3.0.jsonl", "z.4.0.jsonl"]);
    });

    it("keeps chains that completed when another chain aborts the package", async () => {
      await writePackage(s.normalized, "1", deep, { "a.1.0.jsonl": rows(1), "a__b.2.0.jsonl": rows(1), "z.3.0.jsonl": rows(1) });
      const dest = new FakeDestination(async (r) => {
        if (r.table.name === "z") throw new DestinationTerminalException("rejected");
      });
      await loader(dest, { parallelismStrategy: "sequential" })
        .run()
        .catch(() => undefined);
      expect(dest.chains.map((c) => c.tables)).toEqual([["a", "a__b"]]);
      expect(dest.rollbacks).toEqual([]);
    });

    it("with raiseOnFailedJobs false a chain with a failed job loads nothing more and its rows are removed; other chains load", async () => {
      await writePackage(s.normalized, "1", deep, {
        "a.1.0.jsonl": rows(1),
        "a__b.2.0.jsonl": rows(1),
        "a__b.3.0.jsonl": rows(1),
        "a__b__c.4.0.jsonl": rows(1),
        "z.5.0.jsonl": rows(1),
      });
      const dest = new FakeDestination(async (r) => {
        if (r.fileName.startsWith("a__b.2.")) throw new DestinationTerminalException("rejected");
      });
      const [result] = await loader(dest, { raiseOnFailedJobs: false, parallelismStrategy: "sequential" }).run();
      expect(result!.status).toBe("loaded");
      expect(dest.order).toEqual(["a.1.0.jsonl", "a__b.2.0.jsonl", "z.5.0.jsonl"]);
      const states = Object.fromEntries(result!.jobs.map((j) => [j.fileName, j.state]));
      expect(states).toEqual({
        "a.1.0.jsonl": "completed",
        "a__b.2.0.jsonl": "failed",
        "a__b.3.0.jsonl": "failed",
        "a__b__c.4.0.jsonl": "failed",
        "z.5.0.jsonl": "completed",
      });
      expect(result!.jobs.find((j) => j.fileName === "a__b.3.0.jsonl")!.failureMessage).toMatch(/^Not loaded: table chain "a" has a failed job/);
      expect(dest.chains.map((c) => c.tables)).toEqual([["z"]]);
      expect(dest.rollbacks).toEqual(["a"]);
      expect(dest.completedLoads).toEqual(["1"]);
    });

    it("a package a killed run was aborting is aborted again by the next run, its chains rolled back", async () => {
      await writePackage(s.normalized, "1", deep, { "a.1.0.jsonl": rows(1), "a__b.2.0.jsonl": rows(1), "z.3.0.jsonl": rows(1) });
      await s.normalized.startJob("1", "a.1.0.jsonl");
      await s.normalized.completeJob("1", "a.1.0.jsonl");
      await s.normalized.startJob("1", "a__b.2.0.jsonl");
      await s.normalized.failJob("1", "a__b.2.0.jsonl", "DestinationTerminalException: rejected");
      const dest = new FakeDestination();
      const error = (await loader(dest).run().catch((e: unknown) => e)) as LoadClientJobFailed;
      expect(error).toBeInstanceOf(LoadClientJobFailed);
      expect(error.failureMessage).toBe("DestinationTerminalException: rejected");
      expect(dest.order).toEqual([]);
      expect(dest.rollbacks).toEqual(["a"]);
      expect((await s.loaded.readState("1")).status).toBe("aborted");
    });
  });

  describe("package steps", () => {
    it("retries the schema update like a job", async () => {
      await writePackage(s.normalized, "1", schema, { "orders.a.0.jsonl": rows(1) });
      const dest = new FakeDestination();
      const client = dest.createClient.bind(dest);
      let tries = 0;
      dest.createClient = async (sch) => ({
        ...(await client(sch)),
        initializeStorage: async () => {
          if (++tries < 3) throw new Error("terminating connection due to administrator command");
        },
      });
      const [result] = await loader(dest).run();
      expect(tries).toBe(3);
      expect(result!.status).toBe("loaded");
    });

    it("a terminal error in the schema update leaves the package pending with LoadPackageStepFailed", async () => {
      await writePackage(s.normalized, "1", schema, { "orders.a.0.jsonl": rows(1) });
      const dest = new FakeDestination();
      const client = dest.createClient.bind(dest);
      let tries = 0;
      dest.createClient = async (sch) => ({
        ...(await client(sch)),
        updateStoredSchema: async () => {
          tries += 1;
          throw new DestinationTerminalException('Cannot alter table "orders": tables can have at most 1600 columns');
        },
      });
      const error = (await loader(dest).run().catch((e: unknown) => e)) as LoadPackageStepFailed;
      expect(error).toBeInstanceOf(LoadPackageStepFailed);
      expect(tries).toBe(1);
      expect(error.message).toBe(
        "Load package 1 is not complete: schema update failed 1 time in this run, the last time with:\n" +
          '  DestinationTerminalException: Cannot alter table "orders": tables can have at most 1600 columns\n' +
          "The package stays pending; run the pipeline again once the cause is fixed, or drop the pending package.",
      );
      expect(error.results[0]!.status).toBe("pending");
      expect(await s.normalized.listJobs("1", "new_jobs")).toEqual(["orders.a.0.jsonl"]);
    });
  });

  it("masks resolved secrets in failure messages and .exception files", async () => {
    registerSecret("sk-live-9f8e7d");
    await writePackage(s.normalized, "1", schema, { "orders.a.0.jsonl": rows(1) });
    const dest = new FakeDestination(async () => {
      throw new DestinationTerminalException(`rejected: ${JSON.stringify({ apiKey: "sk-live-9f8e7d", url: "https://x/?k=sk-live-9f8e7d" })}`);
    });
    const error = (await loader(dest).run().catch((e: unknown) => e)) as LoadClientJobFailed;
    const texts = [error.message, error.stack ?? "", error.failureMessage, await s.loaded.readFailureMessage("1", "orders.a.0.jsonl")];
    for (const text of texts) {
      expect(text).not.toContain("sk-live-9f8e7d");
      expect(text).toContain('{"apiKey":"***","url":"https://x/?k=***"}');
    }
  });

  it("reports progress after every job", async () => {
    await writePackage(s.normalized, "1", schema, { "orders.a.0.jsonl": rows(1), "orders.b.0.jsonl": rows(1) });
    const seen: LoadProgress[] = [];
    await loader(new FakeDestination(), { onProgress: (p) => seen.push(p), parallelismStrategy: "sequential" }).run();
    expect(seen).toEqual([
      { loadId: "1", jobsDone: 1, jobsFailed: 0, jobsTotal: 2 },
      { loadId: "1", jobsDone: 2, jobsFailed: 0, jobsTotal: 2 },
    ]);
  });

  it("leaves the package in place when the destination cannot be reached", async () => {
    await writePackage(s.normalized, "1", schema, { "orders.a.0.jsonl": rows(1) });
    const dest = new FakeDestination();
    const client = dest.createClient.bind(dest);
    dest.createClient = async (sch) => ({ ...(await client(sch)), initializeStorage: async () => Promise.reject(new Error("ECONNREFUSED")) });
    await expect(loader(dest).run()).rejects.toThrow("ECONNREFUSED");
    expect(await s.normalized.listJobs("1", "new_jobs")).toEqual(["orders.a.0.jsonl"]);
    expect(dest.closed).toBe(1);
    await fs.access(s.normalized.packagePath("1"));
  });
});
