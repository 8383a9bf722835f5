import { coerceValue, NOT_COERCIBLE } from "../../src/schema/coercion.js";
import { isIsoTimestamp, toNaiveTimestampText, toUtcTimestampText } from "../../src/schema/iso-timestamp.js";
import { inferDataType } from "../../src/schema/type-inference.js";

const detections = ["iso_timestamp"];

describe("inferDataType", () => {
  it.each([
    ["text", "hello"],
    ["bigint", 42],
    ["bigint", 0],
    ["double", 0.37],
    ["bool", false],
    ["bigint", 2n ** 62n],
    ["wei", 2n ** 70n],
    ["wei", -(2n ** 64n)],
    ["timestamp", new Date()],
    ["binary", new Uint8Array([1, 2])],
    ["binary", Buffer.from("x")],
    ["json", { a: 1 }],
    ["json", [1, 2]],
    ["timestamp", "2022-01-27T08:07:08Z"],
    ["timestamp", "2022-01-27 08:07:08.123+02:00"],
    ["text", "2022-01-27"],
    ["text", "not a 2022-01-27T08:07:08Z date"],
  ])("infers %s for %p", (expected, value) => {
    expect(inferDataType(value, detections)).toBe(expected);
  });

  it("creates no type for null and undefined", () => {
    expect(inferDataType(null, detections)).toBeUndefined();
    expect(inferDataType(undefined, detections)).toBeUndefined();
  });

  it("leaves ISO strings as text when detection is off", () => {
    expect(inferDataType("2022-01-27T08:07:08Z", [])).toBe("text");
  });
});

describe("ISO timestamps", () => {
  it("parses zone-less timestamps as UTC", () => {
    expect(toUtcTimestampText("2022-01-27T08:07:08")).toBe("2022-01-27T08:07:08Z");
  });

  it("honours offsets", () => {
    expect(toUtcTimestampText("2022-01-27T08:07:08+0200")).toBe("2022-01-27T06:07:08Z");
    expect(toUtcTimestampText("2022-01-27T08:07:08-02")).toBe("2022-01-27T10:07:08Z");
    expect(toUtcTimestampText("2022-01-27T00:07:08+05:30")).toBe("2022-01-26T18:37:08Z");
  });

  it.each([
    ["2024-05-01T10:20:45.176451+02:00", "2024-05-01T08:20:45.176451Z"],
    ["2024-05-01T10:20:45.176451+00:00", "2024-05-01T10:20:45.176451Z"],
    ["2024-05-01 10:20:45.176451", "2024-05-01T10:20:45.176451Z"],
    ["2024-05-01t10:20:45.176451z", "2024-05-01T10:20:45.176451Z"],
    ["2024-05-01T10:20:45,5Z", "2024-05-01T10:20:45.5Z"],
    ["2024-05-01T10:20:45.100Z", "2024-05-01T10:20:45.100Z"],
    ["2024-05-01T10:20:45.123456789Z", "2024-05-01T10:20:45.123456Z"],
    ["2024-05-01T10:20", "2024-05-01T10:20:00Z"],
    ["0001-01-01T00:00:00.000001Z", "0001-01-01T00:00:00.000001Z"],
  ])("keeps the microseconds of %s: %s", (value, utc) => {
    expect(toUtcTimestampText(value)).toBe(utc);
  });

  it("gives naive text: as written without a zone, UTC wall-clock time with one", () => {
    expect(toNaiveTimestampText("2024-05-01 10:20:45.176451")).toBe("2024-05-01T10:20:45.176451");
    expect(toNaiveTimestampText("2024-05-01T10:20:45.176451-01:00")).toBe("2024-05-01T11:20:45.176451");
  });

  it("rejects impossible dates and times", () => {
    expect(isIsoTimestamp("2022-13-45T99:99:99Z")).toBe(false);
    expect(isIsoTimestamp("2023-02-29T00:00:00Z")).toBe(false);
    expect(isIsoTimestamp("2022-01-27T24:00:00Z")).toBe(false);
    expect(isIsoTimestamp("2022-01-27T08:60:00Z")).toBe(false);
    expect(toUtcTimestampText("0000-01-01T00:30:00+01:00")).toBeUndefined();
  });
});

describe("coerceValue", () => {
  it("turns anything into text", () => {
    expect(coerceValue("text", "bigint", 5)).toBe("5");
    expect(coerceValue("text", "bool", true)).toBe("true");
    expect(coerceValue("text", "json", { a: 1n })).toBe('{"a":"1"}');
    expect(coerceValue("text", "timestamp", new Date("2022-01-01T00:00:00Z"))).toBe("2022-01-01T00:00:00.000Z");
  });

  it("widens integers to double and keeps whole doubles as integers", () => {
    expect(coerceValue("double", "bigint", 3)).toBe(3);
    expect(coerceValue("bigint", "double", 0.37)).toBe(NOT_COERCIBLE);
    expect(coerceValue("bigint", "text", "12")).toBe(12);
    expect(coerceValue("bigint", "text", "0x1f")).toBe(31);
    expect(coerceValue("bigint", "text", "abc")).toBe(NOT_COERCIBLE);
  });

  it("parses ISO strings into timestamps and refuses other text", () => {
    expect(coerceValue("timestamp", "text", "2022-01-01T00:00:00Z")).toBe("2022-01-01T00:00:00Z");
    expect(coerceValue("timestamp", "text", "2022-01-01 02:00:00.123456+02:00")).toBe("2022-01-01T00:00:00.123456Z");
    expect(coerceValue("timestamp", "bigint", 1_640_995_200)).toBe("2022-01-01T00:00:00Z");
    expect(coerceValue("timestamp", "double", 1_640_995_200.000_25)).toBe("2022-01-01T00:00:00.00025Z");
    expect(coerceValue("timestamp", "text", "yesterday")).toBe(NOT_COERCIBLE);
  });

  it("does not put text into json or bool columns", () => {
    expect(coerceValue("json", "text", "x")).toBe(NOT_COERCIBLE);
    expect(coerceValue("bool", "text", "yes")).toBe(NOT_COERCIBLE);
    expect(coerceValue("bool", "text", "true")).toBe(true);
  });
});
