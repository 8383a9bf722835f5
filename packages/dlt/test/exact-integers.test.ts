import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { duckdb } from "@dlt-ts/destination-duckdb";
import { postgres } from "@dlt-ts/destination-postgres";
import { pipeline, type Destination, type LoaderFileFormat } from "dlt-ts";
import { ensureTestDatabase, TEST_URL } from "../../destination-postgres/test/pg-test-utils.js";

/* Integral JS numbers beyond 2^53 (exactly representable ones) land in bigint columns with their exact value. */

function tempDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), "dlt-ts-exact-"));
}

const rows = [
  { id: 1, n: 2 ** 62 },
  { id: 2, n: -(2 ** 63) },
  { id: 3, n: 2 ** 53 + 2 },
];
const expected = ["4611686018427387904", "-9223372036854775808", "9007199254740994"];

const cases: [string, () => Destination, LoaderFileFormat][] = [
  ["postgres csv", () => postgres({ credentials: TEST_URL }), "csv"],
  ["postgres insert_values", () => postgres({ credentials: TEST_URL }), "insert_values"],
  ["duckdb jsonl", () => duckdb({ credentials: path.join(tempDir(), "x.duckdb") }), "jsonl"],
  ["duckdb csv", () => duckdb({ credentials: path.join(tempDir(), "x.duckdb") }), "csv"],
];

describe.each(cases)("exact integers into %s", (_name, make, loaderFileFormat) => {
  beforeAll(() => ensureTestDatabase());

  it("keeps 2^62, -(2^63) and 2^53 + 2", async () => {
    const p = pipeline({
      pipelineName: `exact_${randomBytes(3).toString("hex")}`,
      pipelinesDir: tempDir(),
      projectDir: tempDir(),
      destination: make(),
      progress: "none",
    });
    await p.run(rows, { tableName: "numbers", loaderFileFormat });
    const client = await p.sqlClient();
    try {
      const read = await client.query<{ n: unknown }>(`SELECT CAST(n AS VARCHAR(30)) AS n FROM ${client.makeQualifiedTableName("numbers")} ORDER BY id`);
      expect(read.map((r) => String(r.n))).toEqual(expected);
      expect(p.defaultSchema.tables.numbers!.columns.n!.dataType).toBe("bigint");
    } finally {
      await client.dropDataset();
      await client.close();
    }
  });
});
