import { ColumnSlots, type SlottedRow } from "@dlt-ts/core";
import type { DataRow, SlottedRows } from "../../src/writers/data-row.js";
import { table, tempDir, writeWith } from "./writer-test-helpers";

/**
 * The normalizer hands writers rows as slot/value arrays; those must give
 * byte for byte the file the same rows give as objects, whatever the order
 * of a row's values, its missing columns or its keys that are not columns.
 */
describe("slotted rows", () => {
  const { dir, cleanup } = tempDir();
  afterAll(cleanup);

  const schema = table("wide", { a: "bigint", b: "text", c: "timestamp", d: "double", e: "json", f: "bool" });

  function slotted(columns: ColumnSlots, rows: DataRow[]): SlottedRows {
    return { columns, rows: rows.map((row) => ({ slots: Object.keys(row).map((key) => columns.slotOf(key)), values: Object.values(row) })) };
  }

  const rows: DataRow[] = [
    { a: 1, b: "x", c: "2024-01-01T00:00:00Z" },
    { f: true, a: 2 },
    { b: null, zzz: "not a column", c: new Date("2024-05-01T10:20:30.123Z") },
    {},
    { e: { nested: [1, "two"] }, d: 1.5, a: 3 },
    { a: 4, b: "y, with \"quotes\" and 'apostrophes'", c: "2024-01-02T00:00:00.5Z" },
    { later: "a slot given out after shapes were cached", f: false },
  ];

  it.each(["csv", "insert_values", "jsonl", "parquet"] as const)("%s: the same file as object rows", async (format) => {
    const columns = new ColumnSlots();
    const expected = await writeWith(dir, format, schema, [rows.slice(0, 4), rows.slice(4)]);
    const actual = await writeWith(dir, format, schema, [slotted(columns, rows.slice(0, 4)), slotted(columns, rows.slice(4))]);
    expect(actual.equals(expected)).toBe(true);
  });

  it.each(["csv", "insert_values", "parquet"] as const)("%s: a column given twice takes the later value", async (format) => {
    const columns = new ColumnSlots();
    const a = columns.slotOf("a");
    const b = columns.slotOf("b");
    const twice: SlottedRow = { slots: [a, b, a], values: [1, "x", 2] };
    const expected = await writeWith(dir, format, schema, [[{ a: 2, b: "x" }]]);
    expect((await writeWith(dir, format, schema, [{ columns, rows: [twice] }])).equals(expected)).toBe(true);
  });

  it.each(["csv", "insert_values"] as const)("%s: many more shapes than are remembered", async (format) => {
    const names = ["a", "b", "d", "f", "x1", "x2", "x3", "x4", "x5"];
    const many: DataRow[] = [];
    for (let shape = 0; shape < 600; shape++) {
      const row: Record<string, unknown> = {};
      // Every subset of the names, in a rotating order.
      const order = names.map((_, i) => names[(i + shape) % names.length]!);
      for (const [i, name] of order.entries()) if (shape & (1 << i)) row[name] = name === "f" ? shape % 2 === 0 : name === "b" ? `s${shape}` : shape + i / 2;
      many.push(row);
    }
    const typed = table("wide", { a: "double", b: "text", d: "double", f: "bool" });
    const expected = await writeWith(dir, format, typed, [many]);
    expect((await writeWith(dir, format, typed, [slotted(new ColumnSlots(), many)])).equals(expected)).toBe(true);
  });
});
