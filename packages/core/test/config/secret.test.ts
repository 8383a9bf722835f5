import { inspect } from "node:util";
import { Secret } from "@dlt-ts/core";
import { revealValue, SECRET_MASK } from "../../src/config/secret.js";

describe("Secret", () => {
  const key = new Secret("sk-live-123");

  it("prints *** in every output form", () => {
    expect(String(key)).toBe("***");
    expect(key.toString()).toBe("***");
    expect(`${key}`).toBe("***");
    expect("key=" + key).toBe("key=***");
    expect(JSON.stringify({ key })).toBe('{"key":"***"}');
    expect(inspect(key)).toBe("***");
    expect(inspect({ nested: { key } }, { depth: 5 })).toBe("{ nested: { key: *** } }");
    expect(Object.keys(key)).toEqual([]);
    expect(SECRET_MASK).toBe("***");
  });

  it("never leaks the value through any printed form", () => {
    const outputs = [String(key), `${key}`, JSON.stringify(key), inspect(key, { showHidden: true, depth: 10 })];
    for (const out of outputs) expect(out).not.toContain("sk-live-123");
  });

  it("gives the real value through reveal() and .value", () => {
    expect(key.reveal()).toBe("sk-live-123");
    expect(key.value).toBe("sk-live-123");
    expect(revealValue(key)).toBe("sk-live-123");
    expect(revealValue("plain")).toBe("plain");
  });
});
