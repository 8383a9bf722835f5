import { toDecimalText, toUnscaledDecimal } from "../../src/writers/decimal-values.js";
import { toJsonText } from "../../src/writers/json-text.js";
import {
  formatDate,
  formatNaiveTimestamp,
  formatTime,
  formatTimestamp,
  toEpochDays,
  toEpochMicros,
  toTimeMicros,
} from "../../src/writers/temporal-values.js";
import { ValueConversionError } from "../../src/writers/value-conversion-error.js";

describe("timestamps", () => {
  it("keeps microseconds of ISO strings and converts offsets to UTC", () => {
    expect(formatTimestamp("2024-05-01T10:20:30.123456+02:00")).toBe("2024-05-01T08:20:30.123456Z");
    expect(formatTimestamp("2024-05-01 10:20:30")).toBe("2024-05-01T10:20:30.000Z");
    expect(formatTimestamp("2024-05-01")).toBe("2024-05-01T00:00:00.000Z");
    expect(formatTimestamp(new Date("2024-05-01T10:20:30.123Z"))).toBe("2024-05-01T10:20:30.123Z");
    expect(formatTimestamp("1969-12-31T23:59:59.999999Z")).toBe("1969-12-31T23:59:59.999999Z");
  });

  it("keeps canonical UTC strings as written and reads the same instant from them as from other forms", () => {
    expect(formatTimestamp("2024-05-01T10:20:30Z")).toBe("2024-05-01T10:20:30Z");
    expect(formatTimestamp("2024-05-01T10:20:30.5Z")).toBe("2024-05-01T10:20:30.5Z");
    expect(toEpochMicros("2024-05-01T10:20:30.123456Z")).toBe(toEpochMicros("2024-05-01T12:20:30.123456+02:00"));
    expect(toEpochMicros("1969-12-31T23:59:59.5Z")).toBe(-500_000n);
    expect(toEpochMicros("0001-01-01T00:00:00Z")).toBe(toEpochMicros(new Date("0001-01-01T00:00:00Z")));
    // Canonical in form, but not a calendar date: still an error.
    expect(() => formatTimestamp("2023-02-29T00:00:00Z")).toThrow(new ValueConversionError("not a valid calendar date"));
  });

  it("reads zone-less strings as UTC and numbers as epoch seconds", () => {
    expect(toEpochMicros("1970-01-01T00:00:01.5")).toBe(1_500_000n);
    expect(toEpochMicros(1.5)).toBe(1_500_000n);
    expect(toEpochMicros(2n)).toBe(2_000_000n);
    expect(toEpochMicros("2024-01-01T00:00:00-0130")).toBe(toEpochMicros("2024-01-01T01:30:00Z"));
  });

  it("rejects text that is not an ISO timestamp or not a real date", () => {
    expect(() => toEpochMicros("May 1, 2024")).toThrow(new ValueConversionError("not an ISO-8601 timestamp"));
    expect(() => toEpochMicros("2024-02-30T00:00:00Z")).toThrow("not a valid calendar date");
    expect(() => toEpochMicros(new Date(Number.NaN))).toThrow("invalid Date");
  });
});

describe("naive timestamps (columns hinted timezone: false)", () => {
  it("keep canonical naive text as written and make other values UTC wall-clock text without a zone", () => {
    expect(formatNaiveTimestamp("2024-05-01T10:20:30.176451")).toBe("2024-05-01T10:20:30.176451");
    expect(formatNaiveTimestamp("2024-05-01 10:20:30.176451")).toBe("2024-05-01T10:20:30.176451");
    expect(formatNaiveTimestamp("2024-05-01T10:20:30.176451+02:00")).toBe("2024-05-01T08:20:30.176451");
    expect(formatNaiveTimestamp("2024-05-01T10:20:30.176451Z")).toBe("2024-05-01T10:20:30.176451");
    expect(formatNaiveTimestamp(new Date("2024-05-01T10:20:30.176Z"))).toBe("2024-05-01T10:20:30.176");
  });

  it("read as the same microseconds as their UTC form in parquet", () => {
    expect(toEpochMicros("2024-05-01T10:20:30.176451")).toBe(toEpochMicros("2024-05-01T10:20:30.176451Z"));
    expect(toEpochMicros("2024-05-01T10:20:30")).toBe(toEpochMicros("2024-05-01T10:20:30Z"));
  });
});

