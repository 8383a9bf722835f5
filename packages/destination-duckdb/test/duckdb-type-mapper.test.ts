import { DestinationTerminalException, type ColumnSchema, type DataType, type TableSchema } from "@dlt-ts/core";
import { DuckdbTypeMapper, duckdbCapabilities } from "@dlt-ts/destination-duckdb";

const mapper = new DuckdbTypeMapper(duckdbCapabilities());
const table: TableSchema = { name: "t", columns: {} };
const to = (dataType: DataType, hints: Partial<ColumnSchema> = {}) => mapper.toDestinationType({ name: "c", dataType, ...hints }, table);

describe("DuckdbTypeMapper", () => {
  test("maps every dlt type as dlt's duckdb destination does", () => {
    expect(
      Object.fromEntries((["text", "double", "bool", "timestamp", "date", "time", "bigint", "binary", "json", "decimal", "wei"] as const).map((t) => [t, to(t)])),
    ).toEqual({
      text: "VARCHAR",
      double: "DOUBLE",
      bool: "BOOLEAN",
      timestamp: "TIMESTAMP WITH TIME ZONE",
      date: "DATE",
      time: "TIME",
      bigint: "BIGINT",
      binary: "BLOB",
      json: "JSON",
      decimal: "DECIMAL(38,9)",
      wei: "DECIMAL(38,0)",
    });
  });

  test("precision and scale hints", () => {
    expect(to("text", { precision: 10 })).toBe("VARCHAR");
    expect(to("decimal", { precision: 10, scale: 2 })).toBe("DECIMAL(10,2)");
    expect(to("decimal", { precision: 5 })).toBe("DECIMAL(5,5)");
    expect([8, 16, 32, 64, 128].map((bits) => to("bigint", { precision: bits }))).toEqual(["TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT"]);
    expect(to("bigint", { precision: 12 })).toBe("SMALLINT");
    expect(() => to("bigint", { precision: 256 })).toThrow(/256 bits, wider than any DuckDB integer type/);
    expect(() => to("decimal", { precision: 50, scale: 2 })).toThrow(DestinationTerminalException);
  });

  test("timestamps: a time zone only at microseconds; other precisions and timezone: false are naive", () => {
    expect(to("timestamp", { precision: 6 })).toBe("TIMESTAMP WITH TIME ZONE");
    expect(to("timestamp", { timezone: false })).toBe("TIMESTAMP");
    expect([0, 3, 6, 9].map((precision) => to("timestamp", { precision, timezone: false }))).toEqual([
      "TIMESTAMP_S",
      "TIMESTAMP_MS",
      "TIMESTAMP",
      "TIMESTAMP_NS",
    ]);
    expect(to("timestamp", { precision: 3 })).toBe("TIMESTAMP_MS");
    expect(() => to("timestamp", { precision: 3, timezone: true })).toThrow(/time zone only with precision 6/);
    expect(() => to("timestamp", { precision: 5 })).toThrow(/0, 3, 6 or 9/);
    expect(to("time", { precision: 3 })).toBe("TIME");
    expect(() => to("time", { precision: 9 })).toThrow(/at most 6/);
  });

  test("reverse: the names information_schema reports", () => {
    expect(mapper.fromDestinationType("VARCHAR")).toEqual({ dataType: "text" });
    expect(mapper.fromDestinationType("BIGINT", 64, 0)).toEqual({ dataType: "bigint" });
    expect(mapper.fromDestinationType("INTEGER", 32, 0)).toEqual({ dataType: "bigint", precision: 32 });
    expect(mapper.fromDestinationType("HUGEINT", 128, 0)).toEqual({ dataType: "bigint", precision: 128 });
    expect(mapper.fromDestinationType("DECIMAL(38,9)", 38, 9)).toEqual({ dataType: "decimal", precision: 38, scale: 9 });
    expect(mapper.fromDestinationType("decimal(10,2)")).toEqual({ dataType: "decimal", precision: 10, scale: 2 });
    expect(mapper.fromDestinationType("DECIMAL(38,0)", 38, 0)).toEqual({ dataType: "wei" });
    expect(mapper.fromDestinationType("TIMESTAMP WITH TIME ZONE")).toEqual({ dataType: "timestamp" });
    expect(mapper.fromDestinationType("TIMESTAMP")).toEqual({ dataType: "timestamp", timezone: false });
    expect(mapper.fromDestinationType("TIMESTAMP_MS")).toEqual({ dataType: "timestamp", timezone: false, precision: 3 });
    expect(mapper.fromDestinationType("JSON")).toEqual({ dataType: "json" });
    expect(mapper.fromDestinationType("BLOB")).toEqual({ dataType: "binary" });
    expect(mapper.fromDestinationType("BOOLEAN")).toEqual({ dataType: "bool" });
    expect(mapper.fromDestinationType("DATE")).toEqual({ dataType: "date" });
    expect(mapper.fromDestinationType("TIME")).toEqual({ dataType: "time" });
    expect(mapper.fromDestinationType("INTERVAL")).toEqual({ dataType: "text" });
  });

  test("round trip: every type maps back to itself", () => {
    const hinted: [DataType, Partial<ColumnSchema>][] = [
      ["bigint", { precision: 16 }],
      ["timestamp", { timezone: false, precision: 9 }],
      ["decimal", { precision: 12, scale: 3 }],
    ];
    for (const dataType of ["text", "double", "bool", "timestamp", "date", "time", "bigint", "binary", "json", "decimal", "wei"] as const) {
      hinted.push([dataType, {}]);
    }
    for (const [dataType, hints] of hinted) {
      const type = to(dataType, hints);
      const decimal = /DECIMAL\((\d+),(\d+)\)/.exec(type);
      const back = mapper.fromDestinationType(type, decimal ? Number(decimal[1]) : null, decimal ? Number(decimal[2]) : null);
      expect([type, back.dataType]).toEqual([type, dataType]);
      if (hints.precision !== undefined) expect(back.precision).toBe(hints.precision);
    }
  });
});
