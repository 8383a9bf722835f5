import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { duckdb } from "@dlt-ts/destination-duckdb";
import { postgres } from "@dlt-ts/destination-postgres";
import { pipeline, type Destination, type LoaderFileFormat } from "dlt-ts";
import { ensureTestDatabase, TEST_URL } from "../../destination-postgres/test/pg-test-utils.js";

/*
 * Strings and numbers land as given where the destination can hold them:
 * NUL stays in DuckDB and is removed in Postgres (its text cannot hold it)
 * but never turns a value into NULL; -0 keeps its sign in double columns;
 * lone surrogates, which UTF-8 cannot encode, become U+FFFD everywhere.
 */

function tempDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), "dlt-ts-as-given-"));
}

/** keepsNul: in text columns; json values keep NUL wherever the destination can store it (`\u0000` in JSON text). */
type Case = [name: string, make: () => Destination, format: LoaderFileFormat, keepsNul: boolean, keepsNulInJson: boolean];

const cases: Case[] = [
  ["postgres csv", () => postgres({ credentials: TEST_URL }), "csv", false, false],
  ["postgres insert_values", () => postgres({ credentials: TEST_URL }), "insert_values", false, false],
  ["duckdb jsonl", () => duckdb({ credentials: path.join(tempDir(), "x.duckdb") }), "jsonl", true, true],
  ["duckdb csv", () => duckdb({ credentials: path.join(tempDir(), "x.duckdb") }), "csv", true, true],
  ["duckdb parquet", () => duckdb({ credentials: path.join(tempDir(), "x.duckdb") }), "parquet", true, true],
  // SQL text cannot carry NUL (the statement would end there): DuckDB's insert_values writes it as chr(0).
  ["duckdb insert_values", () => duckdb({ credentials: path.join(tempDir(), "x.duckdb") }), "insert_values", true, true],
];

// -0 and 0 are not neighbours: DuckDB's storage compresses a run of them into one value (a DuckDB quirk).
const rows = [
  { id: 1, text: "\u0000", d: 1.5, nested: { text: "\u0000" } },
  { id: 2, text: "a\u0000b", d: -0, nested: { text: "x" } },
  { id: 3, text: "x\ud800y", d: -2.5, nested: { text: "\udc00" } },
  { id: 4, text: "", d: 0, nested: { text: "" } },
];

describe.each(cases)("values as given into %s", (_name, make, loaderFileFormat, keepsNul, keepsNulInJson) => {
  beforeAll(() => ensureTestDatabase());

  async function load(data: unknown[], tableName: string, withExtract: boolean, hints: { columns?: Record<string, { dataType: "json" }> } = {}) {
    const p = pipeline({
      pipelineName: `as_given_${randomBytes(3).toString("hex")}`,
      pipelinesDir: tempDir(),
      projectDir: tempDir(),
      destination: make(),
      progress: "none",
    });
    if (withExtract) {
      // extract() then normalize(): the values travel through the typed JSON extract files.
      await p.extract(data, { tableName, loaderFileFormat, ...hints });
      await p.normalize();
      await p.load();
    } else {
      await p.run(data, { tableName, loaderFileFormat, ...hints });
    }
    return p;
  }

  it.each([false, true])("keeps NUL (or removes only NUL), -0 and replaces lone surrogates (staged: %s)", async (withExtract) => {
    const p = await load(rows, "strings", withExtract);
    const client = await p.sqlClient();
    try {
      const read = await client.query<{ id: unknown; text: unknown; d: unknown; nested__text: unknown }>(
        `SELECT id, text, d, nested__text FROM ${client.makeQualifiedTableName("strings")} ORDER BY id`,
      );
      const nul = keepsNul ? "\u0000" : "";
      expect(read.map((r) => r.text)).toEqual([nul, `a${nul}b`, "x\ufffdy", ""]);
      expect(read.map((r) => r.nested__text)).toEqual([nul, "x", "\ufffd", ""]);
      const doubles = read.map((r) => Number(r.d));
      expect(doubles).toEqual([1.5, -0, -2.5, 0]);
      expect(p.defaultSchema.tables.strings!.columns.d!.dataType).toBe("double");
    } finally {
      await client.dropDataset();
      await client.close();
    }
  });

  it.each([false, true])("keeps NUL (or removes only NUL) and replaces lone surrogates inside json values (staged: %s)", async (withExtract) => {
    const doc = { text: "a\u0000b", s: "\ud800", pair: "😀", escaped: "\\ud800" };
    const p = await load([{ id: 1, doc }], "docs", withExtract, { columns: { doc: { dataType: "json" } } });
    const client = await p.sqlClient();
    try {
      const [row] = await client.query<{ doc: unknown }>(`SELECT CAST(doc AS VARCHAR) AS doc FROM ${client.makeQualifiedTableName("docs")}`);
      expect(JSON.parse(String(row!.doc))).toEqual({ ...doc, text: keepsNulInJson ? "a\u0000b" : "ab", s: "\ufffd" });
    } finally {
      await client.dropDataset();
      await client.close();
    }
  });
});
