import { formatJobFileName, jobFileTablePart, MAX_TABLE_PART_BYTES, parseJobFileName } from "../../src/storage/job-file-name.js";

describe("job file names", () => {
  it("keep a table name that fits as it is, dots included", () => {
    const fileName = formatJobFileName({ table: "a.b", fileId: "abc", retry: 2, format: "csv" });
    expect(fileName).toBe("a.b.abc.2.csv");
    expect(parseJobFileName(fileName)).toEqual({ table: "a.b", fileId: "abc", retry: 2, format: "csv" });
  });

  it("shorten a long table name to its start, `~` and a hash, within the file-system limit", () => {
    const table = "t".repeat(300);
    const part = jobFileTablePart(table);
    expect(part).toMatch(/^t+~[0-9a-f]{16}$/);
    expect(Buffer.byteLength(part)).toBe(MAX_TABLE_PART_BYTES);
    const fileName = formatJobFileName({ table, fileId: "0123456789", retry: 99999, format: "insert_values" });
    // Room left for `.<name>.tmp` and `<name>.exception`.
    expect(Buffer.byteLength(`.${fileName}.exception`)).toBeLessThanOrEqual(255);
  });

  it("give different parts to long names that share their start", () => {
    const start = "x".repeat(250);
    expect(jobFileTablePart(`${start}a`)).not.toBe(jobFileTablePart(`${start}b`));
  });

  it("never cut a multi-byte character or a surrogate pair", () => {
    for (const char of ["é", "€", "😀"]) {
      const part = jobFileTablePart(char.repeat(200));
      const start = part.slice(0, part.lastIndexOf("~"));
      expect(start).toBe(char.repeat(start.length / char.length));
      expect(Buffer.byteLength(part)).toBeLessThanOrEqual(MAX_TABLE_PART_BYTES);
      expect(Buffer.byteLength(part)).toBeGreaterThan(MAX_TABLE_PART_BYTES - 4);
    }
  });

  it("give the whole table name back when parsed with the tables it may belong to", () => {
    const long = "events__".repeat(40);
    const tables = { short: {}, [long]: {} };
    const fileName = formatJobFileName({ table: long, fileId: "f", retry: 0, format: "jsonl" });
    expect(parseJobFileName(fileName).table).toBe(jobFileTablePart(long));
    expect(parseJobFileName(fileName, tables).table).toBe(long);
    expect(parseJobFileName("short.f.0.jsonl", tables).table).toBe("short");
    expect(parseJobFileName("unknown.f.0.jsonl", tables).table).toBe("unknown");
  });

  it("keep the shortened part when a retry renames the file", () => {
    const long = "y".repeat(400);
    const parsed = parseJobFileName(formatJobFileName({ table: long, fileId: "f", retry: 0, format: "csv" }));
    const retried = formatJobFileName({ ...parsed, retry: parsed.retry + 1 });
    expect(parseJobFileName(retried, { [long]: {} })).toEqual({ table: long, fileId: "f", retry: 1, format: "csv" });
  });
});
