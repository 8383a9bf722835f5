import { incremental, type BoundIncremental } from "dlt-ts";
import { DuckdbDialect } from "../src/duckdb-dialect";
import { MssqlDialect } from "../src/mssql-dialect";
import { PostgresDialect } from "../src/postgres-dialect";
import { buildSelect, cursorParameter, cursorRange, type CursorRange } from "../src/select-query";
import type { CatalogColumn, CatalogTable, SqlDialect } from "../src/source-connection";
import { CursorColumnException } from "../src/sql-source-exceptions";

/*
 * The SELECT each dialect sends, with and without an incremental range:
 * offline, so SQL Server's is checked here although no server runs.
 */

const column = (name: string, dataType: string, extra: Partial<CatalogColumn> = {}): CatalogColumn => ({ name, dataType, nullable: true, ...extra });

const table = (schema: string, columns: CatalogColumn[]): CatalogTable => ({ schema, name: "deals", columns, primaryKey: ["id"] });

/** A range on `cursor` as a bound incremental would give it. */
function range(cursor: CatalogColumn, dialect: SqlDialect, over: Partial<CursorRange> = {}): CursorRange {
  return {
    column: cursor,
    hints: dialect.typeHints(cursor, "full"),
    direction: "max",
    rangeStart: "closed",
    rangeEnd: "open",
    onCursorValueMissing: "raise",
    ...over,
  };
}

describe("buildSelect: Postgres", () => {
  const dialect = new PostgresDialect();
  const updated = column("updated_at", "timestamp with time zone");
  const t = table("public", [column("id", "integer"), column("Name", "text"), updated]);

  it("selects the columns read, quoted, from the schema-qualified table", () => {
    expect(buildSelect(dialect, t, t.columns)).toEqual({ sql: `SELECT "id", "Name", "updated_at" FROM "public"."deals"`, params: [] });
    const odd = { ...t, name: 'we"ird' };
    expect(buildSelect(dialect, odd, [t.columns[0]!]).sql).toBe(`SELECT "id" FROM "public"."we""ird"`);
  });

  it("pushes the range into WHERE and ORDER BY as dlt does", () => {
    const q = (over: Partial<CursorRange>) => buildSelect(dialect, t, t.columns, range(updated, dialect, over));
    const head = `SELECT "id", "Name", "updated_at" FROM "public"."deals"`;
    expect(q({})).toEqual({ sql: `${head} ORDER BY "updated_at" ASC`, params: [] });
    expect(q({ start: "2024-05-01T10:00:00+02:00" })).toEqual({
      sql: `${head} WHERE "updated_at" >= $1 ORDER BY "updated_at" ASC`,
      params: ["2024-05-01T08:00:00Z"],
    });
    expect(q({ start: 1, rangeStart: "open" }).sql).toBe(`${head} WHERE "updated_at" > $1 ORDER BY "updated_at" ASC`);
    expect(q({ start: 1, end: 5 }).sql).toBe(`${head} WHERE "updated_at" >= $1 AND "updated_at" < $2 ORDER BY "updated_at" ASC`);
    expect(q({ start: 1, end: 5, rangeEnd: "closed" }).sql).toBe(`${head} WHERE "updated_at" >= $1 AND "updated_at" <= $2 ORDER BY "updated_at" ASC`);
    expect(q({ direction: "min", start: 9, end: 1 }).sql).toBe(`${head} WHERE "updated_at" <= $1 AND "updated_at" > $2 ORDER BY "updated_at" DESC`);
    expect(q({ direction: "min", start: 9, rangeStart: "open", end: 1, rangeEnd: "closed" }).sql).toBe(
      `${head} WHERE "updated_at" < $1 AND "updated_at" >= $2 ORDER BY "updated_at" DESC`,
    );
    expect(q({ start: 1, rowOrder: "desc" }).sql).toBe(`${head} WHERE "updated_at" >= $1 ORDER BY "updated_at" DESC`);
    expect(q({ start: 1, onCursorValueMissing: "include" }).sql).toBe(`${head} WHERE ("updated_at" >= $1) OR "updated_at" IS NULL ORDER BY "updated_at" ASC`);
    expect(q({ start: 1, onCursorValueMissing: "exclude" }).sql).toBe(`${head} WHERE ("updated_at" >= $1) AND "updated_at" IS NOT NULL ORDER BY "updated_at" ASC`);
    expect(q({ onCursorValueMissing: "exclude" }).sql).toBe(`${head} WHERE "updated_at" IS NOT NULL ORDER BY "updated_at" ASC`);
  });
});

