import { runInNewContext } from "node:vm";
import { toLoadableItem } from "../../src/extract/loadable-values.js";
import { UnsupportedValueException, unsupportedValueMessage, UNSUPPORTED_REASONS } from "../../src/extract/unsupported-value-exception.js";

const site = { resource: "users", table: "users" };

function convert(item: Record<string, unknown>): Record<string, unknown> | undefined {
  return toLoadableItem(item, site);
}

function failure(item: Record<string, unknown>): UnsupportedValueException {
  try {
    toLoadableItem(item, site);
  } catch (error) {
    if (error instanceof UnsupportedValueException) return error;
    throw error;
  }
  throw new Error("expected an UnsupportedValueException");
}

describe("toLoadableItem", () => {
  it("returns the very item when it holds only JSON values, Dates, bigints and Uint8Arrays", () => {
    const item = { id: 1, name: "a", at: new Date(0), n: 1n, bytes: new Uint8Array([1]), nested: { list: [1, { x: null }] } };
    expect(convert(item)).toBe(item);
  });

  it("copies only what changes and leaves the item as it was", () => {
    const untouched = { a: 1 };
    const item = { keep: untouched, tags: new Set(["x"]) };
    const converted = convert(item)!;
    expect(converted).toEqual({ keep: { a: 1 }, tags: ["x"] });
    expect(converted.keep).toBe(untouched);
    expect(item.tags).toBeInstanceOf(Set);
  });

  it("unboxes Number, String, Boolean and BigInt objects", () => {
    // eslint-disable-next-line no-new-wrappers
    expect(convert({ n: new Number(3), s: new String("hi"), b: new Boolean(false), i: Object(5n) })).toEqual({ n: 3, s: "hi", b: false, i: 5n });
  });

  it("turns ArrayBuffer, typed arrays and DataView into binary over the same bytes; keeps Buffer and Uint8Array", () => {
    const buffer = Buffer.from("xy");
    const converted = convert({
      ab: new Uint8Array([1, 2]).buffer,
      u16: new Uint16Array([0x0201]),
      dv: new DataView(new Uint8Array([9, 8, 7]).buffer, 1, 2),
      buf: buffer,
    })!;
    expect(converted.ab).toEqual(new Uint8Array([1, 2]));
    expect(converted.u16).toEqual(new Uint8Array([1, 2]));
    expect(converted.dv).toEqual(new Uint8Array([8, 7]));
    expect(converted.buf).toBe(buffer);
  });

  it("turns a Map into an object (number, bigint and boolean keys as their text) and a Set into a list", () => {
    const converted = convert({
      profile: new Map<unknown, unknown>([
        ["name", "ann"],
        [1, "one"],
        [2n, "two"],
        [true, "yes"],
        ["tags", new Set(["a", new Map([["deep", 1]])])],
      ]),
    });
    expect(converted).toEqual({ profile: { name: "ann", "1": "one", "2": "two", true: "yes", tags: ["a", { deep: 1 }] } });
  });

  it("keeps a `__proto__` Map key as a field", () => {
    const converted = convert({ m: new Map([["__proto__", 1]]) })!;
    const m = converted.m as Record<string, unknown>;
    expect(Object.keys(m)).toEqual(["__proto__"]);
    expect(Object.getPrototypeOf(m)).toBe(Object.prototype);
  });

  it("honours toJSON of class instances and plain objects, and converts what it returns", () => {
    class Money {
      constructor(readonly cents: number) {}
      toJSON(): string {
        return `${this.cents / 100} EUR`;
      }
    }
    const converted = convert({
      price: new Money(150),
      url: new URL("https://example.com/a"),
      plain: { secret: 1, toJSON: () => new Map([["shown", true]]) },
    });
    expect(converted).toEqual({ price: "1.5 EUR", url: "https://example.com/a", plain: { shown: true } });
  });

  it("stores a RegExp as its literal text and an Error as name, message, own fields and cause", () => {
    const error = Object.assign(new Error("boom", { cause: new RangeError("inner") }), { code: "E_BOOM" });
    const converted = convert({ pattern: /ab+c/gi, error });
    expect(converted).toEqual({
      pattern: "/ab+c/gi",
      error: { name: "Error", message: "boom", code: "E_BOOM", cause: { name: "RangeError", message: "inner" } },
    });
  });

  it("keeps class instances as records of their fields", () => {
    class Point {
      constructor(
        readonly x: number,
        readonly y: number,
      ) {}
    }
    const point = new Point(1, 2);
    const item = { point };
    expect(convert(item)).toBe(item);
    expect(convert({ point, tags: new Set([1]) })).toEqual({ point: { x: 1, y: 2 }, tags: [1] });
  });

  it("wraps an item that is not an object after conversion, and skips one that converts to null", () => {
    // eslint-disable-next-line no-new-wrappers
    expect(toLoadableItem(new String("hi") as unknown as Record<string, unknown>, site)).toEqual({ value: "hi" });
    expect(toLoadableItem(new Set([1, 2]) as unknown as Record<string, unknown>, site)).toEqual({ value: [1, 2] });
    expect(toLoadableItem(new Map([["a", 1]]) as unknown as Record<string, unknown>, site)).toEqual({ a: 1 });
    expect(toLoadableItem({ toJSON: () => null }, site)).toBeUndefined();
  });

  it.each([
    ["a function", { profile: { tags: () => 1 } }, "profile.tags", UNSUPPORTED_REASONS.function],
    ["a symbol", { profile: { tags: [1, Symbol("x")] } }, "profile.tags[1]", UNSUPPORTED_REASONS.symbol],
    ["a boxed symbol", { s: Object(Symbol("x")) }, "s", UNSUPPORTED_REASONS.symbol],
    ["a Promise", { user: Promise.resolve(1) }, "user", UNSUPPORTED_REASONS.promise],
    ["a thenable class instance", { user: new (class { then(): void {} })() }, "user", UNSUPPORTED_REASONS.promise],
    ["a WeakMap", { cache: new WeakMap() }, "cache", UNSUPPORTED_REASONS.weakCollection("WeakMap")],
    ["a WeakSet", { cache: new WeakSet() }, "cache", UNSUPPORTED_REASONS.weakCollection("WeakSet")],
    ["a WeakRef", { ref: new WeakRef({}) }, "ref", UNSUPPORTED_REASONS.weakCollection("WeakRef")],
    ["a generator", { rows: (function* () {})() }, "rows", UNSUPPORTED_REASONS.iterator],
    ["an iterator of a Map", { rows: new Map().entries() }, "rows", UNSUPPORTED_REASONS.iterator],
    ["a function in a Map", { m: new Map([["k", { f: () => 1 }]]) }, "m.k.f", UNSUPPORTED_REASONS.function],
    ["a function in a Set", { s: new Set([1, () => 1]) }, "s[1]", UNSUPPORTED_REASONS.function],
    ["an object Map key", { m: new Map([[{}, 1]]) }, "m", UNSUPPORTED_REASONS.mapKey("object")],
    ["a null Map key", { m: new Map([[null, 1]]) }, "m", UNSUPPORTED_REASONS.mapKey("null")],
    ["colliding Map keys", { m: new Map<unknown, number>([[1, 1], ["1", 2]]) }, "m", UNSUPPORTED_REASONS.mapKeyCollision("1")],
  ])("rejects %s, naming resource, table and path", (_kind, item, path, reason) => {
    const error = failure(item);
    expect(error.message).toBe(unsupportedValueMessage("users", "users", path, reason));
    expect(error).toMatchObject({ resource: "users", table: "users", path, reason });
  });

  it("writes the message as resource, table, path and what to do", () => {
    expect(failure({ profile: { tags: () => 1 } }).message).toBe(
      'resource "users", table "users", path "profile.tags": a function cannot be stored: call it and store its result, or leave the field out',
    );
    expect(unsupportedValueMessage("r", "t", "", "x")).toBe('resource "r", table "t", path "(the item itself)": x');
  });

  it("shortens a very long path in the message", () => {
    let item: Record<string, unknown> = { f: () => 1 };
    for (let i = 0; i < 300; i++) item = { level: item };
    const error = failure(item);
    expect(error.path.length).toBeGreaterThan(1000);
    expect(error.message).toMatch(/path "level\.level\.[a-z.]*…[a-z.]*\.level\.f"/);
    expect(error.message.length).toBeLessThan(400);
  });

  it("leaves cycles alone for the later stages to report", () => {
    const item: Record<string, unknown> = { id: 1 };
    item.self = item;
    expect(convert(item)).toBe(item);
  });
});

describe("toLoadableItem with values of another realm", () => {
  it("knows Maps, ArrayBuffers and Dates made in a vm context", () => {
    const foreign = runInNewContext("({ m: new Map([['a', 1]]), ab: new Uint8Array([3]).buffer, at: new Date(5), s: new Set([1]) })") as Record<
      string,
      unknown
    >;
    const converted = toLoadableItem(foreign, site)!;
    expect(converted.m).toEqual({ a: 1 });
    expect(converted.ab).toEqual(new Uint8Array([3]));
    expect(converted.at).toBeInstanceOf(Date);
    expect((converted.at as Date).getTime()).toBe(5);
    expect(converted.s).toEqual([1]);
  });
});
