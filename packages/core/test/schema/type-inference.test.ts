import { coerceValue, NOT_COERCIBLE } from "../../src/schema/coercion.js";
import { isIsoTimestamp, parseIsoTimestamp } from "../../src/schema/iso-timestamp.js";
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
    expect(parseIsoTimestamp("2022-01-27T08:07:08")?.toISOString()).toBe("2022-01-27T08:07:08.000Z");
  });

  it("honours offsets", () => {
    expect(parseIsoTimestamp("2022-01-27T08:07:08+0200")?.toISOString()).toBe("2022-01-27T06:07:08.000Z");
  });

  it("rejects impossible dates", () => {
    expect(isIsoTimestamp("2022-13-45T99:99:99Z")).toBe(false);
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
    expect(coerceValue("timestamp", "text", "2022-01-01T00:00:00Z")).toEqual(new Date("2022-01-01T00:00:00Z"));
    expect(coerceValue("timestamp", "text", "yesterday")).toBe(NOT_COERCIBLE);
  });

  it("does not put text into json or bool columns", () => {
    expect(coerceValue("json", "text", "x")).toBe(NOT_COERCIBLE);
    expect(coerceValue("bool", "text", "yes")).toBe(NOT_COERCIBLE);
    expect(coerceValue("bool", "text", "true")).toBe(true);
  });
});
