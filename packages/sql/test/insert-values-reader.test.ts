import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DestinationTerminalException } from "@dlt-ts/core";
import { readInsertValuesStatements, type InsertValuesLimits } from "@dlt-ts/sql";

const dir = mkdtempSync(join(tmpdir(), "iv-reader-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
async function read(content: string, limits: Partial<InsertValuesLimits> = {}): Promise<string[]> {
  const file = join(dir, `f${n++}.insert_values`);
  writeFileSync(file, content);
  const out: string[] = [];
  const all = { maxQueryLength: 1 << 20, inBytes: true, maxRowsPerInsert: Number.POSITIVE_INFINITY, ...limits };
  for await (const s of readInsertValuesStatements(file, '"ds"."t"', all)) out.push(s);
  return out;
}

const header = 'INSERT INTO {}("a","b")\nVALUES\n';

describe("readInsertValuesStatements", () => {
  test("one statement with the table name in place of {}", async () => {
    expect(await read(`${header}(1,'x'),\n(2,'y');`)).toEqual([`INSERT INTO "ds"."t"("a","b")\nVALUES\n(1,'x'),\n(2,'y');`]);
  });

  test("splits by max rows per insert", async () => {
    const rows = Array.from({ length: 5 }, (_, i) => `(${i},'v')`);
    const statements = await read(`${header}${rows.join(",\n")};`, { maxRowsPerInsert: 2 });
    expect(statements).toHaveLength(3);
    expect(statements[2]).toBe(`INSERT INTO "ds"."t"("a","b")\nVALUES\n(4,'v');`);
  });

  test("splits by max query length, counting bytes or characters", async () => {
    const rows = Array.from({ length: 10 }, (_, i) => `(${i},'ééééééééé')`);
    const bytes = await read(`${header}${rows.join(",\n")};`, { maxQueryLength: 120, inBytes: true });
    const chars = await read(`${header}${rows.join(",\n")};`, { maxQueryLength: 120, inBytes: false });
    for (const s of bytes) expect(Buffer.byteLength(s)).toBeLessThanOrEqual(120);
    for (const s of chars) expect(s.length).toBeLessThanOrEqual(120);
    expect(bytes.length).toBeGreaterThan(chars.length);
    const joined = (xs: string[]) => xs.flatMap((s) => s.split("\n").slice(2)).join("\n");
    expect(joined(bytes).replace(/;/g, ",")).toBe(joined(chars).replace(/;/g, ","));
  });

  test("rows may span lines inside literals, with '' and E'\\\\' escapes", async () => {
    const content = `${header}(1,'multi\nline, with ''quote''),\n'),\n(2,E'back\\\\slash\\' still\nopen'),\n(3,'end');`;
    const [statement] = await read(content, {});
    expect(statement).toContain(`(1,'multi\nline, with ''quote''),\n')`);
    expect(statement).toContain(`(2,E'back\\\\slash\\' still\nopen')`);
    const split = await read(content, { maxRowsPerInsert: 1 });
    expect(split).toHaveLength(3);
  });

  test("several INSERT blocks in one file", async () => {
    const statements = await read(`${header}(1,'a');\n${header}(2,'b');`);
    expect(statements).toHaveLength(2);
  });

  test("a file in another shape fails with a terminal error naming the line", async () => {
    await expect(read("SELECT 1;")).rejects.toThrow(DestinationTerminalException);
    await expect(read(`INSERT INTO {}("a")\nVALUS\n(1);`)).rejects.toThrow(/line 2: expected VALUES/);
    await expect(read(`${header}(1,'open`)).rejects.toThrow(/not terminated/);
  });
});
