import { readFileSync } from "node:fs";
import * as path from "node:path";
import { Schema, SchemaEvolver, slottedRowToObject, SnakeCaseNamingConvention, type Row, type TableSchema } from "@dlt-ts/core";
import { FieldNameCollisionException, RelationalNormalizer, type RootTableOptions } from "../../src/relational/relational-normalizer.js";

const fixtures = path.join(__dirname, "../../../../fixtures");
const load = (name: string): Row[] => JSON.parse(readFileSync(path.join(fixtures, name), "utf8")) as Row[];

interface Normalized {
  schema: Schema;
  rows: Record<string, Row[]>;
}

function normalize(items: Row[], table: string, options: Partial<RootTableOptions> = {}): Normalized {
  const schema = new Schema("test");
  const naming = new SnakeCaseNamingConvention();
  const evolver = new SchemaEvolver(schema, naming);
  const normalizer = new RelationalNormalizer(schema, naming, "1700000000.000001");
  const rows: Record<string, Row[]> = {};
  for (const item of items) {
    normalizer.normalizeItem(item, table, { maxNesting: 1000, propagateRootKey: false, ...options }, (t, parent, row, columns) => {
      evolver.coerceSlottedRow(evolver.ensureTable(t, parent), columns, row);
      (rows[t] ??= []).push(slottedRowToObject(columns, row));
    });
  }
  return { schema, rows };
}

const types = (table: TableSchema | undefined): Record<string, string | undefined> =>
  Object.fromEntries(Object.values(table?.columns ?? {}).map((c) => [c.name, c.dataType]));

describe("relational normalizer on GitHub events", () => {
  const { schema, rows } = normalize(load("github-events.json"), "events");

  it("creates the root table and one nested table per list path", () => {
    expect(schema.dataTables().map((t) => t.name).sort()).toEqual([
      "events",
      "events__payload__commits",
      "events__payload__issue__assignees",
      "events__payload__issue__labels",
      "events__payload__pull_request__base__repo__topics",
      "events__payload__pull_request__labels",
      "events__payload__pull_request__requested_reviewers",
    ]);
    expect(schema.tables["events__payload__commits"]!.parent).toBe("events");
    expect(rows.events).toHaveLength(100);
  });

  it("flattens nested objects into __ columns with inferred types", () => {
    const events = types(schema.tables.events);
    expect(events).toMatchObject({
      id: "text",
      type: "text",
      public: "bool",
      created_at: "timestamp",
      actor__id: "bigint",
      actor__login: "text",
      repo__name: "text",
      payload__push_id: "bigint",
      payload__pull_request__merged: "bool",
      _dlt_load_id: "text",
      _dlt_id: "text",
    });
  });

  it("gives commits their own columns and the dlt linking columns", () => {
    expect(types(schema.tables["events__payload__commits"])).toEqual({
      sha: "text",
      message: "text",
      distinct: "bool",
      url: "text",
      author__email: "text",
      author__name: "text",
      _dlt_parent_id: "text",
      _dlt_list_idx: "bigint",
      _dlt_id: "text",
    });
  });

  it("links every nested row to its parent by _dlt_parent_id and position", () => {
    const parentIds = new Set(rows.events!.map((r) => r._dlt_id));
    for (const commit of rows["events__payload__commits"]!) {
      expect(parentIds.has(commit._dlt_parent_id)).toBe(true);
    }
    const pushes = rows.events!.filter((e) => Array.isArray((e as Row).payload__commits) || e.type === "PushEvent");
    const first = pushes[0]!;
    const itsCommits = rows["events__payload__commits"]!.filter((c) => c._dlt_parent_id === first._dlt_id);
    expect(itsCommits.map((c) => c._dlt_list_idx)).toEqual(itsCommits.map((_c, i) => i));
  });

  it("puts lists of scalars in a value column", () => {
    expect(types(schema.tables["events__payload__pull_request__base__repo__topics"])).toEqual({
      value: "text",
      _dlt_parent_id: "text",
      _dlt_list_idx: "bigint",
      _dlt_id: "text",
    });
  });

  it("marks root rows with the load id and unique ids", () => {
    const ids = rows.events!.map((r) => r._dlt_id);
    expect(new Set(ids).size).toBe(100);
    expect(rows.events!.every((r) => r._dlt_load_id === "1700000000.000001")).toBe(true);
    expect(ids.every((id) => typeof id === "string" && id.length === 14)).toBe(true);
  });

  it("derives nested ids deterministically from parent id, table and position", () => {
    const again = normalize([{ _dlt_id: "fixed", tags: ["a", "b"] }], "t");
    const twice = normalize([{ _dlt_id: "fixed", tags: ["a", "b"] }], "t");
    expect(again.rows.t__tags!.map((r) => r._dlt_id)).toEqual(twice.rows.t__tags!.map((r) => r._dlt_id));
    expect(again.rows.t__tags![0]!._dlt_id).not.toBe(again.rows.t__tags![1]!._dlt_id);
  });
});

