import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { readLineBatches } from "../../src/stage/read-lines";

async function readAll(content: string): Promise<string[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "dlt-ts-lines-"));
  try {
    const file = path.join(dir, "lines.jsonl");
    writeFileSync(file, content);
    const lines: string[] = [];
    for await (const batch of readLineBatches(file)) lines.push(...batch);
    return lines;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("readLineBatches", () => {
  it("yields the non-empty lines, the last one without a newline too", async () => {
    expect(await readAll('{"a":1}\n\n{"b":"ü ✓ 🚀"}\n{"c":3}')).toEqual(['{"a":1}', '{"b":"ü ✓ 🚀"}', '{"c":3}']);
  });

  it("joins lines that span reads of 1 MiB, multi-byte characters cut in two included", async () => {
    // A 2.5 MiB line of 3-byte characters starts right before a read boundary, so reads cut characters.
    const long = "✓".repeat(900_000);
    const short = "x".repeat(1024 * 1024 - 3);
    const lines = await readAll(`${short}\n${long}\nend\n`);
    expect(lines.map((line) => line.length)).toEqual([short.length, long.length, 3]);
    expect(lines[1]).toBe(long);
  });
});
