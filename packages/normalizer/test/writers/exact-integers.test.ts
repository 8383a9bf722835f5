import { exactNumberText, toDecimalText } from "../../src/writers/decimal-values.js";
import { toJsonText } from "../../src/writers/json-text.js";

/* Integral numbers beyond 2^53 are written by their exact value in every text writer's value path. */

describe("exact integers", () => {
  const cases: [number, string][] = [
    [2 ** 62, "4611686018427387904"],
    [-(2 ** 63), "-9223372036854775808"],
    [2 ** 53 + 2, "9007199254740994"],
    [123, "123"],
    [0.5, "0.5"],
  ];

  it.each(cases)("%p is written as %s", (value, text) => {
    expect(exactNumberText(value)).toBe(text);
    expect(toDecimalText(value)).toBe(text);
    expect(toJsonText({ n: value })).toBe(`{"n":${text}}`);
  });
});
