import { createReadStream } from "node:fs";
import { DestinationTerminalException } from "@dlt-ts/core";

/** Limits for the statements cut from an insert_values file. */
export interface InsertValuesLimits {
  /** Longest statement; measured in bytes when `inBytes`, else in UTF-16 code units. */
  maxQueryLength: number;
  inBytes: boolean;
  /** Most rows in one statement. */
  maxRowsPerInsert: number;
}

/**
 * Reads an insert_values job file and yields INSERT statements for
 * `qualifiedTableName`, each within `limits`. The file holds one or more blocks
 * `INSERT INTO {}(...)` / `VALUES` / rows joined by `,\n` / `;`; `{}` is
 * replaced by the table name. Rows may span lines (a literal with a raw
 * newline): quotes are tracked, including backslash escapes in `E'...'`.
 * The file is streamed, so memory holds one statement at a time.
 *
 * @throws DestinationTerminalException when the file is not in that shape
 */
export async function* readInsertValuesStatements(
  filePath: string,
  qualifiedTableName: string,
  limits: InsertValuesLimits,
): AsyncGenerator<string> {
  const measure = limits.inBytes ? (s: string) => Buffer.byteLength(s) : (s: string) => s.length;
  const lines = readLines(filePath);

  let header: string | undefined;
  let expectValues = false;
  let rows: string[] = [];
  let size = 0;
  let pending: string[] = [];
  const quotes = new QuoteTracker();
  let lineNo = 0;

  const statement = () => `${header}\nVALUES\n${rows.join(",\n")};`;

  for await (const line of lines) {
    lineNo++;
    if (header === undefined) {
      if (line.trim() === "") continue;
      if (!/^\s*INSERT INTO /i.test(line)) throw badFile(filePath, lineNo, "expected a line starting with INSERT INTO");
      header = line.replace("{}", qualifiedTableName).replace(/;\s*$/, "");
      expectValues = true;
      continue;
    }
    if (expectValues) {
      if (line.trim().toUpperCase() !== "VALUES") throw badFile(filePath, lineNo, "expected VALUES after the INSERT line");
      expectValues = false;
      continue;
    }
    pending.push(line);
    quotes.scan(line);
    if (quotes.inString) continue;
    const trimmed = line.trimEnd();
    const last = trimmed[trimmed.length - 1];
    if (last !== "," && last !== ";") {
      if (trimmed === "" && pending.length === 1) pending = [];
      continue;
    }
    const text = pending.join("\n").trimEnd();
    pending = [];
    const row = text.slice(0, -1);
    const rowSize = measure(row) + 2;
    if (rows.length > 0 && (rows.length >= limits.maxRowsPerInsert || measure(header) + 9 + size + rowSize > limits.maxQueryLength)) {
      yield statement();
      rows = [];
      size = 0;
    }
    rows.push(row);
    size += rowSize;
    if (last === ";") {
      yield statement();
      rows = [];
      size = 0;
      header = undefined;
    }
  }
  if (pending.some((l) => l.trim() !== "") || quotes.inString) throw badFile(filePath, lineNo, "the last row is not terminated");
  if (rows.length > 0) yield statement();
}

const NEWLINE = 0x0a;

/**
 * Lines of a file split at `\n` (empty ones included; a `\r` before it stays,
 * as it may belong to a literal), read in 64 KB
 * chunks only as fast as they are consumed. (readline's async iterator keeps
 * reading ahead while the consumer awaits a slow INSERT, so parallel jobs
 * ended up holding whole files in memory.)
 */
async function* readLines(filePath: string): AsyncGenerator<string> {
  let rest: Buffer | undefined;
  for await (const chunk of createReadStream(filePath, { highWaterMark: 1 << 16 }) as AsyncIterable<Buffer>) {
    const bytes = rest ? Buffer.concat([rest, chunk]) : chunk;
    let start = 0;
    let end: number;
    while ((end = bytes.indexOf(NEWLINE, start)) !== -1) {
      yield bytes.toString("utf8", start, end);
      start = end + 1;
    }
    rest = start < bytes.length ? Buffer.from(bytes.subarray(start)) : undefined;
  }
  if (rest && rest.length > 0) yield rest.toString("utf8");
}

function badFile(filePath: string, line: number, problem: string): DestinationTerminalException {
  return new DestinationTerminalException(`insert_values file ${filePath} is malformed at line ${line}: ${problem}`);
}

/** Tracks whether the text scanned so far ends inside a string literal. */
class QuoteTracker {
  inString = false;
  private extended = false;

  scan(line: string): void {
    let i = 0;
    const n = line.length;
    while (i < n) {
      if (!this.inString) {
        const q = line.indexOf("'", i);
        if (q < 0) return;
        const prev = q > 0 ? line[q - 1] : "";
        this.extended = prev === "E" || prev === "e";
        this.inString = true;
        i = q + 1;
        continue;
      }
      const q = line.indexOf("'", i);
      if (this.extended) {
        const b = line.indexOf("\\", i);
        if (b >= 0 && (q < 0 || b < q)) {
          i = b + 2;
          continue;
        }
      }
      if (q < 0) return;
      if (line[q + 1] === "'") {
        i = q + 2;
        continue;
      }
      this.inString = false;
      i = q + 1;
    }
  }
}
