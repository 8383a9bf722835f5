import { ColumnSlots, isCanonicalUtcTimestamp, Schema, SchemaEvolver, slottedRowToObject, SnakeCaseNamingConvention } from "@dlt-ts/core";

function evolver(schema = new Schema("s")): SchemaEvolver {
  return new SchemaEvolver(schema, new SnakeCaseNamingConvention());
}

describe("SchemaEvolver", () => {
  it("creates columns from the first non-null value, nullable, in order of arrival", () => {
    const e = evolver();
    const table = e.ensureTable("items", undefined, { writeDisposition: "append" });
    e.coerceRow(table, { id: 1, name: null });
    e.coerceRow(table, { id: 2, name: "b", at: "2022-01-01T00:00:00Z" });
    expect(Object.values(table.columns).map((c) => [c.name, c.dataType, c.nullable])).toEqual([
      ["id", "bigint", true],
      ["name", "text", true],
      ["at", "timestamp", true],
    ]);
  });

  it("creates no column for fields that are always null", () => {
    const e = evolver();
    const table = e.ensureTable("items");
    e.coerceRow(table, { id: 1, nothing: null });
    expect(table.columns.nothing).toBeUndefined();
  });

  it("sends values that do not coerce to a variant column", () => {
    const e = evolver();
    const table = e.ensureTable("items");
    e.coerceRow(table, { n: 5 });
    const row = e.coerceRow(table, { n: "five" });
    expect(row).toEqual({ n: undefined, n__v_text: "five" });
    expect(table.columns.n__v_text).toMatchObject({ dataType: "text", variant: true, nullable: true });
  });

  it("coerces values that fit the existing type", () => {
    const e = evolver();
    const table = e.ensureTable("items");
    e.coerceRow(table, { label: "x" });
    expect(e.coerceRow(table, { label: 7 })).toEqual({ label: "7" });
  });

  it("widens a bigint column created in this run to double when a fraction arrives", () => {
    const e = evolver();
    const table = e.ensureTable("items");
    e.coerceRow(table, { amount: 0 });
    expect(e.coerceRow(table, { amount: 0.37 })).toEqual({ amount: 0.37 });
    expect(table.columns.amount!.dataType).toBe("double");
    expect(e.updates.items!.columns.amount!.dataType).toBe("double");
  });

  it("keeps the type of a column an earlier run created, using a variant", () => {
    const schema = new Schema("s");
    const first = evolver(schema);
    first.coerceRow(first.ensureTable("items"), { amount: 1 });
    const second = evolver(schema);
    const row = second.coerceRow(second.ensureTable("items"), { amount: 0.5 });
    expect(row).toEqual({ amount: undefined, amount__v_double: 0.5 });
  });

  it("lets user hints decide the type", () => {
    const e = evolver();
    const table = e.ensureTable("items");
    e.applyColumnHints(table, { price: { dataType: "decimal" }, id: { primaryKey: true } });
    const row = e.coerceRow(table, { id: 1, price: 10 });
    expect(row.price).toBe(10);
    expect(table.columns.price!.dataType).toBe("decimal");
    expect(table.columns.id).toMatchObject({ dataType: "bigint", primaryKey: true });
  });

  it("records new tables and new columns as the schema update", () => {
    const schema = new Schema("s");
    const first = evolver(schema);
    first.coerceRow(first.ensureTable("items"), { a: 1 });
    const second = evolver(schema);
    second.coerceRow(second.ensureTable("items"), { a: 2, b: "new" });
    expect(Object.keys(second.updates.items!.columns)).toEqual(["b"]);
  });

  it("bumps the schema version only when the content changes", () => {
    const schema = new Schema("s");
    const v = schema.version;
    expect(schema.bumpVersion()).toBe(false);
    const e = evolver(schema);
    e.coerceRow(e.ensureTable("items"), { a: 1 });
    expect(schema.bumpVersion()).toBe(true);
    expect(schema.version).toBe(v + 1);
    expect(schema.previousHashes).toHaveLength(1);
  });
});

