import { itemHashRowId, keyHashRowId } from "../../src/relational/dlt-id.js";

// Expected values computed with Python: base64(shake_128(<dlt's compact, key-sorted JSON>).digest(10)) without padding.
describe("row ids derived as dlt derives them", () => {
  test("key hash (upsert, insert-only): the key columns sorted by name, a bigint as a JSON number", () => {
    expect(keyHashRowId({ id: 1 }, ["id"])).toBe("z5jIxXIbUnmbKw");
    expect(keyHashRowId({ b: 12345678901234567890n, a: "x" }, ["b", "a"])).toBe(PY_KEY_HASH);
  });

  test("row hash (scd2): every field but _dlt*, keys sorted at every level, non-ASCII kept", () => {
    expect(itemHashRowId({ z: null, sub: [{ v: 1, n: "é" }], id: 1, _dlt_load_id: "ignored" })).toBe(PY_ROW_HASH);
  });
});

const PY_KEY_HASH = "Z6w+7wXq8IoLTw";
const PY_ROW_HASH = "jkkd1Mdmb8RbKQ";
