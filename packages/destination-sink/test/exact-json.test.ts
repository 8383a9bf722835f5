import { mayHoldLongIntegers, parseJsonExact } from "../src/exact-json.js";
import { decimalText, timestampText, timeText, toDecimalText } from "../src/sink-item-values.js";

describe("parseJsonExact", () => {
  it("parses what JSON.parse parses, to the same values", () => {
    const texts = [
      '{"a":1,"b":[true,false,null],"c":{"d":"e\\"f\\\\","g":-0.5e-3},"h":""}',
      ' [ 1 , 2.5 , "x" , { } , [ ] ] ',
      '"\\u00e4\\n😀"',
      '{"__proto__":{"polluted":true}}',
      "12",
      "-0",
    ];
    for (const text of texts) expect(parseJsonExact(text)).toEqual(JSON.parse(text));
    const proto = parseJsonExact('{"__proto__":{"polluted":true}}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(proto)).toBe(Object.prototype);
    expect(Object.keys(proto)).toEqual(["__proto__"]);
  });

  it("keeps integers beyond 2^53 exact as bigint, and safe ones as numbers", () => {
    expect(parseJsonExact('{"max":9223372036854775807,"min":-9223372036854775808,"safe":9007199254740991,"n":[12345678901234567890]}')).toEqual({
      max: 9223372036854775807n,
      min: -9223372036854775808n,
      safe: 9007199254740991,
      n: [12345678901234567890n],
    });
    // Fractions and exponents are doubles, as in JSON.parse.
    expect(parseJsonExact("[12345678901234567.5,1e300]")).toEqual([12345678901234567.5, 1e300]);
  });

  it("fails on text that is not JSON", () => {
    expect(() => parseJsonExact('{"a":1')).toThrow(SyntaxError);
    expect(() => parseJsonExact('{"a" 1}')).toThrow("expected ':' in JSON at position 5");
    expect(() => parseJsonExact("[1] x")).toThrow("unexpected text after the JSON value");
    expect(() => parseJsonExact('"open')).toThrow("unterminated string");
  });
});

describe("mayHoldLongIntegers", () => {
  it("is true only when a value starts with 16 or more digits", () => {
    expect(mayHoldLongIntegers('{"n":9223372036854775807}')).toBe(true);
    expect(mayHoldLongIntegers("[1,-1234567890123456]")).toBe(true);
    expect(mayHoldLongIntegers("1234567890123456")).toBe(true);
    expect(mayHoldLongIntegers('{"n":123456789012345,"id":"12345678901234567890","x":0.30000000000000004}')).toBe(false);
  });
});

describe("sink item values", () => {
  it("formats timestamps and times with the fraction digits needed", () => {
    expect(timestampText(1_714_558_845_176_451n, true)).toBe("2024-05-01T10:20:45.176451Z");
    expect(timestampText(1_714_558_845_100_000n, false)).toBe("2024-05-01T10:20:45.1");
    expect(timestampText(-1n, true)).toBe("1969-12-31T23:59:59.999999Z");
    expect(timeText(37_245_000_001n)).toBe("10:20:45.000001");
    expect(timeText(0n)).toBe("00:00:00");
  });

  it("writes decimals as exact text without exponent", () => {
    expect(decimalText(12_500_000_000n, 9)).toBe("12.5");
    expect(decimalText(-5n, 3)).toBe("-0.005");
    expect(decimalText(10n ** 40n, 0)).toBe(`1${"0".repeat(40)}`);
    expect(toDecimalText(1.5e-7)).toBe("0.00000015");
    expect(toDecimalText(1e21)).toBe(`1${"0".repeat(21)}`);
    expect(toDecimalText(-12.25)).toBe("-12.25");
    expect(toDecimalText(123n)).toBe("123");
    expect(toDecimalText("12.50")).toBe("12.50");
  });
});
