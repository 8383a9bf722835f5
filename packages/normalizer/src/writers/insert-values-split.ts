import type { DestinationCapabilities } from "@dlt-ts/core";
import { INSERT_VALUES_TABLE_PLACEHOLDER } from "./insert-values-data-writer.js";
import { InsertValuesFormatException } from "./writer-exceptions.js";

/** How large one statement may grow. */
export interface InsertValuesLimits {
  /** Rows per statement. Default unlimited. */
  maxRows?: number;
  /** Statement length (bytes or characters, see lengthInBytes). Default unlimited. */
  maxLength?: number;
  /** Whether maxLength counts UTF-8 bytes (true) or UTF-16 characters. Default true. */
  lengthInBytes?: boolean;
  /**
   * Replaces the `{}` placeholder of the header (the qualified, escaped table
   * name). Default: the placeholder is kept.
   */
  tableName?: string;
}

/** One INSERT statement cut from an insert_values file. */
export interface InsertValuesStatement {
  sql: string;
  rowCount: number;
}

/** The limits a destination declares: maxRowsPerInsert, maxQueryLength, isMaxQueryLengthInBytes. */
export function insertValuesLimitsFromCapabilities(
  capabilities: DestinationCapabilities,
  tableName?: string,
): InsertValuesLimits {
  return {
    maxRows: capabilities.maxRowsPerInsert,
    maxLength: capabilities.maxQueryLength,
    lengthInBytes: capabilities.isMaxQueryLengthInBytes,
    tableName,
  };
}

const HEADER_END = ")\nVALUES\n";

/**
 * Cuts an insert_values file (see {@link InsertValuesDataWriter}) into INSERT
 * statements that respect a destination's row and length limits. Each
 * statement repeats the file's header, holds whole rows and ends with `;`.
 * A single row longer than maxLength still makes a statement of its own
 * (the destination then reports it).
 *
 * Row boundaries are found by SQL quoting, not by lines: the writer puts
 * exactly one `\n` between rows (after `,`) and none elsewhere outside string
 * literals, while a literal may hold raw newlines and `),\n(` itself. The
 * scanner understands `'…'` with `''` doubling (ANSI, SQL Server `N'…'`) and
 * PostgreSQL's `E'…'` with backslash escapes. So a destination's
 * escapeLiteral may output any of those, plus unquoted text without a newline
 * (`0x…`, `CAST(... AS ...)`), and splitting stays exact.
 *
 * @param source the whole file as a string, or chunks (e.g. `fs.createReadStream(path)`), read once.
 * @example
 * for await (const { sql } of splitInsertValues(fs.createReadStream(file), { maxRows: 1000, tableName: '"ds"."items"' })) {
 *   await client.execute(sql);
 * }
 */
export async function* splitInsertValues(
  source: string | AsyncIterable<string | Uint8Array>,
  limits: InsertValuesLimits = {},
): AsyncGenerator<InsertValuesStatement> {
  const maxRows = limits.maxRows ?? Number.POSITIVE_INFINITY;
  const maxLength = limits.maxLength ?? Number.POSITIVE_INFINITY;
  const measure = limits.lengthInBytes === false ? (text: string) => text.length : (text: string) => Buffer.byteLength(text);
  const scanner = new InsertValuesScanner();
  let prefix: string | undefined;
  let prefixLength = 0;
  let rows: string[] = [];
  let length = 0;

  function* take(completed: string[]): Generator<InsertValuesStatement> {
    if (prefix === undefined) {
      const header = scanner.header;
      if (header === undefined) return;
      prefix = `${limits.tableName === undefined ? header : header.replace(INSERT_VALUES_TABLE_PLACEHOLDER, limits.tableName)}\nVALUES\n`;
      prefixLength = measure(prefix);
    }
    for (const row of completed) {
      const rowLength = measure(row);
      // `,\n` before every row but the first, `;` at the end.
      const grown = rows.length === 0 ? prefixLength + rowLength + 1 : length + rowLength + 2;
      if (rows.length > 0 && (rows.length >= maxRows || grown > maxLength)) {
        yield { sql: `${prefix}${rows.join(",\n")};`, rowCount: rows.length };
        rows = [];
      }
      length = rows.length === 0 ? prefixLength + rowLength + 1 : length + rowLength + 2;
      rows.push(row);
    }
  }

  if (typeof source === "string") {
    yield* take(scanner.push(source));
  } else {
    const decoder = new TextDecoder("utf-8");
    for await (const chunk of source) {
      yield* take(scanner.push(typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true })));
    }
    yield* take(scanner.push(decoder.decode()));
  }
  yield* take(scanner.end());
  if (rows.length > 0) yield { sql: `${prefix}${rows.join(",\n")};`, rowCount: rows.length };
}