describe("relational normalizer on GitHub issues", () => {
  const { schema } = normalize(load("github-issues.json"), "issues");

  it("creates issues with labels and assignees nested tables", () => {
    expect(schema.dataTables().map((t) => t.name).sort()).toEqual(["issues", "issues__assignees", "issues__labels"]);
  });

  it("normalizes reaction keys like dlt (+1 → x1, -1 → _1)", () => {
    const columns = types(schema.tables.issues);
    expect(columns).toMatchObject({
      reactions__x1: "bigint",
      reactions___1: "bigint",
      reactions__total_count: "bigint",
      user__login: "text",
      created_at: "timestamp",
      number: "bigint",
      locked: "bool",
    });
  });

  it("creates no column for fields that are null in every issue", () => {
    const issues = load("github-issues.json");
    const alwaysNull = Object.keys(issues[0]!).filter((k) => issues.every((i) => i[k] === null));
    expect(alwaysNull.length).toBeGreaterThan(0);
    for (const key of alwaysNull) expect(schema.tables.issues!.columns[key]).toBeUndefined();
  });
});

describe("nesting rules", () => {
  it("wraps lists of lists through an intermediary list table", () => {
    const { schema, rows } = normalize([{ id: 1, matrix: [[1, 2], [3]] }], "m");
    expect(schema.dataTables().map((t) => t.name).sort()).toEqual(["m", "m__matrix", "m__matrix__list"]);
    expect(rows["m__matrix__list"]!.map((r) => r.value)).toEqual([1, 2, 3]);
    const intermediary = rows["m__matrix"]!;
    expect(rows["m__matrix__list"]![2]!._dlt_parent_id).toBe(intermediary[1]!._dlt_id);
  });

  it("keeps everything below maxNesting as json", () => {
    const { schema, rows } = normalize([{ id: 1, a: { b: { c: 1 } }, l: [1] }], "n", { maxNesting: 1 });
    expect(types(schema.tables.n)).toMatchObject({ id: "bigint", a__b: "json" });
    expect(schema.tables.n!.columns.l).toBeUndefined();
    expect(rows.n__l).toHaveLength(1);
    const flat = normalize([{ id: 1, a: { b: 1 }, l: [1] }], "z", { maxNesting: 0 });
    expect(types(flat.schema.tables.z)).toMatchObject({ a: "json", l: "json" });
    expect(flat.rows.z__l).toBeUndefined();
  });

  it("adds _dlt_root_id to nested rows of merge tables", () => {
    const { rows } = normalize([{ id: 1, tags: [{ name: "x", sub: [1] }] }], "r", { propagateRootKey: true });
    const rootId = rows.r![0]!._dlt_id;
    expect(rows.r__tags![0]!._dlt_root_id).toBe(rootId);
    expect(rows.r__tags__sub![0]!._dlt_root_id).toBe(rootId);
    expect(rows.r![0]!._dlt_root_id).toBeUndefined();
  });

  it("derives the root id from the primary key for upsert", () => {
    const a = normalize([{ id: 7, v: 1 }], "u", { rowIdFromKey: ["id"] });
    const b = normalize([{ id: 7, v: 2 }], "u", { rowIdFromKey: ["id"] });
    expect(a.rows.u![0]!._dlt_id).toBe(b.rows.u![0]!._dlt_id);
  });

  it("keeps dates and binary values whole", () => {
    const at = new Date("2020-01-01T00:00:00Z");
    const { rows, schema } = normalize([{ at, bytes: new Uint8Array([1]) }], "d");
    expect(rows.d![0]!.at).toBe(at);
    expect(types(schema.tables.d)).toMatchObject({ at: "timestamp", bytes: "binary" });
  });

  it("replaces empty keys with _empty", () => {
    const { schema } = normalize([{ "": 1 }], "e");
    expect(types(schema.tables.e)._empty).toBe("bigint");
  });

  it("keeps the later of two keys that collide after normalization, in the earlier one's place, as dlt", () => {
    const { schema, rows } = normalize(
      [
        { blockHash: "0xab", number: 1, block_hash: "0xab" },
        { blockHash: null, number: 2, block_hash: "0xcd" },
        { blockHash: "0xef", number: 3, block_hash: null },
      ],
      "logs",
    );
    expect(Object.keys(types(schema.tables.logs)).slice(0, 2)).toEqual(["block_hash", "number"]);
    expect(rows.logs!.map((row) => row.block_hash)).toEqual(["0xab", "0xcd", null]);
  });

  it("keeps one of two colliding lists when they are equal", () => {
    const { rows } = normalize([{ tagList: ["a", "b"], tag_list: ["a", "b"] }], "items");
    expect(rows.items__tag_list!.map((row) => row.value)).toEqual(["a", "b"]);
  });

  it("fails with a clear error when two colliding keys hold different values", () => {
    expect(() => normalize([{ userId: 1, user_id: 2 }], "users")).toThrow(FieldNameCollisionException);
    expect(() => normalize([{ userId: 1, user_id: 2 }], "users")).toThrow(
      'Fields "userId" and "user_id" of table "users" both normalize to column "user_id" under naming convention snake_case and hold different values',
    );
    expect(() => normalize([{ tagList: ["a"], tag_list: ["b"] }], "items")).toThrow(FieldNameCollisionException);
  });
});