describe("SchemaEvolver with ISO timestamps", () => {
  it("keeps ISO strings in an existing text column and sends them to timestamp variants of other columns", () => {
    const e = new SchemaEvolver(new Schema("s"), new SnakeCaseNamingConvention());
    const table = e.ensureTable("items");
    e.coerceRow(table, { label: "x", n: 1 });
    expect(e.coerceRow(table, { label: "2022-01-27T08:07:08Z" })).toEqual({ label: "2022-01-27T08:07:08Z" });
    const row = e.coerceRow(table, { n: "2022-01-27T08:07:08Z" });
    expect(row.n__v_timestamp).toBe("2022-01-27T08:07:08Z");
    expect(table.columns.n__v_timestamp).toMatchObject({ dataType: "timestamp", variant: true });
  });

  it("stores canonical UTC strings as sent and other ISO forms as canonical UTC text, microseconds kept", () => {
    const e = new SchemaEvolver(new Schema("s"), new SnakeCaseNamingConvention());
    const table = e.ensureTable("items");
    expect(e.coerceRow(table, { at: "2022-01-27T08:07:08.123456Z" })).toEqual({ at: "2022-01-27T08:07:08.123456Z" });
    expect(table.columns.at!.dataType).toBe("timestamp");
    expect(e.coerceRow(table, { at: "2022-01-27T10:07:08+02:00" })).toEqual({ at: "2022-01-27T08:07:08Z" });
    expect(e.coerceRow(table, { at: "2022-01-27T10:07:08.176451+02:00" })).toEqual({ at: "2022-01-27T08:07:08.176451Z" });
    expect(e.coerceRow(table, { at: "2022-01-27T08:07:08.176451+00:00" })).toEqual({ at: "2022-01-27T08:07:08.176451Z" });
    expect(e.coerceRow(table, { at: "2022-01-27 08:07:08" })).toEqual({ at: "2022-01-27T08:07:08Z" });
    expect(e.coerceRow(table, { at: "2022-01-27 08:07:08.176451" })).toEqual({ at: "2022-01-27T08:07:08.176451Z" });
    // A JS Date stays a Date (it has milliseconds only).
    const date = new Date("2022-01-27T08:07:08.176Z");
    expect(e.coerceRow(table, { at: date })).toEqual({ at: date });
    // Not a calendar date: never kept as a timestamp.
    const bad = e.coerceRow(table, { at: "2022-02-30T08:07:08Z" });
    expect(bad.at).toBeUndefined();
    expect(bad.at__v_text).toBe("2022-02-30T08:07:08Z");
  });

  it("keeps naive values naive in a column hinted timezone: false, and makes zoned ones naive UTC", () => {
    const e = new SchemaEvolver(new Schema("s"), new SnakeCaseNamingConvention());
    const table = e.ensureTable("items");
    e.applyColumnHints(table, { at: { dataType: "timestamp", timezone: false } });
    expect(e.coerceRow(table, { at: "2022-01-27T08:07:08.176451" })).toEqual({ at: "2022-01-27T08:07:08.176451" });
    expect(e.coerceRow(table, { at: "2022-01-27 08:07:08.176451" })).toEqual({ at: "2022-01-27T08:07:08.176451" });
    expect(e.coerceRow(table, { at: "2022-01-27T10:07:08.176451+02:00" })).toEqual({ at: "2022-01-27T08:07:08.176451" });
    expect(e.coerceRow(table, { at: "2022-01-27T08:07:08Z" })).toEqual({ at: "2022-01-27T08:07:08" });
    expect(e.coerceRow(table, { at: new Date("2022-01-27T08:07:08.176Z") })).toEqual({ at: "2022-01-27T08:07:08.176" });
    expect(e.coerceRow(table, { at: 1643270828.5 })).toEqual({ at: "2022-01-27T08:07:08.5" });
  });

  it("makes naive values of a column whose only hint is timezone: false", () => {
    const e = new SchemaEvolver(new Schema("s"), new SnakeCaseNamingConvention());
    const table = e.ensureTable("items");
    e.applyColumnHints(table, { at: { timezone: false } });
    expect(e.coerceRow(table, { at: "2022-01-27T10:07:08+02:00" })).toEqual({ at: "2022-01-27T08:07:08" });
    expect(table.columns.at).toMatchObject({ dataType: "timestamp", timezone: false });
  });

  it("converts a canonical timestamp string for a date column from the instant", () => {
    const e = new SchemaEvolver(new Schema("s"), new SnakeCaseNamingConvention());
    const table = e.ensureTable("items");
    e.applyColumnHints(table, { day: { dataType: "date" } });
    expect(e.coerceRow(table, { day: "2022-01-27T08:07:08Z" })).toEqual({ day: "2022-01-27" });
  });
});

