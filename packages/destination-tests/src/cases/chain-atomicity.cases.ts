import { PipelineStepFailed, resource, source, type Pipeline } from "dlt-ts";
import type { SqlClient } from "@dlt-ts/core";
import type { CaseRegistrar, TestScope } from "../conformance-harness.js";
import { columnValue, countRows } from "../read-back.js";

/** Values at or above this are rejected by the CHECK constraints the tests put on their tables. */
const REJECTED = 1000;

interface Order {
  id: number;
  n: number;
  lines: { sku: string; marks: { n: number }[] }[];
}

function orders(ids: number[], mark = (_id: number) => 1, n = (_id: number) => 1): Order[] {
  return ids.map((id) => ({ id, n: n(id), lines: [{ sku: `${id}-a`, marks: [{ n: mark(id) }] }, { sku: `${id}-b`, marks: [] }] }));
}

/** Two append chains in one source: orders → orders__lines → orders__lines__marks, and items → items__tags. */
function shop(orderRows: Order[], itemIds: number[]) {
  return source(
    [
      resource(orderRows, { name: "orders" }),
      resource(
        itemIds.map((id) => ({ id, tags: ["x", "y"] })),
        { name: "items" },
      ),
    ],
    { name: "shop" },
  );
}

/**
 * Creates `table` in the pipeline's dataset before the pipeline does, with a
 * column `n` that rejects values >= {@link REJECTED}: a failure the database
 * itself raises while loading that table. The pipeline adds its other columns.
 */
async function tableRejecting(scope: TestScope, p: Pipeline, table: string): Promise<void> {
  const client = await scope.sqlClient(p);
  if (!(await client.hasDataset())) await client.createDataset();
  const n = client.escapeColumnName("n");
  await client.execute(`CREATE TABLE ${client.makeQualifiedTableName(table)} (${n} BIGINT CHECK (${n} < ${REJECTED}))`);
}

/** Rows of `child` whose `_dlt_parent_id` matches no `_dlt_id` of `parent`. */
async function orphans(client: SqlClient, child: string, parent: string): Promise<number> {
  const c = (name: string) => client.escapeColumnName(name);
  const [row] = await client.query(
    `SELECT count(*) AS n FROM ${client.makeQualifiedTableName(child)} AS c ` +
      `WHERE NOT EXISTS (SELECT 1 FROM ${client.makeQualifiedTableName(parent)} AS p WHERE p.${c("_dlt_id")} = c.${c("_dlt_parent_id")})`,
  );
  return Number(columnValue(row!, "n", client));
}

async function rowsOfLoad(client: SqlClient, table: string, loadId: string): Promise<number> {
  const [row] = await client.query(
    `SELECT count(*) AS n FROM ${client.makeQualifiedTableName(table)} WHERE ${client.escapeColumnName("_dlt_load_id")} = %s`,
    [loadId],
  );
  return Number(columnValue(row!, "n", client));
}

interface ShopCounts {
  orders: number;
  lines: number;
  marks: number;
  items: number;
  tags: number;
  orphans: number;
}

async function shopCounts(client: SqlClient): Promise<ShopCounts> {
  return {
    orders: await countRows(client, "orders"),
    lines: await countRows(client, "orders__lines"),
    marks: await countRows(client, "orders__lines__marks"),
    items: await countRows(client, "items"),
    tags: await countRows(client, "items__tags"),
    orphans:
      (await orphans(client, "orders__lines", "orders")) +
      (await orphans(client, "orders__lines__marks", "orders__lines")) +
      (await orphans(client, "items__tags", "items")),
  };
}

/** Sets `<PIPELINE>__<key>` for the duration of `fn`. */
async function withPipelineEnv<T>(scope: TestScope, name: string, values: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const prefix = scope.pipelineName(name).toUpperCase();
  const keys = Object.keys(values).map((key) => `${prefix}__${key}`);
  Object.entries(values).forEach(([key, value]) => (process.env[`${prefix}__${key}`] = value));
  try {
    return await fn();
  } finally {
    for (const key of keys) delete process.env[key];
  }
}

/**
 * Whatever fails, a load leaves each table chain (a root table and its
 * nested tables) with all of its rows of the package or none: a nested row
 * never outlives its parent row.
 */
