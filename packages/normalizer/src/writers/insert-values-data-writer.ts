import type { Writable } from "node:stream";
import type { ColumnSchema, ColumnSlots, DestinationCapabilities, SlottedRow } from "@dlt-ts/core";
import { toBytes } from "./binary-values.js";
import type { DataRow } from "./data-row.js";
import type { DataWriterOptions } from "./data-writer.js";
import { doubleText, toDecimalText } from "./decimal-values.js";
import { toJsonText } from "./json-text.js";
import { formatDate, formatNaiveTimestamp, formatTime, formatTimestamp } from "./temporal-values.js";
import { TextDataWriterBase, type ValueRenderer } from "./text-data-writer-base.js";
import { NoColumnsToWriteException } from "./writer-exceptions.js";

/** Placeholder the loader replaces with the qualified table name (as in dlt). */
export const INSERT_VALUES_TABLE_PLACEHOLDER = "{}";

/**
 * insert_values, dlt's format: one multi-row INSERT statement per file,
 *
 * ```sql
 * INSERT INTO {}("id","name")
 * VALUES
 * (1,'a'),
 * (2,'b');
 * ```
 *
 * `{}` stands for the qualified table name, which only the loader knows.
 * Rows are separated by `,\n` and the file ends with `;` (no newline).
 * Identifiers go through `capabilities.escapeIdentifier`, values through
 * `capabilities.escapeLiteral` after a conversion by column type:
 * - timestamp → ISO-8601 text in UTC (`'2024-05-01T10:20:30.123456Z'`; naive
 *   `'2024-05-01T10:20:30.123456'` in columns hinted `timezone: false`), date → `'YYYY-MM-DD'`,
 *   time → `'HH:MM:SS[.ffffff]'`, json → JSON text: all as string literals,
 *   which INSERT ... VALUES coerces to the target column's type;
 * - bigint, decimal, wei → digits written unquoted (exact, no exponent);
 * - double → the number (NaN/±Infinity/-0 as the strings `'NaN'`, `'Infinity'`, `'-0'`);
 * - bool and text → escapeLiteral of the JS value;
 * - binary → escapeLiteral receives the Uint8Array itself: each destination
 *   renders its own binary literal (PostgreSQL `'\x…'`, SQL Server `0x…`,
 *   DuckDB `'\xAA…'::BLOB`), as dlt's escape functions do.
 * Strings are kept as they are: a newline inside a literal stays a raw
 * newline unless the destination's escapeLiteral escapes it, so the file
 * must be split with {@link splitInsertValues}, which knows SQL quoting.
 * The header fixes the columns, so a new column needs a new file.
 */
export class InsertValuesDataWriter extends TextDataWriterBase {
  readonly format = "insert_values" as const;
  private readonly renderers: ValueRenderer[];
  private readonly escapeIdentifier: (identifier: string) => string;

  constructor(stream: Writable, options: DataWriterOptions) {
    super(stream, options);
    if (options.columns.length === 0) throw new NoColumnsToWriteException(options.tableName, this.format);
    this.escapeIdentifier = options.capabilities.escapeIdentifier;
    this.renderers = options.columns.map((column) => literalRenderer(column, options.capabilities));
  }

  protected header(): string {
    const names = this.columns.map((column) => this.escapeIdentifier(column.name)).join(",");
    return `INSERT INTO ${INSERT_VALUES_TABLE_PLACEHOLDER}(${names})\nVALUES\n`;
  }

  protected separator(): string {
    return ",\n";
  }

  protected renderRow(row: DataRow): string {
    return `(${this.renderColumns(row, this.renderers, "NULL").join(",")})`;
  }

  protected override renderSlottedRow(columns: ColumnSlots, row: SlottedRow): string {
    return `(${this.joinSlottedFields(columns, row, this.renderers, "NULL")})`;
  }

  protected footer(): string {
    return ";";
  }

  protected renderValue(index: number, value: unknown): string {
    return value === null || value === undefined ? "NULL" : this.renderers[index](value);
  }
}

function literalRenderer(column: ColumnSchema, capabilities: DestinationCapabilities): ValueRenderer {
  const escape = capabilities.escapeLiteral;
  switch (column.dataType) {
    case "double":
      // NaN, ±Infinity and -0 as strings the column's type reads: `-0` unquoted is the integer 0 negated, i.e. 0.
      return (value) =>
        typeof value === "number" && (!Number.isFinite(value) || (value === 0 && 1 / value < 0)) ? escape(doubleText(value)) : escape(value);
    case "bigint":
    case "decimal":
    case "wei":
      // toDecimalText only yields `-?digits[.digits]`, safe to write unquoted.
      return (value) => toDecimalText(value);
    case "timestamp":
      return column.timezone === false
        ? (value) => escape(formatNaiveTimestamp(value))
        : (value) => escape(formatTimestamp(value));
    case "date":
      return (value) => escape(formatDate(value));
    case "time":
      return (value) => escape(formatTime(value));
    case "binary":
      return (value) => escape(toBytes(value));
    case "json":
      return (value) => escape(toJsonText(value));
    default:
      return (value) => escape(plainLiteralValue(value));
  }
}

/** Text/bool columns and values of an unexpected JS type. */
function plainLiteralValue(value: unknown): unknown {
  if (value instanceof Date) return formatTimestamp(value);
  if (value instanceof Uint8Array) return value;
  if (typeof value === "object" && value !== null) return toJsonText(value);
  return value;
}
