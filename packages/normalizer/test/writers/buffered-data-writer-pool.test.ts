import { readFileSync, readdirSync } from "node:fs";
import * as path from "node:path";
import { defaultCapabilities, LoadPackageStorage, parseJobFileName, type LoaderFileFormat } from "@dlt-ts/core";
import { BufferedDataWriterPool, type BufferedDataWriterPoolOptions } from "../../src/writers/buffered-data-writer-pool.js";
import {
  DataWriterPoolStateException,
  InvalidDataValueException,
  UnsupportedFileFormatException,
} from "../../src/writers/writer-exceptions.js";
import { table, tempDir } from "./writer-test-helpers.js";

const { dir: root, cleanup } = tempDir();
afterAll(cleanup);

let dirCounter = 0;

function pool(format: LoaderFileFormat, options: Partial<BufferedDataWriterPoolOptions> = {}) {
  const directory = path.join(root, `package-${dirCounter++}`, "new_jobs");
  return { directory, pool: new BufferedDataWriterPool({ directory, format, capabilities: defaultCapabilities(), ...options }) };
}

const items = table("items", { id: "bigint", name: "text" });
const rowsOf = (count: number, from = 0) => Array.from({ length: count }, (_, i) => ({ id: from + i, name: `n${from + i}` }));

describe("BufferedDataWriterPool", () => {
  it("names files <table>.<file_id>.0.<format> and reports rows per file and per table", async () => {
    const { directory, pool: writers } = pool("jsonl");
    await writers.write("items", items, rowsOf(3));
    await writers.write("items__tags", table("items__tags", { value: "text" }), [{ value: "a" }]);
    await writers.write("items", items, rowsOf(2, 3));
    const { files, rowsByTable } = await writers.close();

    expect(rowsByTable).toEqual({ items: 5, items__tags: 1 });
    expect(files.map((f) => [f.table, f.rows, f.format])).toEqual([
      ["items", 5, "jsonl"],
      ["items__tags", 1, "jsonl"],
    ]);
    for (const file of files) {
      expect(file.fileName).toMatch(/^[a-z_]+\.[0-9a-z]{10}\.0\.jsonl$/);
      expect(parseJobFileName(file.fileName)).toMatchObject({ table: file.table, retry: 0, format: "jsonl" });
      expect(file.path).toBe(path.join(directory, file.fileName));
      expect(file.bytes).toBe(readFileSync(file.path).byteLength);
    }
    expect(readdirSync(directory).sort()).toEqual(files.map((f) => f.fileName).sort());
    expect(readFileSync(files[0].path, "utf8").trimEnd().split("\n").map((l) => JSON.parse(l))).toEqual(rowsOf(5));
  });

  it("rotates by rows, splitting a batch exactly at fileMaxItems", async () => {
    const { pool: writers } = pool("csv", { fileMaxItems: 2 });
    await writers.write("items", items, rowsOf(5));
    const { files, rowsByTable } = await writers.close();
    expect(files.map((f) => f.rows)).toEqual([2, 2, 1]);
    expect(rowsByTable).toEqual({ items: 5 });
    expect(files.map((f) => readFileSync(f.path, "utf8"))).toEqual([
      "id,name\n0,n0\n1,n1\n",
      "id,name\n2,n2\n3,n3\n",
      "id,name\n4,n4\n",
    ]);
    expect(new Set(files.map((f) => f.fileName)).size).toBe(3);
  });

  it("rotates by bytes", async () => {
    const { pool: writers } = pool("jsonl", { fileMaxBytes: 50 });
    for (const row of rowsOf(6)) await writers.write("items", items, [row]);
    const { files } = await writers.close();
    // Each line is 20 bytes: a file is closed once it reaches 50, i.e. after 3 rows.
    expect(files.map((f) => f.rows)).toEqual([3, 3]);
  });

  it("starts a new file when the column set changes, for formats with a header", async () => {
    const { pool: writers } = pool("insert_values");
    await writers.write("items", items, rowsOf(1));
    await writers.write("items", items, rowsOf(1, 1));
    const grown = table("items", { id: "bigint", name: "text", extra: "bool" });
    await writers.write("items", grown, [{ id: 2, name: "n2", extra: true }]);
    const { files } = await writers.close();
    expect(files.map((f) => readFileSync(f.path, "utf8"))).toEqual([
      `INSERT INTO {}("id","name")\nVALUES\n(0,'n0'),\n(1,'n1');`,
      `INSERT INTO {}("id","name","extra")\nVALUES\n(2,'n2',TRUE);`,
    ]);
  });

  it("keeps one jsonl file when columns are added (no header to change)", async () => {
    const { pool: writers } = pool("jsonl");
    await writers.write("items", items, rowsOf(1));
    await writers.write("items", table("items", { id: "bigint", name: "text", extra: "bool" }), [{ id: 1, extra: true }]);
    const { files } = await writers.close();
    expect(files).toHaveLength(1);
    expect(readFileSync(files[0].path, "utf8")).toBe('{"id":0,"name":"n0"}\n{"id":1,"extra":true}\n');
  });

  it("writes under a dot-named temp file and renames it into place when the file is finished", async () => {
    const { directory, pool: writers } = pool("parquet");
    await writers.write("items", items, rowsOf(10));
    const whileOpen = readdirSync(directory);
    expect(whileOpen).toHaveLength(1);
    expect(whileOpen[0]).toMatch(/^\.items\.[0-9a-z]{10}\.0\.parquet\.tmp$/);
    // A load package in this state lists no job: a crash here leaves no half file in new_jobs.
    const storage = new LoadPackageStorage(path.dirname(path.dirname(directory)));
    expect(await storage.listJobs(path.basename(path.dirname(directory)), "new_jobs")).toEqual([]);

    const { files } = await writers.close();
    expect(readdirSync(directory)).toEqual([files[0].fileName]);
    expect(whileOpen[0]).toBe(`.${files[0].fileName}.tmp`);
  });

  it("abort() removes unfinished files and keeps finished ones", async () => {
    const { directory, pool: writers } = pool("csv", { fileMaxItems: 2 });
    await writers.write("items", items, rowsOf(3));
    await writers.abort();
    const left = readdirSync(directory);
    expect(left).toHaveLength(1);
    expect(left[0]).toMatch(/^items\.[0-9a-z]{10}\.0\.csv$/);
    await expect(writers.write("items", items, rowsOf(1))).rejects.toThrow(
      new DataWriterPoolStateException("The data writer pool is closed; create a new pool to write more rows."),
    );
  });

  it("refuses overlapping writes and use after close", async () => {
    const { pool: writers } = pool("jsonl");
    const first = writers.write("items", items, rowsOf(1));
    await expect(writers.write("items", items, rowsOf(1))).rejects.toThrow(
      "write() was called while a previous write() had not settled; await each write() before the next.",
    );
    await first;
    await writers.close();
    await expect(writers.close()).rejects.toThrow(DataWriterPoolStateException);
  });

  it("fails on a bad value, then only allows abort()", async () => {
    const { directory, pool: writers } = pool("csv");
    const events = table("events", { at: "timestamp" });
    await expect(writers.write("events", events, [{ at: "2024-01-01" }, { at: "soon" }])).rejects.toThrow(
      new InvalidDataValueException("events", "at", "timestamp", "soon", "not an ISO-8601 timestamp"),
    );
    await expect(writers.close()).rejects.toThrow(
      "A previous write() of this data writer pool failed; call abort() to remove its unfinished files.",
    );
    await writers.abort();
    expect(readdirSync(directory)).toEqual([]);
  });

  it("refuses formats without a writer and limits that are not positive", async () => {
    const { directory, pool: writers } = pool("typed-jsonl");
    await expect(writers.write("items", items, rowsOf(1))).rejects.toThrow(
      new UnsupportedFileFormatException("typed-jsonl", ["jsonl", "insert_values", "csv", "parquet"]),
    );
    expect(readdirSync(directory)).toEqual([]);
    expect(() => pool("jsonl", { fileMaxItems: 0 })).toThrow("fileMaxItems must be a positive number, got 0.");
  });
});
