import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { duckdb } from "@dlt-ts/destination-duckdb";
import { postgres } from "@dlt-ts/destination-postgres";
import { pipeline, type Destination, type LoaderFileFormat, type Pipeline } from "dlt-ts";
import { ensureTestDatabase, TEST_URL } from "../../destination-postgres/test/pg-test-utils.js";

/*
 * Table names longer than a file name may be (255 bytes) load: job files
 * carry a shortened table part, and every stage finds the table again.
 * Postgres shortens the identifiers themselves to 63 bytes; DuckDB keeps them whole.
 */

function tempDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), "dlt-ts-long-names-"));
}

/** A list nested `depth` levels deep around `[leaf]`. */
function nestedList(depth: number, leaf: unknown): unknown {
  let value: unknown = [leaf];
  for (let i = 1; i < depth; i++) value = [value];
  return value;
}

const LONG_TABLE = "t".repeat(300);
const DEPTH = 100;

const cases: [string, () => Destination, LoaderFileFormat | undefined, number][] = [
  ["postgres", () => postgres({ credentials: TEST_URL }), undefined, 63],
  ["postgres insert_values", () => postgres({ credentials: TEST_URL }), "insert_values", 63],
  ["duckdb", () => duckdb({ credentials: path.join(tempDir(), "x.duckdb") }), undefined, Infinity],
  ["duckdb jsonl", () => duckdb({ credentials: path.join(tempDir(), "x.duckdb") }), "jsonl", Infinity],
];

/** Every file name under `dir`, recursively. */
function fileNames(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true }).map((entry) => entry.name);
}

describe.each(cases)("long names into %s", (_name, make, loaderFileFormat, maxIdentifierBytes) => {
  beforeAll(() => ensureTestDatabase());

  function newPipeline(): { p: Pipeline; dir: string } {
    const dir = tempDir();
    const p = pipeline({ pipelineName: `long_${randomBytes(3).toString("hex")}`, pipelinesDir: dir, projectDir: tempDir(), destination: make(), progress: "none" });
    return { p, dir };
  }

  async function runEither(p: Pipeline, data: unknown[], tableName: string, staged: boolean): Promise<void> {
    const options = { tableName, ...(loaderFileFormat ? { loaderFileFormat } : {}) };
    if (!staged) {
      await p.run(data, options);
      return;
    }
    await p.extract(data, options);
    await p.normalize();
    await p.load();
  }

  it.each([false, true])("loads a table whose name has 300 characters (staged: %s)", async (staged) => {
    const { p, dir } = newPipeline();
    await runEither(p, [{ id: 1, name: "a" }, { id: 2, name: "b" }], LONG_TABLE, staged);
    const table = Object.keys(p.defaultSchema.tables).find((name) => name.startsWith("ttt"))!;
    // Postgres: the naming convention shortened the identifier to 63 bytes (a hash in the middle, as dlt).
    if (maxIdentifierBytes === Infinity) expect(table).toBe(LONG_TABLE);
    else expect(Buffer.byteLength(table)).toBe(maxIdentifierBytes);
    const client = await p.sqlClient();
    try {
      const rows = await client.query<{ id: unknown; name: unknown }>(`SELECT id, name FROM ${client.makeQualifiedTableName(table)} ORDER BY id`);
      expect(rows.map((r) => [Number(r.id), r.name])).toEqual([
        [1, "a"],
        [2, "b"],
      ]);
      for (const name of fileNames(dir)) expect(Buffer.byteLength(name)).toBeLessThanOrEqual(255);
    } finally {
      await client.dropDataset();
      await client.close();
    }
  });

  it.each([false, true])(`loads a list nested ${DEPTH} levels deep (staged: %s)`, async (staged) => {
    const { p } = newPipeline();
    await runEither(p, [{ id: 1, list: nestedList(DEPTH, "leaf") }], "deep", staged);
    const tables = Object.keys(p.defaultSchema.tables).filter((name) => name.startsWith("deep"));
    // The root table and one nested table per level.
    expect(tables).toHaveLength(DEPTH + 1);
    const deepest = tables.find((name) => p.defaultSchema.tables[name]!.columns.value !== undefined)!;
    expect(Buffer.byteLength(deepest)).toBeLessThanOrEqual(maxIdentifierBytes);
    const client = await p.sqlClient();
    try {
      const rows = await client.query<{ value: unknown }>(`SELECT value FROM ${client.makeQualifiedTableName(deepest)}`);
      expect(rows.map((r) => r.value)).toEqual(["leaf"]);
    } finally {
      await client.dropDataset();
      await client.close();
    }
  });
});
