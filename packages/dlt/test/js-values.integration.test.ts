import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { duckdb } from "@dlt-ts/destination-duckdb";
import { postgres } from "@dlt-ts/destination-postgres";
import { pipeline, resource, UnsupportedValueException, type Destination, type LoaderFileFormat } from "dlt-ts";
import { ensureTestDatabase, TEST_URL } from "../../destination-postgres/test/pg-test-utils.js";
import { unsupportedValueMessage, UNSUPPORTED_REASONS } from "../src/extract/unsupported-value-exception.js";

/* JS values beyond JSON (Map, Set, boxed primitives, binary views, toJSON, RegExp, Error) land as a JS user expects; functions and symbols are refused by name. */

function tempDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), "dlt-ts-js-values-"));
}

class Money {
  constructor(readonly cents: number) {}
  toJSON(): string {
    return `${(this.cents / 100).toFixed(2)} EUR`;
  }
}

function user(): Record<string, unknown> {
  return {
    id: 1,
    // eslint-disable-next-line no-new-wrappers
    score: new Number(7.5),
    // eslint-disable-next-line no-new-wrappers
    nick: new String("ann"),
    // eslint-disable-next-line no-new-wrappers
    active: new Boolean(true),
    profile: new Map<unknown, unknown>([
      ["city", "Oslo"],
      [2024, "joined"],
    ]),
    tags: new Set(["a", "b"]),
    price: new Money(1250),
    raw: new Uint16Array([0x0201]).buffer,
    view: new DataView(new Uint8Array([7, 8, 9]).buffer, 1),
    buf: Buffer.from("hi"),
    pattern: /ab+c/i,
    failure: Object.assign(new Error("boom"), { code: "E_X" }),
  };
}

const cases: [string, () => Destination, LoaderFileFormat | undefined][] = [
  ["postgres", () => postgres({ credentials: TEST_URL }), undefined],
  ["postgres insert_values", () => postgres({ credentials: TEST_URL }), "insert_values"],
  ["duckdb", () => duckdb({ credentials: path.join(tempDir(), "x.duckdb") }), undefined],
  ["duckdb jsonl", () => duckdb({ credentials: path.join(tempDir(), "x.duckdb") }), "jsonl"],
];

describe.each(cases)("JS values into %s", (_name, make, loaderFileFormat) => {
  beforeAll(() => ensureTestDatabase());

  function newPipeline() {
    return pipeline({
      pipelineName: `js_values_${randomBytes(3).toString("hex")}`,
      pipelinesDir: tempDir(),
      projectDir: tempDir(),
      destination: make(),
      progress: "none",
    });
  }

  it.each([false, true])("stores Map, Set, boxed values, binary views, toJSON, RegExp and Error (staged: %s)", async (staged) => {
    const p = newPipeline();
    const options = { tableName: "users", ...(loaderFileFormat ? { loaderFileFormat } : {}) };
    if (staged) {
      await p.extract([user()], options);
      await p.normalize();
      await p.load();
    } else {
      await p.run([user()], options);
    }
    const client = await p.sqlClient();
    try {
      const [row] = await client.query<Record<string, unknown>>(`SELECT * FROM ${client.makeQualifiedTableName("users")}`);
      const tags = await client.query<{ value: unknown }>(
        `SELECT value FROM ${client.makeQualifiedTableName("users__tags")} ORDER BY _dlt_list_idx`,
      );
      expect(row).toMatchObject({
        score: 7.5,
        nick: "ann",
        active: true,
        profile__city: "Oslo",
        price: "12.50 EUR",
        pattern: "/ab+c/i",
        failure__name: "Error",
        failure__message: "boom",
        failure__code: "E_X",
      });
      // A number key is a field named by its text (snake_case puts `_` before a leading digit).
      expect(Object.entries(row!).filter(([name]) => name.startsWith("profile__") && name.endsWith("2024"))).toEqual([["profile___2024", "joined"]]);
      expect(Buffer.from(row!.raw as Uint8Array)).toEqual(Buffer.from([1, 2]));
      expect(Buffer.from(row!.view as Uint8Array)).toEqual(Buffer.from([8, 9]));
      expect(Buffer.from(row!.buf as Uint8Array).toString()).toBe("hi");
      expect(tags.map((t) => t.value)).toEqual(["a", "b"]);
      const columns = p.defaultSchema.tables.users!.columns;
      expect(columns.score!.dataType).toBe("double");
      expect(columns.nick!.dataType).toBe("text");
      expect(columns.active!.dataType).toBe("bool");
      expect(columns.raw!.dataType).toBe("binary");
      expect(columns.view!.dataType).toBe("binary");
      expect(Object.keys(columns).some((name) => name.startsWith("nick__"))).toBe(false);
    } finally {
      await client.dropDataset();
      await client.close();
    }
  });

  it.each([false, true])("refuses a function, naming resource, table and path, and loads nothing (staged: %s)", async (staged) => {
    const p = newPipeline();
    const users = resource([{ id: 1 }, { id: 2, profile: { tags: () => ["a"] } }], { name: "users" });
    const running = staged ? p.extract(users) : p.run(users);
    await expect(running).rejects.toThrow(unsupportedValueMessage("users", "users", "profile.tags", UNSUPPORTED_REASONS.function));
    await expect(running).rejects.toMatchObject({ cause: expect.any(UnsupportedValueException) });
    expect(p.listPendingPackages()).toEqual({ extracted: [], normalized: [] });
  });

  it("loads a Map given as the whole data as one row, as dlt loads a dict", async () => {
    const p = newPipeline();
    await p.run(new Map<string, unknown>([["id", 1], ["name", "a"]]), { tableName: "people" });
    const client = await p.sqlClient();
    try {
      const rows = await client.query<{ id: unknown; name: string }>(`SELECT id, name FROM ${client.makeQualifiedTableName("people")}`);
      expect(rows.map((r) => [Number(r.id), r.name])).toEqual([[1, "a"]]);
    } finally {
      await client.dropDataset();
      await client.close();
    }
  });

  it("refuses a symbol inside a list", async () => {
    const p = newPipeline();
    await expect(p.run([{ id: 1, tags: ["a", Symbol("b")] }], { tableName: "people" })).rejects.toThrow(
      unsupportedValueMessage("people", "people", "tags[1]", UNSUPPORTED_REASONS.symbol),
    );
  });
});
