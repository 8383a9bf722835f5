import { DltException } from "@dlt-ts/core";

/** Base of the errors raised by the file writers and their pool. */
export class DataWriterException extends DltException {}

/** The pool or factory was asked for a file format no writer exists for. */
export class UnsupportedFileFormatException extends DataWriterException {
  constructor(readonly format: string, readonly supported: readonly string[]) {
    super(unsupportedFileFormatMessage(format, supported));
  }
}

/** A value cannot be written as the data type of its column. */
export class InvalidDataValueException extends DataWriterException {
  constructor(
    readonly tableName: string,
    readonly columnName: string,
    readonly dataType: string,
    readonly value: unknown,
    readonly reason: string,
  ) {
    super(invalidDataValueMessage(tableName, columnName, dataType, value, reason));
  }
}

/** A format with a fixed column list (csv, insert_values, parquet) got a table with no typed column. */
export class NoColumnsToWriteException extends DataWriterException {
  constructor(readonly tableName: string, readonly format: string) {
    super(noColumnsToWriteMessage(tableName, format));
  }
}

/** The pool was used after close()/abort(), or write() was called before the previous one settled. */
export class DataWriterPoolStateException extends DataWriterException {}

/** splitInsertValues got text that is not an insert_values file. */
export class InsertValuesFormatException extends DataWriterException {}

export function unsupportedFileFormatMessage(format: string, supported: readonly string[]): string {
  return `No data writer for file format "${format}". Supported formats: ${supported.join(", ")}.`;
}

/** Long values are cut so a bad blob cannot flood a log line. */
const MAX_VALUE_CHARS = 80;

export function invalidDataValueMessage(
  tableName: string,
  columnName: string,
  dataType: string,
  value: unknown,
  reason: string,
): string {
  return (
    `Cannot write value ${describeValue(value)} of column "${columnName}" in table "${tableName}" ` +
    `as ${dataType}: ${reason}.`
  );
}

export function noColumnsToWriteMessage(tableName: string, format: string): string {
  return (
    `Table "${tableName}" has no column with a data type, so its rows cannot be written as ${format} ` +
    `(the format needs a fixed column list). Add columns to the table schema before writing rows.`
  );
}

export function poolClosedMessage(): string {
  return "The data writer pool is closed; create a new pool to write more rows.";
}

export function concurrentWriteMessage(): string {
  return "write() was called while a previous write() had not settled; await each write() before the next.";
}

function describeValue(value: unknown): string {
  let text: string;
  if (typeof value === "string") text = JSON.stringify(value);
  else if (typeof value === "bigint") text = `${value}n`;
  else if (value instanceof Date) text = `Date(${Number.isNaN(value.getTime()) ? "invalid" : value.toISOString()})`;
  else if (value instanceof Uint8Array) text = `Uint8Array(${value.byteLength})`;
  else text = String(value);
  const kind = value === null ? "null" : typeof value;
  return `${text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS)}…` : text} (${kind})`;
}

export function poolFailedMessage(): string {
  return "A previous write() of this data writer pool failed; call abort() to remove its unfinished files.";
}

export function invalidLimitMessage(name: string, value: number): string {
  return `${name} must be a positive number, got ${value}.`;
}
