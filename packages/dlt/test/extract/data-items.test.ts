import { iterateItems } from "../../src/extract/data-items";
import { decodeTypedJson, encodeTypedJson } from "@dlt-ts/core";

async function collect(data: unknown): Promise<unknown[]> {
  const items: unknown[] = [];
  for await (const item of iterateItems(data)) items.push(item);
  return items;
}

describe("iterateItems", () => {
  it("accepts arrays, single objects, iterables, async generators and functions", async () => {
    function* gen() {
      yield { a: 1 };
      yield { a: 2 };
    }
    async function* agen() {
      yield { a: 3 };
    }
    expect(await collect([{ a: 1 }, { a: 2 }])).toEqual([{ a: 1 }, { a: 2 }]);
    expect(await collect({ a: 1 })).toEqual([{ a: 1 }]);
    expect(await collect(gen())).toEqual([{ a: 1 }, { a: 2 }]);
    expect(await collect(agen())).toEqual([{ a: 3 }]);
    expect(await collect(gen)).toEqual([{ a: 1 }, { a: 2 }]);
    expect(await collect(() => Promise.resolve([{ a: 4 }]))).toEqual([{ a: 4 }]);
    expect(await collect(new Set([{ a: 5 }]))).toEqual([{ a: 5 }]);
  });

  it("takes a Map given as the whole data as one record, as dlt takes a dict", async () => {
    const record = new Map<string, unknown>([
      ["id", 1],
      ["name", "a"],
    ]);
    expect(await collect(record)).toEqual([record]);
    expect(await collect([record, record])).toEqual([record, record]);
  });

  it("wraps values that are not objects as {value} and skips null and undefined items (as dlt skips None)", async () => {
    const at = new Date(0);
    expect(await collect([1, "x", null, undefined, at])).toEqual([{ value: 1 }, { value: "x" }, { value: at }]);
    async function* pages() {
      yield [{ a: 1 }, null];
      yield undefined;
      yield { a: 2 };
    }
    expect(await collect(pages)).toEqual([{ a: 1 }, { a: 2 }]);
    expect(await collect("text")).toEqual([{ value: "text" }]);
  });

  it("flattens pages (lists) yielded by generators", async () => {
    function* pages() {
      yield [{ p: 1 }, { p: 2 }];
      yield [{ p: 3 }];
    }
    expect(await collect(pages)).toEqual([{ p: 1 }, { p: 2 }, { p: 3 }]);
  });

  it("yields nothing for null or undefined", async () => {
    expect(await collect(undefined)).toEqual([]);
    expect(await collect(() => null)).toEqual([]);
  });
});

describe("typed JSON lines", () => {
  it("round-trips Date, bigint and binary values, nested too", () => {
    const item = { at: new Date("2020-01-01T00:00:00.123Z"), big: 2n ** 70n, bytes: new Uint8Array([0, 255]), nested: { list: [1n, { d: new Date(5) }] } };
    expect(decodeTypedJson(encodeTypedJson(item))).toEqual(item);
  });

  it.each([
    ["a bigint deep in lists", { a: [{ b: [1, 2n] }] }],
    ["binary deep in an object", { a: { b: [new Uint8Array([1])] } }],
    ["a Date in a list of lists", { a: [[null, new Date(0)]] }],
    ["a bigint in a root list", [0, -5n]],
  ])("finds %s", (_name, item) => {
    expect(decodeTypedJson(encodeTypedJson(item))).toEqual(item);
  });

  it("writes plain JSON when nothing needs a tag", () => {
    const item = { a: 1, b: ["x", { c: null }] };
    expect(encodeTypedJson(item)).toBe(JSON.stringify(item));
  });
});