/**
 * Finds the rows of an insert_values file as text arrives. Keeps only the
 * unfinished row, and its scanning state, between chunks.
 */
class InsertValuesScanner {
  /** `INSERT INTO {}(…)`, once read. */
  header: string | undefined;
  private text = "";
  private position = 0;
  private inLiteral = false;
  private backslashEscapes = false;
  private static readonly outside = /['\n]/g;
  private static readonly insidePlain = /'/g;
  private static readonly insideBackslash = /['\\]/g;

  /** Adds text; returns the rows it completed, each `(…)` without separator. */
  push(chunk: string): string[] {
    this.text = this.text.length === 0 ? chunk : this.text + chunk;
    return this.scan(false);
  }

  /** The source ended: returns the last row (the one ending with `;`). */
  end(): string[] {
    const rows = this.scan(true);
    if (this.header === undefined) throw new InsertValuesFormatException(malformedMessage("no `VALUES` header found"));
    if (this.inLiteral) throw new InsertValuesFormatException(malformedMessage("a string literal is not closed"));
    const last = this.text.trimEnd();
    if (last.length === 0) {
      if (rows.length === 0) throw new InsertValuesFormatException(malformedMessage("no rows"));
      throw new InsertValuesFormatException(malformedMessage("the last row is followed by `,` instead of `;`"));
    }
    if (!last.endsWith(";")) throw new InsertValuesFormatException(malformedMessage("it does not end with `;`"));
    rows.push(checkedRow(last.slice(0, -1)));
    this.text = "";
    return rows;
  }

  private scan(atEnd: boolean): string[] {
    const rows: string[] = [];
    if (this.header === undefined && !this.readHeader()) return rows;
    const text = this.text;
    let rowStart = 0;
    let position = this.position;
    while (position < text.length) {
      if (!this.inLiteral) {
        const pattern = InsertValuesScanner.outside;
        pattern.lastIndex = position;
        const match = pattern.exec(text);
        if (!match) {
          position = text.length;
          break;
        }
        const at = match.index;
        if (text[at] === "\n") {
          const row = text.slice(rowStart, at);
          if (!row.endsWith(",")) throw new InsertValuesFormatException(malformedMessage("a row does not end with `,`"));
          rows.push(checkedRow(row.slice(0, -1)));
          rowStart = position = at + 1;
        } else {
          // E'…' (PostgreSQL escape string): backslashes escape; `xE'` inside a word does not count.
          const prefix = text[at - 1];
          this.backslashEscapes = (prefix === "E" || prefix === "e") && !/[A-Za-z0-9_]/.test(text[at - 2] ?? "");
          this.inLiteral = true;
          position = at + 1;
        }
      } else {
        const pattern = this.backslashEscapes ? InsertValuesScanner.insideBackslash : InsertValuesScanner.insidePlain;
        pattern.lastIndex = position;
        const match = pattern.exec(text);
        if (!match) {
          position = text.length;
          break;
        }
        const at = match.index;
        if (at + 1 >= text.length && !atEnd) {
          // `'` or `\` as the last character: what follows decides; wait for it.
          position = at;
          break;
        }
        if (text[at] === "\\" || text[at + 1] === "'") {
          position = at + 2;
        } else {
          this.inLiteral = false;
          position = at + 1;
        }
      }
    }
    this.text = text.slice(rowStart);
    this.position = position - rowStart;
    return rows;
  }

  /** Reads `INSERT INTO {}(…)\nVALUES\n`; false while it is incomplete. */
  private readHeader(): boolean {
    const end = this.text.indexOf(HEADER_END);
    if (end < 0) return false;
    this.header = this.text.slice(0, end + 1);
    if (!this.header.startsWith("INSERT INTO ")) {
      throw new InsertValuesFormatException(malformedMessage("it does not start with `INSERT INTO `"));
    }
    this.text = this.text.slice(end + HEADER_END.length);
    this.position = 0;
    return true;
  }
}

function checkedRow(row: string): string {
  if (!row.startsWith("(") || !row.endsWith(")")) {
    throw new InsertValuesFormatException(malformedMessage("a row is not a parenthesized tuple"));
  }
  return row;
}

function malformedMessage(reason: string): string {
  return `Not an insert_values file: ${reason}.`;
}