describe("relational normalizer on Ethereum blocks", () => {
  const { schema, rows } = normalize(load("ethereum-blocks.json"), "blocks");

  it("creates the nested tables of transactions, logs, access lists and uncles", () => {
    expect(schema.dataTables().map((t) => t.name).sort()).toEqual([
      "blocks",
      "blocks__transactions",
      "blocks__transactions__access_list",
      "blocks__transactions__access_list__storage_keys",
      "blocks__transactions__logs",
      "blocks__transactions__logs__topics",
      "blocks__uncles",
    ]);
    expect(rows.blocks).toHaveLength(2);
    expect(rows.blocks__transactions).toHaveLength(655);
  });

  it("types integers beyond 64 bits, already rounded by JSON.parse, as double; hex strings stay text", () => {
    expect(types(schema.tables.blocks)).toMatchObject({ total_difficulty: "double", difficulty: "bigint", hash: "text", nonce: "text" });
    // One transfer is worth 1.87e21 wei: the column this run created as bigint widens to double.
    expect(types(schema.tables.blocks__transactions)).toMatchObject({ value: "double", gas_price: "bigint", block_hash: "text" });
  });

  it("merges logs' blockHash and block_hash (equal values) into one column", () => {
    const logs = types(schema.tables.blocks__transactions__logs);
    expect(logs.block_hash).toBe("text");
    expect(Object.keys(logs).filter((name) => name.startsWith("block_hash"))).toEqual(["block_hash"]);
  });
});

describe("relational normalizer on a chat-bot event", () => {
  const { schema, rows } = normalize([load("chatbot-events.json") as unknown as Row], "events");

  it("flattens nested dicts (keys with spaces) and turns their lists into nested tables", () => {
    expect(rows.events).toHaveLength(1);
    expect(types(schema.tables.events)).toMatchObject({
      event: "text",
      timestamp: "double",
      metadata__account_balance: "text",
      metadata__credit_card_balance__iron_bank__minimum_balance: "bigint",
      metadata__credit_card_balance__iron_bank__current_balance: "double",
    });
    expect(schema.dataTables().map((t) => t.name)).toContain("events__metadata__vendor_list");
  });
});
