import { DestinationTerminalException, type ColumnSchema, type TableSchema } from "@dlt-ts/core";
import { PostgresTypeMapper, postgresCapabilities } from "@dlt-ts/destination-postgres";

const mapper = new PostgresTypeMapper(postgresCapabilities());
const table: TableSchema = { name: "t", columns: {} };
const to = (column: Omit<ColumnSchema, "name">) => mapper.toDestinationType({ name: "c", ...column }, table);

describe("PostgresTypeMapper", () => {
  test.each([
    [{ dataType: "text" }, "varchar"],
    [{ dataType: "text", precision: 64 }, "varchar(64)"],
    [{ dataType: "double" }, "double precision"],
    [{ dataType: "bool" }, "boolean"],
    [{ dataType: "timestamp" }, "timestamp with time zone"],
    [{ dataType: "timestamp", precision: 3 }, "timestamp (3) with time zone"],
    [{ dataType: "timestamp", timezone: false }, "timestamp without time zone"],
    [{ dataType: "date" }, "date"],
    [{ dataType: "time" }, "time without time zone"],
    [{ dataType: "time", precision: 0 }, "time (0) without time zone"],
    [{ dataType: "bigint" }, "bigint"],
    [{ dataType: "bigint", precision: 8 }, "smallint"],
    [{ dataType: "bigint", precision: 32 }, "integer"],
    [{ dataType: "bigint", precision: 64 }, "bigint"],
    [{ dataType: "binary" }, "bytea"],
    [{ dataType: "json" }, "jsonb"],
    [{ dataType: "decimal" }, "numeric(38,9)"],
    [{ dataType: "decimal", precision: 10, scale: 2 }, "numeric(10,2)"],
    [{ dataType: "decimal", precision: 5 }, "numeric(5,5)"],
    [{ dataType: "wei" }, "numeric(156,78)"],
  ] as [Omit<ColumnSchema, "name">, string][])("%j → %s", (column, expected) => {
    expect(to(column)).toBe(expected);
  });

  test("unmappable precisions fail naming table and column", () => {
    expect(() => to({ dataType: "bigint", precision: 128 })).toThrow(DestinationTerminalException);
    expect(() => to({ dataType: "bigint", precision: 128 })).toThrow('Column "c" of table "t" is a bigint of 128 bits');
    expect(() => to({ dataType: "timestamp", precision: 9 })).toThrow(/precision 9; Postgres keeps 0 to 6/);
    expect(() => to({})).toThrow(/has no data type/);
  });

  test.each([
    ["character varying", null, null, { dataType: "text" }],
    ["character varying", 10, null, { dataType: "text", precision: 10 }],
    ["double precision", null, null, { dataType: "double" }],
    ["boolean", null, null, { dataType: "bool" }],
    ["timestamp with time zone", 6, null, { dataType: "timestamp" }],
    ["timestamp with time zone", 3, null, { dataType: "timestamp", precision: 3 }],
    ["timestamp without time zone", 6, null, { dataType: "timestamp", timezone: false }],
    ["date", null, null, { dataType: "date" }],
    ["time without time zone", 6, null, { dataType: "time" }],
    ["bigint", 64, 0, { dataType: "bigint" }],
    ["integer", 32, 0, { dataType: "bigint", precision: 32 }],
    ["smallint", 16, 0, { dataType: "bigint", precision: 16 }],
    ["bytea", null, null, { dataType: "binary" }],
    ["jsonb", null, null, { dataType: "json" }],
    ["numeric", 38, 9, { dataType: "decimal", precision: 38, scale: 9 }],
    ["numeric", 156, 78, { dataType: "wei" }],
    ["tsvector", null, null, { dataType: "text" }],
  ] as [string, number | null, number | null, object][])("reads back %s(%s,%s)", (dbType, p, s, expected) => {
    expect(mapper.fromDestinationType(dbType, p, s)).toEqual(expected);
  });
});