export function chainAtomicityCases(t: CaseRegistrar): void {
  t.test(
    "nested-rejected",
    "a nested table rejecting a row after its root and parent committed aborts the package and leaves the chain without rows of it",
    async (scope) => {
      const p = scope.pipeline("chain_nested");
      await tableRejecting(scope, p, "orders__lines__marks");
      await p.run(shop(orders([1, 2]), [1]));
      const client = await scope.sqlClient(p);
      const before = await shopCounts(client);
      expect(before).toEqual({ orders: 2, lines: 4, marks: 2, items: 1, tags: 2, orphans: 0 });

      const error = await p.run(shop(orders([3, 4], (id) => (id === 4 ? REJECTED : 1)), [2])).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PipelineStepFailed);
      const failed = error as PipelineStepFailed;
      expect(failed.step).toBe("load");
      expect(failed.message).toMatch(/load job "orders__lines__marks\.[^"]+" of table "orders__lines__marks" failed/);
      const jobs = failed.loadInfo!.loadPackages[0]!.jobs;
      // the root and its first nested table committed before the rejection
      expect(jobs.filter((j) => j.state === "completed").map((j) => j.table)).toEqual(expect.arrayContaining(["orders", "orders__lines"]));
      expect(await rowsOfLoad(client, "orders", failed.loadId!)).toBe(0);
      const after = await shopCounts(client);
      expect(after.orphans).toBe(0);
      expect({ orders: after.orders, lines: after.lines, marks: after.marks }).toEqual({ orders: 2, lines: 4, marks: 2 });
      // the other chain is whole: loaded with its nested rows, or not at all
      expect([before.items, before.items + 1]).toContain(after.items);
      expect(after.tags).toBe(after.items * 2);
    },
  );

  t.test(
    "root-rejected",
    "a root job file rejected after another file of the same root committed leaves no row of the package in the chain",
    async (scope) => {
      const p = scope.pipeline("chain_root");
      await tableRejecting(scope, p, "orders");
      await p.run(shop(orders([1, 2]), [1]));
      const client = await scope.sqlClient(p);

      const rejected = (id: number) => (id === 6 ? REJECTED : 1);
      const error = await withPipelineEnv(scope, "chain_root", { NORMALIZE__DATA_WRITER__FILE_MAX_ITEMS: "2" }, () =>
        p.run(shop(orders([3, 4, 5, 6], undefined, rejected), [2])).catch((e: unknown) => e),
      );
      expect(error).toBeInstanceOf(PipelineStepFailed);
      const failed = error as PipelineStepFailed;
      expect(failed.message).toMatch(/load job "orders\.[^"]+" of table "orders" failed/);
      const rootJobs = failed.loadInfo!.loadPackages[0]!.jobs.filter((j) => j.table === "orders");
      expect(rootJobs.length).toBeGreaterThanOrEqual(2);
      expect(await rowsOfLoad(client, "orders", failed.loadId!)).toBe(0);
      const after = await shopCounts(client);
      expect(after.orphans).toBe(0);
      expect({ orders: after.orders, lines: after.lines, marks: after.marks }).toEqual({ orders: 2, lines: 4, marks: 2 });
      expect(after.tags).toBe(after.items * 2);
    },
  );

  t.test(
    "failed-jobs-kept",
    "with load.raise_on_failed_jobs off the package completes: the chain with the failed job keeps none of its rows, the others load",
    async (scope) => {
      const p = scope.pipeline("chain_no_raise");
      await tableRejecting(scope, p, "orders__lines__marks");
      await p.run(shop(orders([1]), [1]));
      const client = await scope.sqlClient(p);

      const info = await withPipelineEnv(scope, "chain_no_raise", { LOAD__RAISE_ON_FAILED_JOBS: "false" }, () =>
        p.run(shop(orders([2, 3], (id) => (id === 3 ? REJECTED : 1)), [2, 3])),
      );
      expect(info.hasFailedJobs).toBe(true);
      expect(info.loadPackages[0]!.status).toBe("loaded");
      const loadId = info.loadPackages[0]!.loadId;
      expect(await rowsOfLoad(client, "orders", loadId)).toBe(0);
      expect(await rowsOfLoad(client, "items", loadId)).toBe(2);
      expect(await shopCounts(client)).toEqual({ orders: 1, lines: 2, marks: 1, items: 3, tags: 6, orphans: 0 });
    },
  );
}
