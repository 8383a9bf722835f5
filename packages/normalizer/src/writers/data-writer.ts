import type { ColumnSchema, DestinationCapabilities, LoaderFileFormat } from "@dlt-ts/core";
import type { RowBatch } from "./data-row.js";

/**
 * Writes rows of one table into one file, through a Node writable stream.
 * Writers buffer: rows are rendered into chunks of ~64 KiB (parquet: whole row
 * groups) before they reach the stream, and `write` waits when the stream
 * asks for backpressure, so memory stays flat however many rows flow.
 *
 * One writer is one file: {@link BufferedDataWriterPool} decides when to
 * start a new one (rotation by rows, bytes or a new column set).
 */
export interface DataWriter {
  readonly format: LoaderFileFormat;
  /** Rows written so far. */
  readonly itemsCount: number;
  /**
   * Bytes produced so far, counting data still buffered (for text formats
   * buffered characters count as bytes, so it may lag behind by a few bytes
   * per non-ASCII character until the next flush).
   */
  readonly bytesCount: number;
  /**
   * Appends rows; resolves once the writer's buffer is within bounds again.
   * Rows are objects, or slot/value arrays of one table (what the
   * normalizer emits: cheaper for wide, sparse tables).
   */
  write(rows: RowBatch): Promise<void>;
  /**
   * Offers a new column list for the next rows. Returns true when the writer
   * took it and can go on in the same file (jsonl has no header), false when
   * the format fixes its columns per file (csv, insert_values, parquet), so
   * the caller has to close this file and open a new one.
   */
  tryUpdateColumns(columns: readonly ColumnSchema[]): boolean;
  /** Writes what is buffered plus any footer, ends the stream and waits until it is finished. */
  close(): Promise<void>;
  /** Destroys the stream without finishing the file (after a failure). */
  destroy(): void;
}

/** What every writer is built with. */
export interface DataWriterOptions {
  /** Table name, used in error messages. */
  tableName: string;
  /**
   * Columns of the file, in schema order. Only columns with a `dataType` are
   * written; a column without one has seen no value yet.
   */
  columns: readonly ColumnSchema[];
  /** The destination's capabilities: escaping (insert_values), decimal precision (parquet). */
  capabilities: DestinationCapabilities;
  /** Size of the chunks handed to the stream. Default 64 KiB. */
  chunkBytes?: number;
  /** Parquet only: rows per row group (and rows held in memory before one is written). Default 10 000. */
  parquetRowGroupSize?: number;
}

/** The columns a file holds: those with a data type, in schema order. */
export function typedColumns(columns: Iterable<ColumnSchema>): ColumnSchema[] {
  const typed: ColumnSchema[] = [];
  for (const column of columns) if (column.dataType !== undefined) typed.push(column);
  return typed;
}

/** A key that changes whenever the column list (names, order or types) changes. */
export function columnsSignature(columns: readonly ColumnSchema[]): string {
  let signature = "";
  for (const column of columns) signature += `${column.name}\u0000${column.dataType ?? ""}\u0001`;
  return signature;
}
