import type { CaseRegistrar } from "../conformance-harness.js";
import { columnValue, countRows, readRows, selectAll } from "../read-back.js";

/** New columns, new child tables, variant columns and never-created null columns, across runs. */
export function schemaEvolutionCases(t: CaseRegistrar): void {
  t.test("evolve", "new columns and child tables are added; a type conflict goes to a variant column", async (scope) => {
    const p = scope.pipeline("evolve");
    await p.run([{ id: 1, name: "a" }], { tableName: "evolving" });
    await p.run([{ id: 2, name: "b", amount: 2.5, nested: { x: 7, y: "why" }, tags: ["t1", "t2"] }], { tableName: "evolving" });
    await p.run([{ id: 3, name: "c", amount: "not a number", tags: ["t3"] }], { tableName: "evolving" });
    const info = await p.run([{ id: 4, name: "d", always_null: null }], { tableName: "evolving" });
    expect(info.hasFailedJobs).toBe(false);

    const schema = p.defaultSchema;
    const columns = schema.tables.evolving!.columns;
    expect(columns.amount?.dataType).toBe("double");
    expect(columns.amount__v_text?.dataType).toBe("text");
    expect(columns.nested__x?.dataType).toBe("bigint");
    expect(columns.nested__y?.dataType).toBe("text");
    expect(columns.always_null).toBeUndefined();
    expect(schema.tables.evolving__tags?.parent).toBe("evolving");

    const client = await scope.sqlClient(p);
    const rows = await readRows(client, "evolving", { id: "bigint", name: "text", amount: "double", amount__v_text: "text", nested__x: "bigint", nested__y: "text" });
    expect(rows).toEqual([
      { id: "1", name: "a", amount: null, amount__v_text: null, nested__x: null, nested__y: null },
      { id: "2", name: "b", amount: 2.5, amount__v_text: null, nested__x: "7", nested__y: "why" },
      { id: "3", name: "c", amount: null, amount__v_text: "not a number", nested__x: null, nested__y: null },
      { id: "4", name: "d", amount: null, amount__v_text: null, nested__x: null, nested__y: null },
    ]);
    const stored = await selectAll(client, "evolving");
    expect(Object.keys(stored[0]!).map((k) => k.toLowerCase())).not.toContain("always_null");
    expect(await countRows(client, "evolving__tags")).toBe(3);
    const tags = await readRows(client, "evolving__tags", { value: "text", _dlt_list_idx: "bigint" });
    expect(tags).toEqual([
      { value: "t1", _dlt_list_idx: "0" },
      { value: "t2", _dlt_list_idx: "1" },
      { value: "t3", _dlt_list_idx: "0" },
    ]);
  });

  t.test("child-links", "child rows link to their parent through _dlt_parent_id and carry list positions", async (scope) => {
    const p = scope.pipeline("links");
    const data = [
      { id: 1, items: [{ sku: "a", parts: [10, 11] }, { sku: "b", parts: [] }] },
      { id: 2, items: [{ sku: "c", parts: [12] }] },
    ];
    await p.run(data, { tableName: "orders" });
    const client = await scope.sqlClient(p);
    const parents = await selectAll(client, "orders");
    const items = await selectAll(client, "orders__items");
    const parts = await selectAll(client, "orders__items__parts");
    const idOf = new Map(parents.map((r) => [String(columnValue(r, "_dlt_id", client)), Number(columnValue(r, "id", client))]));
    const skus = items.map((r) => [idOf.get(String(columnValue(r, "_dlt_parent_id", client))), columnValue(r, "sku", client)]);
    expect(skus.sort()).toEqual([
      [1, "a"],
      [1, "b"],
      [2, "c"],
    ]);
    const skuOf = new Map(items.map((r) => [String(columnValue(r, "_dlt_id", client)), columnValue(r, "sku", client)]));
    const partRows = parts.map((r) => [skuOf.get(String(columnValue(r, "_dlt_parent_id", client))), Number(columnValue(r, "value", client))]);
    expect(partRows.sort()).toEqual([
      ["a", 10],
      ["a", 11],
      ["c", 12],
    ]);
    const loadIds = new Set(parents.map((r) => String(columnValue(r, "_dlt_load_id", client))));
    expect(loadIds.size).toBe(1);
  });
}
