import { once } from "node:events";
import { createWriteStream, promises as fs } from "node:fs";
import * as path from "node:path";
import { formatJobFileName, type DestinationCapabilities, type LoaderFileFormat, type TableSchema } from "@dlt-ts/core";
import { batchLength, sliceBatch, type RowBatch } from "./data-row.js";
import type { DataWriter } from "./data-writer.js";
import { columnsSignature, typedColumns } from "./data-writer.js";
import { createDataWriter } from "./data-writer-factory.js";
import { newFileId } from "./file-id.js";
import {
  DataWriterException,
  DataWriterPoolStateException,
  concurrentWriteMessage,
  invalidLimitMessage,
  poolClosedMessage,
  poolFailedMessage,
} from "./writer-exceptions.js";

/** Default rows per file. dlt does not rotate by default; files of 100k rows let the loader work in parallel and retry less. */
export const DEFAULT_FILE_MAX_ITEMS = 100_000;
/** Default bytes per file (approximate, see DataWriter.bytesCount): 100 MiB. */
export const DEFAULT_FILE_MAX_BYTES = 100 * 1024 * 1024;
/** Rows handed to a writer at once, so rotation by bytes overshoots by at most this many rows. */
const ROWS_PER_SLICE = 1000;

export interface BufferedDataWriterPoolOptions {
  /** Folder the finished files go to: a load package's `new_jobs`. Created when the first file opens. */
  directory: string;
  /** Format of every file of the pool. */
  format: LoaderFileFormat;
  /** The destination's capabilities (escaping for insert_values, decimal precision for parquet). */
  capabilities: DestinationCapabilities;
  /** A file is closed once it holds this many rows. Default {@link DEFAULT_FILE_MAX_ITEMS}. */
  fileMaxItems?: number;
  /** A file is closed once it holds about this many bytes. Default {@link DEFAULT_FILE_MAX_BYTES}. */
  fileMaxBytes?: number;
  /** Size of the chunks written to disk. Default 64 KiB. */
  chunkBytes?: number;
  /** Parquet only: rows per row group. Default 10 000. */
  parquetRowGroupSize?: number;
}

/** A finished job file. */
export interface WrittenFile {
  /** Table the rows belong to (the name given to write()). */
  table: string;
  /** `<table>.<file_id>.0.<format>` */
  fileName: string;
  /** Absolute or relative path, as `directory` was given. */
  path: string;
  format: LoaderFileFormat;
  rows: number;
  bytes: number;
}

/** What {@link BufferedDataWriterPool.close} returns. */
export interface WrittenFiles {
  /** Every file written, in the order they were finished. */
  files: WrittenFile[];
  /** Rows per table over all files. */
  rowsByTable: Record<string, number>;
}

interface OpenFile {
  table: string;
  writer: DataWriter;
  fileName: string;
  tempPath: string;
  signature: string;
}

/**
 * Writes the rows of many tables into job files of one format, as dlt's
 * normalize stage does: one open file per table, rotated
 * - after `fileMaxItems` rows or about `fileMaxBytes` bytes, and
 * - when the table's column set changes, for formats whose files fix their
 *   columns (csv and insert_values headers, parquet schema; jsonl goes on).
 *
 * Files are named `<table>.<file_id>.0.<format>` (file_id: 10 random base36
 * chars) and written as `.<name>.tmp` in the same folder, then renamed into
 * place when finished: a killed process leaves only dot-files, which
 * LoadPackageStorage.listJobs ignores, never half a job.
 *
 * Memory is flat: each open file holds one ~64 KiB text chunk or one parquet
 * row group. Calls must not overlap: await each write() before the next.
 *
 * @example
 * const pool = new BufferedDataWriterPool({ directory: newJobsDir, format: "jsonl", capabilities });
 * await pool.write("items", itemsTable, rows);
 * const { files, rowsByTable } = await pool.close();
 */
export class BufferedDataWriterPool {
  private readonly open = new Map<string, OpenFile>();
  private readonly written: WrittenFile[] = [];
  private readonly fileMaxItems: number;
  private readonly fileMaxBytes: number;
  private state: "open" | "busy" | "failed" | "closed" = "open";
  private directoryReady = false;
  /** Column-list signature per table, by the caller's columns revision. */
  private readonly signatures = new Map<string, { table: TableSchema; revision: number; signature: string }>();

  constructor(private readonly options: BufferedDataWriterPoolOptions) {
    this.fileMaxItems = positive("fileMaxItems", options.fileMaxItems ?? DEFAULT_FILE_MAX_ITEMS);
    this.fileMaxBytes = positive("fileMaxBytes", options.fileMaxBytes ?? DEFAULT_FILE_MAX_BYTES);
  }

  /** Files finished so far (rotated or closed). */
  get files(): readonly WrittenFile[] {
    return this.written;
  }