describe("isCanonicalUtcTimestamp", () => {
  it.each([
    ["2022-01-27T08:07:08Z", true],
    ["2022-01-27T08:07:08.1Z", true],
    ["2022-01-27T08:07:08.123456Z", true],
    ["2024-02-29T23:59:59Z", true],
    ["2022-01-27T08:07:08.1234567Z", false],
    ["2022-01-27T08:07:08.Z", false],
    ["2023-02-29T00:00:00Z", false],
    ["2100-02-29T00:00:00Z", false],
    ["2022-13-01T00:00:00Z", false],
    ["2022-04-31T00:00:00Z", false],
    ["2022-01-27T24:00:00Z", false],
    ["2022-01-27T08:60:00Z", false],
    ["2022-01-27T08:07:08+00:00", false],
    ["2022-01-27 08:07:08Z", false],
    ["2022-01-27T08:07:0xZ", false],
  ])("%s → %s", (text, expected) => {
    expect(isCanonicalUtcTimestamp(text)).toBe(expected);
  });
});

describe("SchemaEvolver.coerceSlottedRow", () => {
  it("follows coerceRow's rules on slot/value arrays, moving variants to their own slot", () => {
    const e = new SchemaEvolver(new Schema("s"), new SnakeCaseNamingConvention());
    const table = e.ensureTable("items");
    const columns = new ColumnSlots();
    const [id, n, at] = [columns.slotOf("id"), columns.slotOf("n"), columns.slotOf("at")];
    const first = { slots: [id, n, at], values: [1, 5, "2022-01-27T10:07:08+02:00"] };
    e.coerceSlottedRow(table, columns, first);
    expect(first.values).toEqual([1, 5, "2022-01-27T08:07:08Z"]);
    expect(table.columns.n!.dataType).toBe("bigint");

    const second = { slots: [n, id], values: ["five", "2"] };
    const revision = e.revision;
    e.coerceSlottedRow(table, columns, second);
    expect(slottedRowToObject(columns, second)).toEqual({ n__v_text: "five", id: 2 });
    expect(table.columns.n__v_text).toMatchObject({ dataType: "text", variant: true });
    expect(e.revision).toBeGreaterThan(revision);
    // The same row through the object API gives the same values.
    expect(e.coerceRow(table, { n: "five", id: "2" })).toEqual({ n: undefined, n__v_text: "five", id: 2 });
  });
});

describe("integral numbers beyond 64 bits", () => {
  it("are doubles: JSON.parse has rounded them already", () => {
    const e = new SchemaEvolver(new Schema("s"), new SnakeCaseNamingConvention());
    const table = e.ensureTable("blocks");
    e.coerceRow(table, { total_difficulty: 5.071929765554511e22, difficulty: 14467327947980844 });
    expect(table.columns.total_difficulty!.dataType).toBe("double");
    expect(table.columns.difficulty!.dataType).toBe("bigint");
  });

  it("go to a double variant of a bigint column an earlier run created", () => {
    const schema = new Schema("s");
    const first = new SchemaEvolver(schema, new SnakeCaseNamingConvention());
    first.coerceRow(first.ensureTable("t"), { n: 1 });
    const second = new SchemaEvolver(schema, new SnakeCaseNamingConvention());
    expect(second.coerceRow(second.ensureTable("t"), { n: -(2 ** 63) })).toEqual({ n: -(2 ** 63) });
    expect(second.coerceRow(second.ensureTable("t"), { n: 2 ** 63 })).toEqual({ n: undefined, n__v_double: 2 ** 63 });
  });
});
