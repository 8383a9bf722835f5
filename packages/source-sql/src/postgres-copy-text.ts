import type { DataItem } from "@dlt-ts/core";

/*
 * Postgres's COPY text format, read back into rows. `COPY (SELECT ...) TO
 * STDOUT` sends one line per row, fields separated by a tab, NULL as `\N`,
 * and a backslash before a backslash, newline, carriage return, tab,
 * backspace, form feed or vertical tab (`\\`, `\n`, `\r`, `\t`, `\b`, `\f`,
 * `\v`; COPY TO never writes octal or hex escapes). Once unescaped, a field
 * is the value's text exactly as the text protocol carries it, so the same
 * type parsers apply (see postgres-values.ts).
 *
 * Why COPY: the server formats every value anyway, and one UTF-8 decode per
 * chunk plus a split costs far less than `pg`'s per-row message parsing and
 * per-field decode (measured in bench/source-sql.ts).
 */

/** A field's text → its value (one per column, from the column's type). */
export type FieldParser = (text: string) => unknown;

const NEWLINE = 0x0a;
const ESCAPED = /\\(.)/gs;
const ESCAPES: Record<string, string> = { b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v" };

function unescapeField(text: string): string {
  return text.replace(ESCAPED, (_match, c: string) => ESCAPES[c] ?? c);
}

/**
 * Turns the bytes of a COPY text stream, in chunks cut anywhere, into rows
 * (objects keyed by `names`, values parsed by `parsers`).
 */
export class CopyTextRows {
  /** Bytes after the last newline of the chunks so far: the start of a row not complete yet. */
  private rest: Buffer | undefined;

  constructor(
    private readonly names: readonly string[],
    private readonly parsers: readonly FieldParser[],
  ) {}

  /** Appends to `rows` every row the chunk completes. */
  push(chunk: Buffer, rows: DataItem[]): void {
    const end = chunk.lastIndexOf(NEWLINE);
    if (end === -1) {
      this.rest = this.rest ? Buffer.concat([this.rest, chunk]) : chunk;
      return;
    }
    // A newline byte never occurs inside a multi-byte UTF-8 character: decoding up to it cuts no character.
    const text = this.rest ? Buffer.concat([this.rest, chunk.subarray(0, end)]).toString("utf8") : chunk.toString("utf8", 0, end);
    this.rest = end + 1 < chunk.length ? chunk.subarray(end + 1) : undefined;
    this.lines(text, rows);
  }

  /** Whether bytes of an unfinished row are left (the stream ended mid-row). */
  get pending(): boolean {
    return this.rest !== undefined && this.rest.length > 0;
  }

  private lines(text: string, rows: DataItem[]): void {
    const { names, parsers } = this;
    const width = names.length;
    let start = 0;
    for (;;) {
      const newline = text.indexOf("\n", start);
      const line = newline === -1 ? text.slice(start) : text.slice(start, newline);
      const row: DataItem = {};
      let from = 0;
      for (let i = 0; i < width; i++) {
        const tab = i === width - 1 ? line.length : line.indexOf("\t", from);
        const field = line.slice(from, tab);
        from = tab + 1;
        if (field.length === 2 && field === "\\N") {
          row[names[i]!] = null;
        } else {
          row[names[i]!] = parsers[i]!(field.indexOf("\\") === -1 ? field : unescapeField(field));
        }
      }
      rows.push(row);
      if (newline === -1) return;
      start = newline + 1;
    }
  }
}

/**
 * `sql` with its `$n` parameters written as quoted literals: COPY takes no
 * parameters. A quoted literal has type unknown until Postgres compares it
 * with the column, as an untyped parameter does. `$n` inside quoted
 * identifiers or strings is left alone. Needs `standard_conforming_strings`
 * on (the connection sets it).
 */
export function inlineParameters(sql: string, params: readonly unknown[]): string {
  if (params.length === 0) return sql;
  let out = "";
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    if (c === '"' || c === "'") {
      // A doubled quote inside continues the quoted part.
      let j = i + 1;
      for (; j < sql.length; j++) {
        if (sql[j] === c) {
          if (sql[j + 1] === c) j++;
          else break;
        }
      }
      out += sql.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    if (c === "$") {
      const m = /^\$(\d+)/.exec(sql.slice(i, i + 12));
      if (m) {
        const index = Number(m[1]) - 1;
        if (index < 0 || index >= params.length) throw new RangeError(`Parameter $${m[1]} has no value (${params.length} given)`);
        out += quoteLiteral(params[index]);
        i += m[0].length;
        continue;
      }
    }
    out += c;
    i++;
  }
  return out;
}

/** A value as a standard-conforming string literal. */
export function quoteLiteral(value: unknown): string {
  let text: string;
  if (typeof value === "string") text = value;
  else if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean") text = String(value);
  else if (value instanceof Date) text = value.toISOString();
  else if (value instanceof Uint8Array) text = `\\x${Buffer.from(value).toString("hex")}`;
  else throw new TypeError(`Cannot write a ${value === null ? "null" : typeof value} as a query literal`);
  if (text.includes("\0")) throw new TypeError("A query literal cannot hold a NUL character");
  return `'${text.replace(/'/g, "''")}'`;
}