describe("buildSelect: DuckDB", () => {
  it("casts parameters to the cursor column's type", () => {
    const dialect = new DuckdbDialect();
    const at = column("at", "TIMESTAMP");
    const t = table("main", [column("id", "BIGINT"), at]);
    expect(buildSelect(dialect, t, t.columns, range(at, dialect, { start: "2024-05-01T10:00:00.5Z", end: new Date("2024-06-01T00:00:00Z") }))).toEqual({
      sql: `SELECT "id", "at" FROM "main"."deals" WHERE "at" >= CAST($1 AS TIMESTAMP) AND "at" < CAST($2 AS TIMESTAMP) ORDER BY "at" ASC`,
      // A column without zone gets naive bounds (UTC wall-clock time).
      params: ["2024-05-01T10:00:00.5", "2024-06-01T00:00:00.000"],
    });
  });
});

describe("buildSelect: SQL Server (offline)", () => {
  const dialect = new MssqlDialect();
  const columns = [
    column("id", "bigint"),
    column("amount", "decimal", { precision: 12, scale: 2 }),
    column("fee", "money", { precision: 19, scale: 4 }),
    column("created", "datetime2", { precision: 7 }),
    column("changed", "datetimeoffset", { precision: 7 }),
    column("legacy", "datetime", { precision: 3 }),
    column("day", "date"),
    column("clock", "time", { precision: 7 }),
    column("code", "nvarchar", { length: 20 }),
    column("note", "nvarchar", { length: -1 }),
    column("flag", "bit"),
  ];
  const t = table("dbo", columns);
  const head =
    "SELECT [id], CONVERT(varchar(50), [amount]) AS [amount], CONVERT(varchar(50), [fee], 2) AS [fee], " +
    "CONVERT(varchar(33), [created], 126) AS [created], " +
    "CONVERT(varchar(33), CONVERT(datetime2(7), SWITCHOFFSET([changed], '+00:00')), 126) AS [changed], " +
    "CONVERT(varchar(33), [legacy], 126) AS [legacy], CONVERT(char(10), [day], 23) AS [day], CONVERT(varchar(16), [clock]) AS [clock], " +
    "[code], [note], [flag] FROM [dbo].[deals]";

  it("converts in SQL what tedious would read lossily", () => {
    expect(buildSelect(dialect, t, columns)).toEqual({ sql: head, params: [] });
  });

  it("casts @p parameters to the column's full type and orders by the table's column, not the converted alias", () => {
    const at = (name: string) => columns.find((c) => c.name === name)!;
    const q = (name: string, over: Partial<CursorRange>) => buildSelect(dialect, t, columns, range(at(name), dialect, over));
    expect(q("changed", { start: "2024-05-01T10:00:00.123456+02:00" })).toEqual({
      sql: `${head} WHERE [changed] >= CAST(@p1 AS datetimeoffset(7)) ORDER BY [dbo].[deals].[changed] ASC`,
      params: ["2024-05-01T08:00:00.123456Z"],
    });
    expect(q("amount", { start: "10.5", end: 99 }).sql).toBe(
      `${head} WHERE [amount] >= CAST(@p1 AS decimal(12,2)) AND [amount] < CAST(@p2 AS decimal(12,2)) ORDER BY [dbo].[deals].[amount] ASC`,
    );
    expect(q("legacy", { start: "2024-05-01T10:00:00.123456" }).sql).toContain("WHERE [legacy] >= CAST(@p1 AS datetime2(7))");
    expect(q("created", { start: "2024-05-01T10:00:00Z" }).params).toEqual(["2024-05-01T10:00:00"]);
    expect(q("code", { start: "a" }).sql).toContain("WHERE [code] >= CAST(@p1 AS nvarchar(20))");
    expect(q("note", { start: "a" }).sql).toContain("WHERE [note] >= CAST(@p1 AS nvarchar(max))");
    expect(q("id", { start: 9007199254740993n, direction: "min" })).toMatchObject({
      sql: `${head} WHERE [id] <= CAST(@p1 AS bigint) ORDER BY [dbo].[deals].[id] DESC`,
      params: ["9007199254740993"],
    });
    expect(dialect.quoteIdentifier("a]b")).toBe("[a]]b]");
  });

  it("turns the converted text into dlt-ts's forms", () => {
    const convert = (name: string, value: unknown) => dialect.valueConverter(columns.find((c) => c.name === name)!)!(value);
    expect(convert("id", "9007199254740993")).toBe(9007199254740993n);
    expect(convert("id", "42")).toBe(42);
    expect(convert("created", "2024-05-01T10:20:45.1234567")).toBe("2024-05-01T10:20:45.123456");
    expect(convert("legacy", "2024-05-01T10:20:45")).toBe("2024-05-01T10:20:45");
    expect(convert("changed", "2024-05-01T08:20:45.1234560")).toBe("2024-05-01T08:20:45.123456Z");
    expect(convert("clock", "10:20:45.1234567")).toBe("10:20:45.123456");
    expect(dialect.valueConverter(columns.find((c) => c.name === "amount")!)).toBeUndefined();
  });
});

