import { DestinationTerminalException, type ColumnSchema, type TableSchema } from "@dlt-ts/core";
import { MssqlTypeMapper, mssqlCapabilities } from "@dlt-ts/destination-mssql";

const mapper = new MssqlTypeMapper(mssqlCapabilities());
const table: TableSchema = { name: "t", columns: {} };
const to = (column: Omit<ColumnSchema, "name">) => mapper.toDestinationType({ name: "c", ...column }, table);

describe("dlt types → SQL Server types", () => {
  test.each<[Omit<ColumnSchema, "name">, string]>([
    [{ dataType: "text" }, "nvarchar(max)"],
    [{ dataType: "text", precision: 64 }, "nvarchar(64)"],
    [{ dataType: "text", precision: 4000 }, "nvarchar(4000)"],
    [{ dataType: "text", precision: 4001 }, "nvarchar(max)"],
    [{ dataType: "text", unique: true }, "nvarchar(900)"],
    [{ dataType: "text", unique: true, precision: 100 }, "nvarchar(100)"],
    [{ dataType: "text", unique: true, precision: 2000 }, "nvarchar(900)"],
    [{ dataType: "double" }, "float"],
    [{ dataType: "bool" }, "bit"],
    [{ dataType: "timestamp" }, "datetimeoffset"],
    [{ dataType: "timestamp", precision: 3 }, "datetimeoffset(3)"],
    [{ dataType: "timestamp", precision: 7 }, "datetimeoffset(7)"],
    [{ dataType: "timestamp", timezone: false }, "datetime2"],
    [{ dataType: "timestamp", timezone: false, precision: 0 }, "datetime2(0)"],
    [{ dataType: "date" }, "date"],
    [{ dataType: "time" }, "time"],
    [{ dataType: "time", precision: 3 }, "time(3)"],
    [{ dataType: "bigint" }, "bigint"],
    [{ dataType: "bigint", precision: 8 }, "tinyint"],
    [{ dataType: "bigint", precision: 16 }, "smallint"],
    [{ dataType: "bigint", precision: 32 }, "int"],
    [{ dataType: "bigint", precision: 64 }, "bigint"],
    [{ dataType: "binary" }, "varbinary(max)"],
    [{ dataType: "binary", precision: 16 }, "varbinary(16)"],
    [{ dataType: "binary", precision: 9000 }, "varbinary(max)"],
    [{ dataType: "json" }, "nvarchar(max)"],
    [{ dataType: "decimal" }, "decimal(38,9)"],
    [{ dataType: "decimal", precision: 10, scale: 2 }, "decimal(10,2)"],
    [{ dataType: "decimal", precision: 5 }, "decimal(5,5)"],
    [{ dataType: "wei" }, "decimal(38,0)"],
  ])("%j → %s", (column, type) => {
    expect(to(column)).toBe(type);
  });

  test.each<[Omit<ColumnSchema, "name">, RegExp]>([
    [{ dataType: "bigint", precision: 65 }, /wider than any SQL Server integer type/],
    [{ dataType: "timestamp", precision: 8 }, /0 to 7 fractional second digits/],
    [{ dataType: "time", precision: -1 }, /0 to 7 fractional second digits/],
    [{ dataType: "text", precision: 0 }, /length 0/],
    [{}, /has no data type/],
  ])("%j fails: %s", (column, message) => {
    expect(() => to(column)).toThrow(DestinationTerminalException);
    expect(() => to(column)).toThrow(message);
  });
});

describe("SQL Server types → dlt types", () => {
  test.each<[string, number | null, number | null, object]>([
    ["nvarchar", -1, null, { dataType: "text" }],
    ["nvarchar", 64, null, { dataType: "text", precision: 64 }],
    ["NVARCHAR", 900, null, { dataType: "text", precision: 900 }],
    ["varchar", 10, null, { dataType: "text", precision: 10 }],
    ["ntext", 1073741823, null, { dataType: "text" }],
    ["uniqueidentifier", null, null, { dataType: "text" }],
    ["float", 53, null, { dataType: "double" }],
    ["real", 24, null, { dataType: "double" }],
    ["bit", null, null, { dataType: "bool" }],
    ["datetimeoffset", 7, null, { dataType: "timestamp" }],
    ["datetimeoffset", 3, null, { dataType: "timestamp", precision: 3 }],
    ["datetime2", 7, null, { dataType: "timestamp", timezone: false }],
    ["datetime2", 0, null, { dataType: "timestamp", timezone: false, precision: 0 }],
    ["datetime", 3, null, { dataType: "timestamp", timezone: false }],
    ["date", 0, null, { dataType: "date" }],
    ["time", 7, null, { dataType: "time" }],
    ["time", 3, null, { dataType: "time", precision: 3 }],
    ["bigint", 19, 0, { dataType: "bigint" }],
    ["int", 10, 0, { dataType: "bigint", precision: 32 }],
    ["smallint", 5, 0, { dataType: "bigint", precision: 16 }],
    ["tinyint", 3, 0, { dataType: "bigint", precision: 8 }],
    ["varbinary", -1, null, { dataType: "binary" }],
    ["varbinary", 16, null, { dataType: "binary", precision: 16 }],
    ["decimal", 38, 9, { dataType: "decimal", precision: 38, scale: 9 }],
    ["numeric", 10, 2, { dataType: "decimal", precision: 10, scale: 2 }],
    ["decimal", 38, 0, { dataType: "wei" }],
    ["geography", null, null, { dataType: "text" }],
  ])("%s(%j, %j) → %j", (type, precision, scale, expected) => {
    expect(mapper.fromDestinationType(type, precision, scale)).toEqual(expected);
  });

  test("every type written reads back as the same dlt type", () => {
    const cases: Omit<ColumnSchema, "name">[] = [
      { dataType: "text" },
      { dataType: "double" },
      { dataType: "bool" },
      { dataType: "timestamp" },
      { dataType: "timestamp", timezone: false },
      { dataType: "date" },
      { dataType: "time" },
      { dataType: "bigint" },
      { dataType: "bigint", precision: 32 },
      { dataType: "binary" },
      { dataType: "json" },
      { dataType: "decimal" },
      { dataType: "wei" },
    ];
    for (const column of cases) {
      const type = to(column);
      const name = type.replace(/\(.*$/, "");
      const args = /\((\d+)(?:,(\d+))?\)/.exec(type);
      const back = mapper.fromDestinationType(name, args ? Number(args[1]) : name.startsWith("datetime") || name === "time" ? 7 : -1, args?.[2] ? Number(args[2]) : null);
      // json is stored as nvarchar(max): it reads back as text, as in dlt.
      expect([type, back.dataType]).toEqual([type, column.dataType === "json" ? "text" : column.dataType]);
    }
  });
});