  /**
   * Appends rows of one table. `table` is its current schema: the columns
   * with a data type, in order, are the columns of the file (values of other
   * keys are not written by csv, insert_values and parquet).
   *
   * `columnsRevision`, when given, must change whenever the table's columns
   * (names, order or types) change: the column list of a wide table is then
   * worked out again only when it changed, not on every call.
   */
  async write(tableName: string, table: TableSchema, rows: RowBatch, columnsRevision?: number): Promise<void> {
    this.enter();
    try {
      if (batchLength(rows) > 0) await this.writeRows(tableName, table, rows, columnsRevision);
      this.state = "open";
    } catch (error) {
      this.state = "failed";
      throw error;
    }
  }

  /** Finishes every open file and returns all files written. The pool cannot be used afterwards. */
  async close(): Promise<WrittenFiles> {
    this.enter();
    try {
      for (const file of [...this.open.values()]) await this.finish(file);
      this.state = "closed";
    } catch (error) {
      this.state = "failed";
      throw error;
    }
    const rowsByTable: Record<string, number> = {};
    for (const file of this.written) rowsByTable[file.table] = (rowsByTable[file.table] ?? 0) + file.rows;
    return { files: [...this.written], rowsByTable };
  }

  /** Drops unfinished files (their temp files are deleted); finished files stay. */
  async abort(): Promise<void> {
    this.state = "closed";
    const unfinished = [...this.open.values()];
    this.open.clear();
    for (const file of unfinished) {
      file.writer.destroy();
      await fs.rm(file.tempPath, { force: true });
    }
  }

  private async writeRows(
    tableName: string,
    table: TableSchema,
    rows: RowBatch,
    columnsRevision: number | undefined,
  ): Promise<void> {
    const signature = this.signatureOf(tableName, table, columnsRevision);
    let file = this.open.get(tableName);
    if (file && file.signature !== signature) {
      if (file.writer.tryUpdateColumns(typedColumns(Object.values(table.columns)))) {
        file.signature = signature;
      } else {
        await this.finish(file);
        file = undefined;
      }
    }
    let start = 0;
    const count = batchLength(rows);
    while (start < count) {
      file ??= await this.openFile(tableName, table, signature);
      const room = this.fileMaxItems - file.writer.itemsCount;
      const end = Math.min(count, start + room, start + ROWS_PER_SLICE);
      await file.writer.write(start === 0 && end === count ? rows : sliceBatch(rows, start, end));
      start = end;
      if (file.writer.itemsCount >= this.fileMaxItems || file.writer.bytesCount >= this.fileMaxBytes) {
        await this.finish(file);
        file = undefined;
      }
    }
  }

  private signatureOf(tableName: string, table: TableSchema, revision: number | undefined): string {
    const known = this.signatures.get(tableName);
    if (revision !== undefined && known?.revision === revision && known.table === table) return known.signature;
    const signature = columnsSignature(typedColumns(Object.values(table.columns)));
    if (revision !== undefined) this.signatures.set(tableName, { table, revision, signature });
    return signature;
  }

  private async openFile(tableName: string, table: TableSchema, signature: string): Promise<OpenFile> {
    const { directory, format, capabilities, chunkBytes, parquetRowGroupSize } = this.options;
    if (!this.directoryReady) {
      await fs.mkdir(directory, { recursive: true });
      this.directoryReady = true;
    }
    const fileName = formatJobFileName({ table: tableName, fileId: newFileId(), retry: 0, format });
    const tempPath = path.join(directory, `.${fileName}.tmp`);
    // "wx": a clash of random ids must fail, not overwrite another file.
    const stream = createWriteStream(tempPath, { flags: "wx" });
    // Open errors (a missing folder, an id clash) surface here, where the file is set up.
    await once(stream, "open");
    const columns = typedColumns(Object.values(table.columns));
    let writer: DataWriter;
    try {
      writer = createDataWriter(format, stream, { tableName, columns, capabilities, chunkBytes, parquetRowGroupSize });
    } catch (error) {
      stream.destroy();
      await fs.rm(tempPath, { force: true });
      throw error;
    }
    const file: OpenFile = { table: tableName, writer, fileName, tempPath, signature };
    this.open.set(tableName, file);
    return file;
  }

  private async finish(file: OpenFile): Promise<void> {
    await file.writer.close();
    const target = path.join(this.options.directory, file.fileName);
    await fs.rename(file.tempPath, target);
    // Only now: a file that failed to finish stays known, so abort() removes its temp file.
    this.open.delete(file.table);
    this.written.push({
      table: file.table,
      fileName: file.fileName,
      path: target,
      format: this.options.format,
      rows: file.writer.itemsCount,
      bytes: file.writer.bytesCount,
    });
  }

  private enter(): void {
    if (this.state === "busy") throw new DataWriterPoolStateException(concurrentWriteMessage());
    if (this.state === "closed") throw new DataWriterPoolStateException(poolClosedMessage());
    if (this.state === "failed") throw new DataWriterPoolStateException(poolFailedMessage());
    this.state = "busy";
  }
}

function positive(name: string, value: number): number {
  if (!(value > 0)) throw new DataWriterException(invalidLimitMessage(name, value));
  return value;
}
