import pg from "pg";
import { duckdbValueConverter } from "../src/duckdb-values";
import { int64Value } from "../src/int64-value";
import { sourceTypeParsers } from "../src/postgres-values";
import { dateText, microsToNaiveText, microsToUtcText, naiveTimestampText, timeText, utcTimestampText, utcTimeText } from "../src/temporal-text";

/* Driver values → what dlt-ts keeps: exact numbers, timestamps as text with microseconds. */

describe("temporal text", () => {
  it("timestamptz as Postgres writes it in UTC becomes canonical UTC text", () => {
    expect(utcTimestampText("2024-05-01 10:20:45.176451+00")).toBe("2024-05-01T10:20:45.176451Z");
    expect(utcTimestampText("2024-05-01 10:20:45+00")).toBe("2024-05-01T10:20:45Z");
    expect(utcTimestampText("2024-05-01 12:20:45.5+02")).toBe("2024-05-01T10:20:45.5Z");
    // Not an ISO date-time: left as the database wrote it.
    expect(utcTimestampText("infinity")).toBe("infinity");
    expect(utcTimestampText("0044-03-15 12:00:00+00 BC")).toBe("0044-03-15 12:00:00+00 BC");
  });

  it("naive timestamps keep their wall-clock time and at most 6 fraction digits", () => {
    expect(naiveTimestampText("2024-05-01 10:20:45.176451")).toBe("2024-05-01T10:20:45.176451");
    expect(naiveTimestampText("2024-05-01T10:20:45.1234567")).toBe("2024-05-01T10:20:45.123456");
    expect(naiveTimestampText("2024-05-01T10:20:45")).toBe("2024-05-01T10:20:45");
  });

  it("times: 6 fraction digits, a zone applied", () => {
    expect(timeText("10:20:45.1234567")).toBe("10:20:45.123456");
    expect(timeText("10:20:45")).toBe("10:20:45");
    expect(utcTimeText("10:20:45.5+02")).toBe("08:20:45.5");
    expect(utcTimeText("01:00:00-03:30")).toBe("04:30:00");
    expect(utcTimeText("01:00:00+02")).toBe("23:00:00");
  });

  it("microseconds and days since the epoch", () => {
    expect(microsToUtcText(1714558845176451n)).toBe("2024-05-01T10:20:45.176451Z");
    expect(microsToNaiveText(-1n)).toBe("1969-12-31T23:59:59.999999");
    expect(microsToUtcText(0n)).toBe("1970-01-01T00:00:00Z");
    expect(dateText(19844)).toBe("2024-05-01");
    expect(microsToUtcText(9223372036854775807n)).toBeUndefined();
  });
});

describe("Postgres type parsers", () => {
  const types = sourceTypeParsers(pg.types);
  const parse = (oid: number, text: string) => types.getTypeParser(oid, "text")(text);

  it("int8 exact: a number when safe, else a bigint", () => {
    expect(int64Value("42")).toBe(42);
    expect(int64Value("9007199254740993")).toBe(9007199254740993n);
    expect(parse(20, "-9223372036854775808")).toBe(-9223372036854775808n);
    expect(parse(1016, "{1,9007199254740993,NULL}")).toEqual([1, 9007199254740993n, null]);
  });

  it("numeric, dates, times, intervals as text; timestamps canonical", () => {
    expect(parse(1700, "12345678901234567890.123456789012345678")).toBe("12345678901234567890.123456789012345678");
    expect(parse(1082, "2024-05-01")).toBe("2024-05-01");
    expect(parse(1184, "2024-05-01 10:20:45.176451+00")).toBe("2024-05-01T10:20:45.176451Z");
    expect(parse(1114, "2024-05-01 10:20:45.176451")).toBe("2024-05-01T10:20:45.176451");
    expect(parse(1266, "10:20:45+02")).toBe("08:20:45");
    expect(parse(1186, "P1DT2H")).toBe("P1DT2H");
    expect(parse(1185, '{"2024-05-01 10:20:45.176451+00",NULL}')).toEqual(["2024-05-01T10:20:45.176451Z", null]);
  });

  it("leaves the other types to pg: json parsed, int4 a number", () => {
    expect(parse(3802, '{"a":1}')).toEqual({ a: 1 });
    expect(parse(23, "7")).toBe(7);
    expect(types.getTypeParser(20, "binary")).toBe(pg.types.getTypeParser(20, "binary"));
    // The connection's parsers only: pg's global ones are left as they were.
    expect(pg.types.getTypeParser(20, "text")("9007199254740993")).toBe("9007199254740993");
  });
});

describe("DuckDB values", () => {
  const convert = (type: Parameters<typeof duckdbValueConverter>[0], value: unknown) => duckdbValueConverter(type)(value);

  it("integers exact, decimals as text, JSON parsed", () => {
    expect(convert({ typeId: 5 }, 42n)).toBe(42);
    expect(convert({ typeId: 16 }, 2n ** 100n)).toBe(2n ** 100n);
    expect(convert({ typeId: 19 }, { toString: () => "1.50" })).toBe("1.50");
    expect(convert({ typeId: 17, alias: "JSON" }, '{"a":[1]}')).toEqual({ a: [1] });
    expect(convert({ typeId: 17 }, '{"a":[1]}')).toBe('{"a":[1]}');
  });

  it("timestamps, dates and times as text with microseconds", () => {
    expect(convert({ typeId: 31 }, { micros: 1714558845176451n })).toBe("2024-05-01T10:20:45.176451Z");
    expect(convert({ typeId: 12 }, { micros: 1714558845176451n })).toBe("2024-05-01T10:20:45.176451");
    expect(convert({ typeId: 22 }, { nanos: 1714558845176451999n })).toBe("2024-05-01T10:20:45.176451");
    expect(convert({ typeId: 13 }, { days: 19844 })).toBe("2024-05-01");
    expect(convert({ typeId: 14 }, { micros: 37245123456n })).toBe("10:20:45.123456");
    const infinite = { micros: 9223372036854775807n, toString: () => "infinity" };
    expect(convert({ typeId: 31 }, infinite)).toBe("infinity");
  });

  it("nested values element by element", () => {
    const list = { typeId: 24, valueType: { typeId: 19 } };
    expect(convert(list, { items: [{ toString: () => "1.10" }, null] })).toEqual(["1.10", null]);
    const struct = { typeId: 25, entryNames: ["at", "n"], entryTypes: [{ typeId: 13 }, { typeId: 4 }] };
    expect(convert(struct, { entries: { at: { days: 0 }, n: 3 } })).toEqual({ at: "1970-01-01", n: 3 });
    const map = { typeId: 26, keyType: { typeId: 17 }, valueType: { typeId: 5 } };
    expect(convert(map, { entries: [{ key: "a", value: 1n }] })).toEqual({ a: 1 });
    const intMap = { typeId: 26, keyType: { typeId: 4 }, valueType: { typeId: 17 } };
    expect(convert(intMap, { entries: [{ key: 1, value: "x" }] })).toEqual([{ key: 1, value: "x" }]);
  });
});