describe("dates and times", () => {
  it("converts dates to epoch days and back", () => {
    expect(toEpochDays("1970-01-02")).toBe(1);
    expect(toEpochDays("1969-12-31")).toBe(-1);
    expect(toEpochDays(new Date("2024-05-01T23:59:59Z"))).toBe(19844);
    expect(formatDate(new Date("2024-05-01T23:59:59Z"))).toBe("2024-05-01");
    expect(formatDate("2024-05-01T23:00:00-05:00")).toBe("2024-05-01");
    expect(() => toEpochDays("05/01/2024")).toThrow("expected a YYYY-MM-DD date");
  });

  it("converts times of day to microseconds", () => {
    expect(toTimeMicros("00:00:01.000002")).toBe(1_000_002n);
    expect(toTimeMicros("23:59")).toBe(86_340_000_000n);
    expect(formatTime("12:34:56.789")).toBe("12:34:56.789");
    expect(formatTime(new Date("2024-05-01T12:34:56.789Z"))).toBe("12:34:56.789");
    expect(() => toTimeMicros("25:00:00")).toThrow("time of day out of range");
  });
});

describe("decimals", () => {
  it("writes exact plain text, never exponents", () => {
    expect(toDecimalText(1e-7)).toBe("0.0000001");
    expect(toDecimalText(1e21)).toBe("1000000000000000000000");
    expect(toDecimalText("+007.50")).toBe("7.50");
    expect(toDecimalText("-.5")).toBe("-0.5");
    expect(toDecimalText("-0.00")).toBe("0.00");
    expect(toDecimalText(123456789012345678901234567890n)).toBe("123456789012345678901234567890");
    expect(() => toDecimalText("12abc")).toThrow("not a decimal number");
    expect(() => toDecimalText(Number.NaN)).toThrow("a decimal must be finite");
  });

  it("scales to unscaled integers, rounding half away from zero", () => {
    expect(toUnscaledDecimal("12.345", 2)).toBe(1235n);
    expect(toUnscaledDecimal("-12.345", 2)).toBe(-1235n);
    expect(toUnscaledDecimal("12.344", 2)).toBe(1234n);
    expect(toUnscaledDecimal(5n, 3)).toBe(5000n);
    expect(toUnscaledDecimal("1e2", 0)).toBe(100n);
  });
});

describe("toJsonText", () => {
  it("writes bigints with every digit, bytes as base64, dates as ISO", () => {
    const value = {
      big: 2n ** 64n,
      bytes: new Uint8Array([0, 255, 1]),
      at: new Date("2024-05-01T00:00:00Z"),
      list: [1, undefined, Number.NaN, "x"],
      skipped: undefined,
    };
    expect(toJsonText(value)).toBe(
      '{"big":18446744073709551616,"bytes":"AP8B","at":"2024-05-01T00:00:00.000Z","list":[1,null,null,"x"]}',
    );
  });

  it("matches JSON.stringify for plain JSON values", () => {
    const value = { a: [1, 2.5, true, null, { b: "q\"u\\o\n\u0000😀" }], c: {} };
    expect(toJsonText(value)).toBe(JSON.stringify(value));
  });

  it("writes -0 as -0.0 (JSON.parse gives -0 back; a bare -0 reads as the integer 0 in DuckDB)", () => {
    expect(toJsonText({ d: -0, list: [-0, 0] })).toBe('{"d":-0.0,"list":[-0.0,0]}');
    expect(Object.is((JSON.parse(toJsonText({ d: -0 })) as { d: number }).d, -0)).toBe(true);
  });

  it("replaces lone surrogates with U+FFFD, as UTF-8 files do, and leaves pairs and escaped text alone", () => {
    const value = { lone: "x\ud800y", low: "\udc00", twice: "\ud800\ud800", pair: "😀", text: "\\ud800", both: "\\\ud800", big: 1n };
    expect(JSON.parse(toJsonText(value))).toEqual({ lone: "x\ufffdy", low: "\ufffd", twice: "\ufffd\ufffd", pair: "😀", text: "\\ud800", both: "\\\ufffd", big: 1 });
    expect(toJsonText("\ud800")).toBe('"\ufffd"');
  });

  it("fails on cycles with a reason instead of overflowing the stack", () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => toJsonText(cyclic)).toThrow("json value is nested deeper than 1000 levels (a cycle?)");
  });
});
