import { decodeTypedJson, encodeTypedJson } from "../../src/storage/typed-json.js";

describe("typed JSON lines", () => {
  it("keep -0, Dates, bigints, binary and lone surrogates from extract to normalize", () => {
    const item = { d: -0, zero: 0, list: [-0], at: new Date(7), n: 2n ** 64n, bytes: new Uint8Array([1, 2]), s: "x\ud800" };
    const decoded = decodeTypedJson(encodeTypedJson(item)) as typeof item;
    expect(decoded).toEqual(item);
    expect(Object.is(decoded.d, -0)).toBe(true);
    expect(Object.is(decoded.zero, 0)).toBe(true);
    expect(Object.is(decoded.list[0], -0)).toBe(true);
  });

  it("write plain JSON values as JSON.stringify does", () => {
    const item = { a: 1, b: ["x", null, { c: true }] };
    expect(encodeTypedJson(item)).toBe(JSON.stringify(item));
  });
});
