import { createReadStream, writeFileSync } from "node:fs";
import * as path from "node:path";
import { capabilities } from "@dlt-ts/core";
import {
  type InsertValuesLimits,
  insertValuesLimitsFromCapabilities,
  type InsertValuesStatement,
  splitInsertValues,
} from "../../src/writers/insert-values-split.js";
import { InsertValuesFormatException } from "../../src/writers/writer-exceptions.js";
import { postgresLikeCapabilities, table, tempDir, writeWith } from "./writer-test-helpers.js";

const { dir, cleanup } = tempDir();
afterAll(cleanup);

/** Values that break naive splitting: row separators, quotes and backslashes inside literals. */
const HOSTILE = ["plain", "),\n(", "it's\n", "'),\n('", "back\\", "\\'", "", "😀\n", "a''b", "end;"];
const schema = table("items", { id: "bigint", v: "text" });
const rows = HOSTILE.map((v, id) => ({ id, v }));

async function collect(
  source: string | AsyncIterable<string | Uint8Array>,
  limits?: InsertValuesLimits,
): Promise<InsertValuesStatement[]> {
  const statements: InsertValuesStatement[] = [];
  for await (const statement of splitInsertValues(source, limits)) statements.push(statement);
  return statements;
}

/** The row tuples of a statement written by the ANSI escaper, in a form we can compare. */
function tuples(statements: InsertValuesStatement[]): string {
  return statements.map((s) => s.sql.slice(s.sql.indexOf("VALUES\n") + 7, -1)).join(",\n");
}

describe("splitInsertValues", () => {
  it("cuts by max rows at row boundaries only, whatever the literals hold", async () => {
    const file = (await writeWith(dir, "insert_values", schema, [rows])).toString("utf8");
    const statements = await collect(file, { maxRows: 3 });
    expect(statements.map((s) => s.rowCount)).toEqual([3, 3, 3, 1]);
    expect(statements[0].sql).toBe(
      `INSERT INTO {}("id","v")\nVALUES\n(0,'plain'),\n(1,'),\n('),\n(2,'it''s\n');`,
    );
    expect(statements[3].sql).toBe(`INSERT INTO {}("id","v")\nVALUES\n(9,'end;');`);
    // Joined back, the statements hold exactly the file's rows.
    expect(`INSERT INTO {}("id","v")\nVALUES\n${tuples(statements)};`).toBe(file);
  });

  it("understands E'…' literals with backslash escapes", async () => {
    const file = (await writeWith(dir, "insert_values", schema, [rows], { capabilities: postgresLikeCapabilities() }))
      .toString("utf8");
    const statements = await collect(file, { maxRows: 1 });
    expect(statements).toHaveLength(HOSTILE.length);
    expect(statements[4].sql).toBe(`INSERT INTO {}("id","v")\nVALUES\n(4,E'back\\\\');`);
    expect(statements[5].sql).toBe(`INSERT INTO {}("id","v")\nVALUES\n(5,E'\\\\\\'');`);
  });

  it("keeps statements within max length, in bytes or characters, and fills in the table name", async () => {
    const many = Array.from({ length: 50 }, (_, id) => ({ id, v: `é${"x".repeat(id % 7)}` }));
    const file = (await writeWith(dir, "insert_values", schema, [many])).toString("utf8");
    for (const lengthInBytes of [true, false]) {
      const measure = (text: string) => (lengthInBytes ? Buffer.byteLength(text) : text.length);
      const statements = await collect(file, { maxLength: 120, lengthInBytes, tableName: '"ds"."items"' });
      expect(statements.length).toBeGreaterThan(5);
      for (const { sql } of statements) {
        expect(sql.startsWith('INSERT INTO "ds"."items"("id","v")\nVALUES\n(')).toBe(true);
        expect(measure(sql)).toBeLessThanOrEqual(120);
      }
      expect(statements.reduce((sum, s) => sum + s.rowCount, 0)).toBe(50);
    }
  });

  it("gives a row longer than max length a statement of its own", async () => {
    const file = (await writeWith(dir, "insert_values", schema, [[{ id: 1, v: "x".repeat(500) }, { id: 2, v: "y" }]]))
      .toString("utf8");
    const statements = await collect(file, { maxLength: 100 });
    expect(statements.map((s) => s.rowCount)).toEqual([1, 1]);
  });

  it("reads a file stream in tiny chunks, splitting multi-byte characters, with the same result", async () => {
    const file = (await writeWith(dir, "insert_values", schema, [rows], { capabilities: postgresLikeCapabilities() }))
      .toString("utf8");
    const filePath = path.join(dir, "stream.insert_values");
    writeFileSync(filePath, file);
    const fromString = await collect(file, { maxRows: 4 });
    for (const highWaterMark of [1, 3, 7]) {
      expect(await collect(createReadStream(filePath, { highWaterMark }), { maxRows: 4 })).toEqual(fromString);
    }
  });

  it("takes its limits from capabilities", () => {
    const caps = capabilities({ maxRowsPerInsert: 1000, maxQueryLength: 65536, isMaxQueryLengthInBytes: false });
    expect(insertValuesLimitsFromCapabilities(caps, "[dbo].[t]")).toEqual({
      maxRows: 1000,
      maxLength: 65536,
      lengthInBytes: false,
      tableName: "[dbo].[t]",
    });
  });

  it("rejects text that is not an insert_values file", async () => {
    await expect(collect("SELECT 1;")).rejects.toThrow(
      new InsertValuesFormatException("Not an insert_values file: no `VALUES` header found."),
    );
    await expect(collect("INSERT INTO {}(\"a\")\nVALUES\n('open);")).rejects.toThrow(
      "Not an insert_values file: a string literal is not closed.",
    );
    await expect(collect("INSERT INTO {}(\"a\")\nVALUES\n(1),\n(2)")).rejects.toThrow(
      "Not an insert_values file: it does not end with `;`.",
    );
  });
});
