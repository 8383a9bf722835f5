import type { ColumnSchema, TableSchema } from "@dlt-ts/core";
import { mergePartTables, mergeUpdates } from "../../src/stage/schema-part-merge";

function table(name: string, columns: Array<Partial<ColumnSchema> & { name: string }>, extra: Partial<TableSchema> = {}): TableSchema {
  return { name, columns: Object.fromEntries(columns.map((c) => [c.name, { nullable: true, ...c } as ColumnSchema])), ...extra };
}

const text = (name: string) => ({ name, dataType: "text" as const });
const bigint = (name: string) => ({ name, dataType: "bigint" as const });

describe("mergePartTables", () => {
  it("appends the part's new columns and tables after what the package has, in the part's order", () => {
    const start = { items: table("items", [bigint("id")]) };
    const merged = { items: table("items", [bigint("id"), text("a")]), items__tags: table("items__tags", [text("value")], { parent: "items" }) };
    const end = {
      items: table("items", [bigint("id"), text("b"), text("a")]),
      items__links: table("items__links", [text("url")], { parent: "items" }),
      items__tags: table("items__tags", [text("value")], { parent: "items" }),
    };
    expect(mergePartTables(merged, start, end)).toBe(true);
    expect(Object.keys(merged)).toEqual(["items", "items__tags", "items__links"]);
    expect(Object.keys(merged.items.columns)).toEqual(["id", "a", "b"]);
  });

  it("refuses a part that typed a column otherwise than a part merged meanwhile, and changes nothing", () => {
    const start = { items: table("items", [bigint("id")]) };
    const merged = { items: table("items", [bigint("id"), text("code")]) };
    const end = { items: table("items", [bigint("id"), bigint("code"), text("code__v_text"), text("other")]) };
    const before = JSON.stringify(merged);
    expect(mergePartTables(merged, start, end)).toBe(false);
    expect(JSON.stringify(merged)).toBe(before);
  });

  it("takes a widening the part made to a column that nobody else changed", () => {
    const start = { items: table("items", [bigint("id"), bigint("amount")]) };
    const merged = structuredClone(start);
    const end = { items: table("items", [bigint("id"), { name: "amount", dataType: "double" }]) };
    expect(mergePartTables(merged, start, end)).toBe(true);
    expect(merged.items.columns.amount!.dataType).toBe("double");
  });

  it("marks a table created from hints as having seen data when the part wrote rows to it", () => {
    const start = { items: table("items", [], { seenData: false }) };
    const merged = structuredClone(start);
    expect(mergePartTables(merged, start, { items: table("items", [bigint("id")]) })).toBe(true);
    expect(merged.items).not.toHaveProperty("seenData");
  });

  it("refuses a part that flattened what a column, json since it started, keeps whole", () => {
    const start = { items: table("items", [bigint("id")]) };
    const merged = { items: table("items", [bigint("id"), { name: "a__b", dataType: "json" }]) };
    const end = { items: table("items", [bigint("id"), text("a__b__c")]) };
    expect(mergePartTables(merged, start, end)).toBe(false);
  });
});

describe("mergeUpdates", () => {
  it("records tables and columns in first order, each as the merged tables hold it now", () => {
    const tables = { items: table("items", [bigint("id"), { name: "amount", dataType: "double" }]) };
    const updates = { items: table("items", [bigint("id")]) };
    mergeUpdates(updates, { items: table("items", [bigint("amount")]) }, tables);
    expect(Object.keys(updates.items.columns)).toEqual(["id", "amount"]);
    expect(updates.items.columns.amount).toBe(tables.items.columns.amount);
  });
});
