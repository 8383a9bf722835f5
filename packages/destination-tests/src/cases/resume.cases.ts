import * as path from "node:path";
import { LoadPackageStorage, parseJobFileName, Schema, type StoredSchema, type TableSchema } from "@dlt-ts/core";
import { PipelineStepFailed, resource, source, type Pipeline } from "dlt-ts";
import { quietly, type CaseRegistrar, type TestScope } from "../conformance-harness.js";
import { withFailingJobs } from "../faulty-destination.js";
import { columnValue, countRows, selectAll } from "../read-back.js";

/** One append table with a child table and one merge table with a child table, in one source. */
function shopSource(orderIds: number[], itemIds: number[], title = (id: number) => `order ${id}`) {
  const orders = orderIds.map((id) => ({ id, title: title(id), lines: [{ sku: `${id}-a` }, { sku: `${id}-b` }] }));
  const items = itemIds.map((id) => ({ id, tags: ["x", "y"] }));
  return source(
    [
      resource(orders, { name: "orders", writeDisposition: "merge", primaryKey: "id" }),
      resource(items, { name: "items" }),
    ],
    { name: "shop" },
  );
}

function normalizedStorage(p: Pipeline): LoadPackageStorage {
  return new LoadPackageStorage(path.join(p.workingDir, "load", "normalized"));
}

/** Orders and their line skus, by order id. */
async function ordersState(scope: TestScope, p: Pipeline): Promise<{ titles: Record<number, string>; lines: Record<number, string[]> }> {
  const client = await scope.sqlClient(p);
  const orders = await selectAll(client, "orders");
  const lines = await selectAll(client, "orders__lines");
  const idOf = new Map(orders.map((r) => [String(columnValue(r, "_dlt_id", client)), Number(columnValue(r, "id", client))]));
  const titles: Record<number, string> = {};
  for (const r of orders) titles[Number(columnValue(r, "id", client))] = String(columnValue(r, "title", client));
  const byOrder: Record<number, string[]> = {};
  for (const r of lines) {
    const id = idOf.get(String(columnValue(r, "_dlt_parent_id", client))) ?? -1;
    (byOrder[id] ??= []).push(String(columnValue(r, "sku", client)));
  }
  for (const list of Object.values(byOrder)) list.sort();
  return { titles, lines: byOrder };
}

/** Interrupted loads are finished by the next run without loss or duplicates. */
export function resumeCases(t: CaseRegistrar): void {
  t.test("started-jobs", "a package whose jobs were moved to started_jobs by a killed run is loaded once by the next run", async (scope) => {
    const p = scope.pipeline("resume_started");
    await p.extract(shopSource([1, 2], [1, 2, 3]));
    await p.normalize();
    const [loadId] = p.listPendingPackages().normalized;
    const storage = normalizedStorage(p);
    for (const job of await storage.listJobs(loadId!, "new_jobs")) await storage.startJob(loadId!, job);

    const next = scope.pipeline("resume_started");
    const info = await quietly(() => next.run());
    expect(info.hasFailedJobs).toBe(false);
    expect(info.loadPackages.map((l) => [l.loadId, l.status])).toEqual([[loadId, "loaded"]]);
    const client = await scope.sqlClient(next);
    expect(await countRows(client, "items")).toBe(3);
    expect(await countRows(client, "items__tags")).toBe(6);
    expect(await countRows(client, "orders")).toBe(2);
    expect(await countRows(client, "orders__lines")).toBe(4);
  });

  t.test(
    "committed-job",
    "jobs committed at the destination by a run killed before it moved their files are not loaded twice",
    async (scope) => {
      const p = scope.pipeline("resume_committed");
      await p.run(shopSource([1, 2, 3], [1]));
      await p.extract(shopSource([2, 4], [2, 3], (id) => `changed ${id}`));
      await p.normalize();
      const [loadId] = p.listPendingPackages().normalized;
      const storage = normalizedStorage(p);
      const schema = Schema.fromStored((await storage.readJson<StoredSchema>(loadId!, "schema.json"))!);
      const updates = (await storage.readJson<Record<string, TableSchema>>(loadId!, "schema_updates.json")) ?? {};

      // What a killed run did before dying: every job of the package committed, no file moved, no load recorded.
      const configured = await scope.destination(p.pipelineName).configure({
        pipelineName: p.pipelineName,
        datasetName: scope.datasetName,
        workingDir: p.workingDir,
      });
      const client = await configured.createClient(schema);
      try {
        await client.initializeStorage();
        await client.updateStoredSchema(updates);
        for (const fileName of await storage.listJobs(loadId!, "new_jobs")) {
          await storage.startJob(loadId!, fileName);
          const table = schema.tables[parseJobFileName(fileName, schema.tables).table]!;
          const loadTable = table.parent ? { ...table, writeDisposition: schema.writeDispositionOf(table.name) } : table;
          const filePath = storage.jobPath(loadId!, "started_jobs", fileName);
          await client.createLoadJob({ loadId: loadId!, fileName, filePath, table: loadTable, packages: storage }).run();
        }
      } finally {
        await client.close();
      }

      const next = scope.pipeline("resume_committed");
      const info = await quietly(() => next.run());
      expect(info.hasFailedJobs).toBe(false);
      const sql = await scope.sqlClient(next);
      expect(await countRows(sql, "items")).toBe(3);
      expect(await countRows(sql, "items__tags")).toBe(6);
      const state = await ordersState(scope, next);
      expect(state.titles).toEqual({ 1: "order 1", 2: "changed 2", 3: "order 3", 4: "changed 4" });
      expect(state.lines).toEqual({ 1: ["1-a", "1-b"], 2: ["2-a", "2-b"], 3: ["3-a", "3-b"], 4: ["4-a", "4-b"] });
    },
  );

  t.test("failed-jobs", "a package stopped by a failing child job is finished by the next run: merge completes, nothing doubles", async (scope) => {
    const name = scope.pipelineName("resume_fault");
    const env = [`${name.toUpperCase()}__LOAD__RAISE_ON_MAX_RETRIES`, `${name.toUpperCase()}__LOAD__RETRY_BACKOFF_MS`];
    process.env[env[0]!] = "1";
    process.env[env[1]!] = "1";
    try {
      const p = scope.pipeline("resume_fault");
      await p.run(shopSource([1, 2, 3], [1]));

      const outage = () => new Error("simulated outage while loading orders__lines");
      const faulty = scope.pipeline("resume_fault", {
        destination: withFailingJobs(scope.destination(name), (request) => (request.table.name === "orders__lines" ? outage() : undefined)),
      });
      const error = await faulty.run(shopSource([2, 4], [2, 3], (id) => `changed ${id}`)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PipelineStepFailed);
      expect(faulty.listPendingPackages().normalized).toHaveLength(1);

      const next = scope.pipeline("resume_fault");
      const info = await quietly(() => next.run());
      expect(info.hasFailedJobs).toBe(false);
      expect(next.listPendingPackages().normalized).toEqual([]);
      const sql = await scope.sqlClient(next);
      expect(await countRows(sql, "items")).toBe(3);
      expect(await countRows(sql, "items__tags")).toBe(6);
      const state = await ordersState(scope, next);
      expect(state.titles).toEqual({ 1: "order 1", 2: "changed 2", 3: "order 3", 4: "changed 4" });
      expect(state.lines).toEqual({ 1: ["1-a", "1-b"], 2: ["2-a", "2-b"], 3: ["3-a", "3-b"], 4: ["4-a", "4-b"] });
    } finally {
      for (const key of env) delete process.env[key];
    }
  });
}
