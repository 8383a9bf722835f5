import type { ColumnSchema } from "@dlt-ts/core";
import type { DataRow } from "./data-row.js";
import { toJsonText } from "./json-text.js";
import { TextDataWriterBase } from "./text-data-writer-base.js";
import { ValueConversionError } from "./value-conversion-error.js";
import { InvalidDataValueException } from "./writer-exceptions.js";

/**
 * jsonl: one JSON object per line (`\n`), keys in the row's own order,
 * `undefined` members left out and `null` kept. Values are written by their
 * JS type, so a reader gets back what was written (and converts by the
 * table schema, as dlt's sink reader does):
 * - bigint → a JSON number with all its digits (`18446744073709551616`), never rounded;
 * - Date → its ISO string (`2024-05-01T10:20:30.000Z`);
 * - Uint8Array → a base64 string (RFC 4648, padded);
 * - objects and arrays (json columns) → nested JSON, with the same rules inside;
 * - NaN and ±Infinity → null (JSON has no literal for them); -0 → `-0.0`, or `0` in a bigint column;
 * - strings (also ISO timestamps, dates, times, numeric decimal text) as given.
 *
 * The file has no header, so new columns need no new file.
 */
export class JsonlDataWriter extends TextDataWriterBase {
  readonly format = "jsonl" as const;

  override tryUpdateColumns(columns: readonly ColumnSchema[]): boolean {
    this.setColumns(columns);
    return true;
  }

  protected header(): string {
    return "";
  }

  protected separator(): string {
    return "\n";
  }

  protected renderRow(row: DataRow): string {
    const text = toJsonText(row);
    // -0 is written `-0.0` to keep its sign in a double column; an integer column takes it as 0 (Math.round(-0.4)).
    if (!text.includes("-0.0")) return text;
    const zeroed = this.withIntegerZeros(row);
    return zeroed === row ? text : toJsonText(zeroed);
  }

  /** The row with -0 in bigint columns as 0: a copy if any was, else the row itself. */
  private withIntegerZeros(row: DataRow): DataRow {
    let fixed: Record<string, unknown> | undefined;
    for (const column of this.columns) {
      if (column.dataType !== "bigint" || !Object.is(row[column.name], -0)) continue;
      fixed ??= { ...row };
      fixed[column.name] = 0;
    }
    return fixed ?? row;
  }

  /** Ends with a newline, so concatenated files stay valid jsonl. */
  protected footer(): string {
    return "\n";
  }

  protected renderValue(_index: number, value: unknown): string {
    return toJsonText(value);
  }

  /** Rows may hold keys that are not (yet) columns, so look at the row's own keys. */
  protected override describeFailure(row: DataRow, error: ValueConversionError): Error {
    for (const [name, value] of Object.entries(row)) {
      try {
        toJsonText(value);
      } catch (valueError) {
        if (!(valueError instanceof ValueConversionError)) throw valueError;
        const dataType = this.columns.find((column) => column.name === name)?.dataType ?? "json";
        return new InvalidDataValueException(this.tableName, name, dataType, value, valueError.reason);
      }
    }
    return error;
  }
}