describe("cursorRange", () => {
  const dialect = new PostgresDialect();
  const t = table("public", [column("id", "integer"), column("updated_at", "timestamp with time zone")]);
  const bound = (options: Parameters<typeof incremental>[0]) =>
    ({
      cursorPath: options.cursorPath,
      lastValueFunc: options.lastValueFunc ?? "max",
      startValue: options.initialValue,
      endValue: options.endValue,
      rangeStart: options.rangeStart ?? "closed",
      rangeEnd: options.rangeEnd ?? "open",
      rowOrder: options.rowOrder,
      declaration: incremental(options),
    }) as unknown as BoundIncremental;

  it("takes the bound incremental's start, end, direction and options", () => {
    const r = cursorRange(bound({ cursorPath: "$.updated_at", initialValue: "2024-01-01T00:00:00Z", onCursorValueMissing: "exclude" }), t, t.columns, (c) =>
      dialect.typeHints(c, "full"),
    );
    expect(r).toMatchObject({ column: { name: "updated_at" }, direction: "max", start: "2024-01-01T00:00:00Z", onCursorValueMissing: "exclude" });
  });

  it("pushes nothing with a custom lastValueFunc, and rejects a cursor that is not a column", () => {
    expect(cursorRange(bound({ cursorPath: "id", lastValueFunc: (v: unknown[]) => v[0] }), t, t.columns, () => ({}))).toBeUndefined();
    expect(cursorRange(undefined, t, t.columns, () => ({}))).toBeUndefined();
    expect(() => cursorRange(bound({ cursorPath: "payload.id" }), t, t.columns, () => ({}))).toThrow(CursorColumnException);
    expect(() => cursorRange(bound({ cursorPath: "idx" }), t, t.columns, () => ({}))).toThrow(
      'Incremental cursor "idx" of table "deals": not a column that is read (columns: id, updated_at)',
    );
  });
});

describe("cursorParameter", () => {
  it("binds timestamps in the column's form, Dates as ISO text, bigints as digits", () => {
    expect(cursorParameter("2024-05-01 12:00:00.123456+02", { dataType: "timestamp" })).toBe("2024-05-01T10:00:00.123456Z");
    expect(cursorParameter("2024-05-01 12:00:00.123456+02", { dataType: "timestamp", timezone: false })).toBe("2024-05-01T10:00:00.123456");
    expect(cursorParameter(new Date("2024-05-01T10:00:00.5Z"), { dataType: "timestamp" })).toBe("2024-05-01T10:00:00.500Z");
    expect(cursorParameter(12n, { dataType: "bigint" })).toBe("12");
    expect(cursorParameter("a", { dataType: "text" })).toBe("a");
    expect(cursorParameter(1.5, { dataType: "double" })).toBe(1.5);
  });
});
