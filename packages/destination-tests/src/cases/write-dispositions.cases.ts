import type { DestinationCapabilities, MergeStrategy, ReplaceStrategy, SqlClient } from "@dlt-ts/core";
import type { CaseRegistrar } from "../conformance-harness.js";
import { columnValue, countRows, selectAll } from "../read-back.js";

interface Issue {
  id: number;
  title: string;
  labels: { name: string }[];
}

function issues(ids: number[], title = (id: number) => `issue ${id}`, labels = (id: number) => [`l${id}a`, `l${id}b`]): Issue[] {
  return ids.map((id) => ({ id, title: title(id), labels: labels(id).map((name) => ({ name })) }));
}

/** id → title of the root table, and id → sorted label names through `_dlt_root_id` / `_dlt_parent_id`. */
async function snapshot(client: SqlClient, root: string): Promise<{ titles: Record<number, string>; labels: Record<number, string[]>; orphans: number }> {
  const parents = await selectAll(client, root);
  const children = await selectAll(client, `${root}__labels`);
  const idByDltId = new Map(parents.map((r) => [String(columnValue(r, "_dlt_id", client)), Number(columnValue(r, "id", client))]));
  const titles: Record<number, string> = {};
  for (const r of parents) titles[Number(columnValue(r, "id", client))] = String(columnValue(r, "title", client));
  const labels: Record<number, string[]> = {};
  let orphans = 0;
  for (const r of children) {
    const id = idByDltId.get(String(columnValue(r, "_dlt_parent_id", client)));
    if (id === undefined) {
      orphans++;
      continue;
    }
    (labels[id] ??= []).push(String(columnValue(r, "name", client)));
  }
  for (const list of Object.values(labels)) list.sort();
  return { titles, labels, orphans };
}

/** append, replace (every supported strategy) and merge (every supported strategy), root and child tables. */
export function writeDispositionsCases(t: CaseRegistrar, caps: DestinationCapabilities): void {
  t.test("append", "append twice keeps both loads, child tables too", async (scope) => {
    const p = scope.pipeline("append");
    await p.run(issues([1, 2, 3]), { tableName: "issues" });
    await p.run(issues([1, 2, 3]), { tableName: "issues" });
    const client = await scope.sqlClient(p);
    expect(await countRows(client, "issues")).toBe(6);
    expect(await countRows(client, "issues__labels")).toBe(12);
  });

  for (const strategy of caps.supportedReplaceStrategies as ReplaceStrategy[]) {
    t.test(`replace-${strategy}`, `replace (${strategy}) keeps only the last load, child tables emptied too`, async (scope) => {
      const p = scope.pipeline(`replace_${strategy.replace(/-/g, "_")}`);
      const disposition = { writeDisposition: { disposition: "replace" as const, strategy } };
      await p.run(issues([1, 2, 3]), { tableName: "issues", ...disposition });
      await p.run(issues([4], undefined, () => ["only"]), { tableName: "issues", ...disposition });
      const client = await scope.sqlClient(p);
      let state = await snapshot(client, "issues");
      expect(state).toEqual({ titles: { 4: "issue 4" }, labels: { 4: ["only"] }, orphans: 0 });
      // A load whose rows have no labels still empties the child table.
      await p.run(issues([5], undefined, () => []), { tableName: "issues", ...disposition });
      state = await snapshot(client, "issues");
      expect(state).toEqual({ titles: { 5: "issue 5" }, labels: {}, orphans: 0 });
    });
  }

  for (const strategy of caps.supportedMergeStrategies.filter((s) => s !== "scd2" && s !== "insert-only") as MergeStrategy[]) {
    t.test(
      `merge-${strategy}`,
      `merge (${strategy}) on a primary key: one row per key, latest values, child rows replaced, duplicates in a load collapsed`,
      async (scope) => {
        const p = scope.pipeline(`merge_${strategy.replace(/-/g, "_")}`);
        const options = { tableName: "issues", writeDisposition: { disposition: "merge" as const, strategy }, primaryKey: "id" };
        await p.run(issues([1, 2, 3]), options);
        const second = [
          ...issues([2], () => "changed 2", () => ["new"]),
          ...issues([4], () => "first 4", () => ["x"]),
          ...issues([4], () => "second 4", () => ["y"]),
        ];
        const info = await p.run(second, options);
        expect(info.hasFailedJobs).toBe(false);
        const client = await scope.sqlClient(p);
        const state = await snapshot(client, "issues");
        expect(Object.keys(state.titles).map(Number).sort()).toEqual([1, 2, 3, 4]);
        expect(state.titles[1]).toBe("issue 1");
        expect(state.titles[2]).toBe("changed 2");
        expect(["first 4", "second 4"]).toContain(state.titles[4]);
        expect(state.labels[1]).toEqual(["l1a", "l1b"]);
        expect(state.labels[2]).toEqual(["new"]);
        expect(state.labels[3]).toEqual(["l3a", "l3b"]);
        expect(state.labels[4]).toEqual([state.titles[4] === "first 4" ? "x" : "y"]);
        expect(state.orphans).toBe(0);
        expect(await countRows(client, "issues")).toBe(4);
        // A third merge with the same keys changes nothing in the row count.
        await p.run(issues([1, 2, 3, 4]), options);
        expect(await countRows(client, "issues")).toBe(4);
        expect(await countRows(client, "issues__labels")).toBe(8);
      },
    );
  }

  t.test("merge-no-key", "merge without primary or merge key appends", async (scope) => {
    const p = scope.pipeline("merge_no_key");
    await p.run([{ id: 1 }], { tableName: "events", writeDisposition: "merge" });
    await p.run([{ id: 1 }], { tableName: "events", writeDisposition: "merge" });
    const client = await scope.sqlClient(p);
    expect(await countRows(client, "events")).toBe(2);
  });
}
