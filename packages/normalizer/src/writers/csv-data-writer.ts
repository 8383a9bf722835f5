import type { Writable } from "node:stream";
import type { ColumnSchema, ColumnSlots, DataType, SlottedRow } from "@dlt-ts/core";
import { bytesToHex, toBytes } from "./binary-values.js";
import type { DataRow } from "./data-row.js";
import type { DataWriterOptions } from "./data-writer.js";
import { doubleText, exactNumberText, toDecimalText } from "./decimal-values.js";
import { toJsonText } from "./json-text.js";
import { formatDate, formatNaiveTimestamp, formatTime, formatTimestamp } from "./temporal-values.js";
import { TextDataWriterBase, type ValueRenderer } from "./text-data-writer-base.js";
import { NoColumnsToWriteException } from "./writer-exceptions.js";

/**
 * A field must be quoted when it holds the delimiter, a quote or a line
 * break; and when it holds NUL, so that a destination that removes NUL
 * (Postgres cannot store it) reads `"\0"` as an empty string, not as NULL.
 */
const NEEDS_QUOTES = /[",\r\n\0]/;

/**
 * csv (RFC 4180, `,` delimiter, `"` quote, `\n` line ends), made to load with
 * PostgreSQL's `COPY ... (FORMAT csv, HEADER true)` and its defaults:
 * - the first line holds the column names;
 * - NULL is an empty unquoted field, an empty string is `""` — the two stay
 *   apart on the way back (Postgres' default `NULL ''` for CSV);
 * - a field is quoted only when needed (delimiter, quote, CR or LF, or the
 *   lone `\.` that Postgres would read as end-of-data), quotes are doubled;
 * - bool → `true`/`false`; timestamp → ISO-8601 in UTC (`…Z`, microseconds
 *   kept), naive (no zone) in columns hinted `timezone: false`; date →
 *   `YYYY-MM-DD`; time → `HH:MM:SS[.ffffff]`; bigint, decimal, wei → exact
 *   digits (no exponent); double → JS number text (`NaN`, `Infinity` as such, `-0` kept);
 *   json → JSON text; binary → `\x` + hex (PostgreSQL bytea input).
 *
 * Values are written as they are otherwise: NUL characters are not removed
 * (a field holding one is quoted); lone surrogates become U+FFFD, as in
 * every UTF-8 file (see the README).
 * The header fixes the columns, so a new column needs a new file.
 */
export class CsvDataWriter extends TextDataWriterBase {
  readonly format = "csv" as const;
  private readonly renderers: ValueRenderer[];

  constructor(stream: Writable, options: DataWriterOptions) {
    super(stream, options);
    if (options.columns.length === 0) throw new NoColumnsToWriteException(options.tableName, this.format);
    this.renderers = options.columns.map((column) => csvRenderer(column));
  }

  protected header(): string {
    return `${this.columns.map((column) => quoteCsvField(column.name)).join(",")}\n`;
  }

  protected separator(): string {
    return "";
  }

  protected renderRow(row: DataRow): string {
    return `${this.renderColumns(row, this.renderers, "").join(",")}\n`;
  }

  protected override renderSlottedRow(columns: ColumnSlots, row: SlottedRow): string {
    return `${this.joinSlottedFields(columns, row, this.renderers, "")}\n`;
  }

  protected footer(): string {
    return "";
  }

  protected renderValue(index: number, value: unknown): string {
    return value === null || value === undefined ? "" : this.renderers[index](value);
  }
}

/** A text field quoted as RFC 4180 asks; the empty string becomes `""` so it differs from NULL. */
export function quoteCsvField(text: string): string {
  if (text === "" || text === "\\." || NEEDS_QUOTES.test(text)) return `"${text.replace(/"/g, '""')}"`;
  return text;
}

function csvRenderer(column: ColumnSchema): ValueRenderer {
  const type: DataType | undefined = column.dataType;
  switch (type) {
    case "bool":
      return (value) => (typeof value === "boolean" ? String(value) : quoteCsvField(String(value)));
    case "double":
      return (value) => (typeof value === "number" ? doubleText(value) : typeof value === "bigint" ? String(value) : plainField(value));
    case "bigint":
      return (value) => (typeof value === "number" ? exactNumberText(value) : typeof value === "bigint" ? String(value) : plainField(value));
    case "decimal":
    case "wei":
      return (value) => toDecimalText(value);
    case "timestamp":
      return column.timezone === false ? formatNaiveTimestamp : (value) => formatTimestamp(value);
    case "date":
      return (value) => formatDate(value);
    case "time":
      return (value) => formatTime(value);
    case "binary":
      return (value) => `\\x${bytesToHex(toBytes(value))}`;
    case "json":
      return (value) => quoteCsvField(toJsonText(value));
    default:
      return plainField;
  }
}

/** Text columns and values of an unexpected JS type: strings as is, objects as JSON. */
function plainField(value: unknown): string {
  if (typeof value === "string") return quoteCsvField(value);
  if (value instanceof Date) return formatTimestamp(value);
  if (value instanceof Uint8Array) return `\\x${bytesToHex(value)}`;
  if (typeof value === "object") return quoteCsvField(toJsonText(value));
  return quoteCsvField(String(value));
}
