import { DuckdbDialect } from "../src/duckdb-dialect";
import { MssqlDialect } from "../src/mssql-dialect";
import { PostgresDialect } from "../src/postgres-dialect";
import type { CatalogColumn, ReflectionLevel, SqlDialect } from "../src/source-connection";

/* Catalog types → dlt column hints, per database (the table in the README). */

function hints(dialect: SqlDialect, dataType: string, extra: Partial<CatalogColumn> = {}, level: ReflectionLevel = "full") {
  return dialect.typeHints({ name: "c", dataType, nullable: true, ...extra }, level);
}

describe("Postgres types", () => {
  const pg = new PostgresDialect();
  it.each([
    ["smallint", {}, { dataType: "bigint" }],
    ["integer", {}, { dataType: "bigint" }],
    ["bigint", {}, { dataType: "bigint" }],
    ["numeric", { precision: 12, scale: 2 }, { dataType: "decimal", precision: 12, scale: 2 }],
    ["numeric", {}, { dataType: "decimal" }],
    ["real", {}, { dataType: "double" }],
    ["double precision", {}, { dataType: "double" }],
    ["boolean", {}, { dataType: "bool" }],
    ["character varying", { length: 20 }, { dataType: "text" }],
    ["text", {}, { dataType: "text" }],
    ["uuid", {}, { dataType: "text" }],
    ["USER-DEFINED", {}, { dataType: "text" }],
    ["bytea", {}, { dataType: "binary" }],
    ["date", {}, { dataType: "date" }],
    ["time without time zone", {}, { dataType: "time" }],
    ["time with time zone", {}, { dataType: "time" }],
    ["timestamp without time zone", {}, { dataType: "timestamp", timezone: false }],
    ["timestamp with time zone", {}, { dataType: "timestamp" }],
    ["json", {}, { dataType: "json" }],
    ["jsonb", {}, { dataType: "json" }],
    ["ARRAY", {}, { dataType: "json" }],
    ["interval", {}, {}],
    ["money", {}, {}],
    ["inet", {}, {}],
  ])("%s %j → %j", (type, extra, expected) => {
    expect(hints(pg, type, extra)).toEqual(expected);
  });

  it("full_with_precision adds integer sizes and text lengths", () => {
    expect(hints(pg, "smallint", {}, "full_with_precision")).toEqual({ dataType: "bigint", precision: 16 });
    expect(hints(pg, "integer", {}, "full_with_precision")).toEqual({ dataType: "bigint", precision: 32 });
    expect(hints(pg, "character varying", { length: 20 }, "full_with_precision")).toEqual({ dataType: "text", precision: 20 });
  });
});

describe("DuckDB types", () => {
  const duck = new DuckdbDialect();
  it.each([
    ["TINYINT", {}, { dataType: "bigint" }],
    ["INTEGER", {}, { dataType: "bigint" }],
    ["BIGINT", {}, { dataType: "bigint" }],
    ["UBIGINT", {}, { dataType: "wei" }],
    ["HUGEINT", {}, { dataType: "wei" }],
    ["DECIMAL(18,3)", { precision: 18, scale: 3 }, { dataType: "decimal", precision: 18, scale: 3 }],
    ["DOUBLE", {}, { dataType: "double" }],
    ["BOOLEAN", {}, { dataType: "bool" }],
    ["VARCHAR", {}, { dataType: "text" }],
    ["UUID", {}, { dataType: "text" }],
    ["BLOB", {}, { dataType: "binary" }],
    ["DATE", {}, { dataType: "date" }],
    ["TIME", {}, { dataType: "time" }],
    ["TIMESTAMP", {}, { dataType: "timestamp", timezone: false }],
    ["TIMESTAMP_NS", {}, { dataType: "timestamp", timezone: false }],
    ["TIMESTAMP WITH TIME ZONE", {}, { dataType: "timestamp" }],
    ["JSON", {}, { dataType: "json" }],
    ["INTEGER[]", {}, { dataType: "json" }],
    ["STRUCT(a INTEGER)", {}, { dataType: "json" }],
    ["MAP(VARCHAR, INTEGER)", {}, { dataType: "json" }],
    ["INTERVAL", {}, {}],
  ])("%s %j → %j", (type, extra, expected) => {
    expect(hints(duck, type, extra)).toEqual(expected);
  });
});

describe("SQL Server types", () => {
  const ms = new MssqlDialect();
  it.each([
    ["bit", {}, { dataType: "bool" }],
    ["tinyint", {}, { dataType: "bigint" }],
    ["int", {}, { dataType: "bigint" }],
    ["bigint", {}, { dataType: "bigint" }],
    ["decimal", { precision: 12, scale: 2 }, { dataType: "decimal", precision: 12, scale: 2 }],
    ["numeric", { precision: 38, scale: 0 }, { dataType: "decimal", precision: 38, scale: 0 }],
    ["money", {}, { dataType: "decimal", precision: 19, scale: 4 }],
    ["smallmoney", {}, { dataType: "decimal", precision: 10, scale: 4 }],
    ["float", {}, { dataType: "double" }],
    ["nvarchar", { length: -1 }, { dataType: "text" }],
    ["uniqueidentifier", {}, { dataType: "text" }],
    ["varbinary", { length: 16 }, { dataType: "binary" }],
    ["date", {}, { dataType: "date" }],
    ["time", {}, { dataType: "time" }],
    ["datetime", {}, { dataType: "timestamp", timezone: false }],
    ["datetime2", {}, { dataType: "timestamp", timezone: false }],
    ["datetimeoffset", {}, { dataType: "timestamp" }],
    ["sql_variant", {}, {}],
  ])("%s %j → %j", (type, extra, expected) => {
    expect(hints(ms, type, extra)).toEqual(expected);
  });

  it("full_with_precision: lengths, not for (max)", () => {
    expect(hints(ms, "nvarchar", { length: 20 }, "full_with_precision")).toEqual({ dataType: "text", precision: 20 });
    expect(hints(ms, "nvarchar", { length: -1 }, "full_with_precision")).toEqual({ dataType: "text" });
  });
});
