import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { readLineBatches, splitLines } from "../../src/stage/read-lines";

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

  it("reads a byte range of whole lines, as splitLines cuts a file", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "dlt-ts-lines-"));
    try {
      const file = path.join(dir, "lines.jsonl");
      const lines = Array.from({ length: 1000 }, (_, i) => `{"i":${i},"s":"${"ü".repeat(i % 17)}"}`);
      writeFileSync(file, lines.join("\n") + "\n");
      const ranges = await splitLines(file, 3, 1);
      expect(ranges).toHaveLength(3);
      expect(ranges[0]!.start).toBe(0);
      const read: string[] = [];
      for (const range of ranges) for await (const batch of readLineBatches(file, range)) read.push(...batch);
      expect(read).toEqual(lines);
      // A file smaller than two ranges of minBytes stays whole.
      expect(await splitLines(file, 3, 1 << 20)).toEqual([{ start: 0, end: ranges[2]!.end }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
