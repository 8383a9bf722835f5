import type { ColumnSlots, DestinationCapabilities, LoaderFileFormat, SlottedRow, TableSchema } from "@dlt-ts/core";
import { BufferedDataWriterPool, type WrittenFile } from "../writers/buffered-data-writer-pool.js";

/**
 * Rows gathered per table before they go to a writer: fewer calls, yet few
 * enough that rows are rendered while still young (rows held longer survive
 * the GC's young-generation passes and get copied: 100 took twice the GC time).
 */
const ROWS_PER_WRITE = 20;
/**
 * Rows gathered before a table's first write. A table's columns change most
 * in its first rows, and csv/insert_values/parquet files fix their columns,
 * so writing early would cut a new file at every new column (dlt's writers
 * also buffer thousands of items before their first write).
 */
const ROWS_BEFORE_FIRST_WRITE = 1000;

export interface TableRowBuffersOptions {
  capabilities: DestinationCapabilities;
  /** File format of a table (its root table's hint, else the destination's preference). */
  formatOf: (table: string) => LoaderFileFormat;
  fileMaxItems?: number;
  fileMaxBytes?: number;
  /** Rows of a table held before its first write. Default {@link ROWS_BEFORE_FIRST_WRITE}. */
  rowsBeforeFirstWrite?: number;
  /** Grows whenever any table's columns change (see SchemaEvolver.revision). */
  columnsRevision?: () => number;
}

/** Buffers normalized rows per table and hands them to one writer pool per file format. */
export class TableRowBuffers {
  private readonly buffers = new Map<string, { table: TableSchema; columns: ColumnSlots; rows: SlottedRow[]; written: boolean }>();
  private readonly pools = new Map<LoaderFileFormat, BufferedDataWriterPool>();
  private full: string[] = [];
  private readonly rowsBeforeFirstWrite: number;

  constructor(
    private readonly directory: string,
    private readonly options: TableRowBuffersOptions,
  ) {
    this.rowsBeforeFirstWrite = options.rowsBeforeFirstWrite ?? ROWS_BEFORE_FIRST_WRITE;
  }

  /** Adds a row of a table, as slot/value arrays over the table's column slots. */
  add(table: TableSchema, columns: ColumnSlots, row: SlottedRow): void {
    let buffer = this.buffers.get(table.name);
    if (!buffer) {
      buffer = { table, columns, rows: [], written: false };
      this.buffers.set(table.name, buffer);
    }
    buffer.rows.push(row);
    if (buffer.rows.length === (buffer.written ? ROWS_PER_WRITE : this.rowsBeforeFirstWrite)) this.full.push(table.name);
  }

  /** Writes the tables whose buffers filled up; undefined when none did (nothing to wait for). */
  flushFull(): Promise<void> | undefined {
    if (this.full.length === 0) return undefined;
    const names = this.full;
    this.full = [];
    return this.flushAll(names);
  }

  private async flushAll(names: string[]): Promise<void> {
    for (const name of names) await this.flush(name);
  }

  async close(): Promise<WrittenFile[]> {
    for (const name of this.buffers.keys()) await this.flush(name);
    const files: WrittenFile[] = [];
    for (const pool of this.pools.values()) files.push(...(await pool.close()).files);
    return files;
  }

  async abort(): Promise<void> {
    for (const pool of this.pools.values()) await pool.abort();
  }

  private async flush(name: string): Promise<void> {
    const buffer = this.buffers.get(name)!;
    if (buffer.rows.length === 0) return;
    const { rows, columns } = buffer;
    buffer.rows = [];
    buffer.written = true;
    await this.pool(this.options.formatOf(name)).write(name, buffer.table, { columns, rows }, this.options.columnsRevision?.());
  }

  private pool(format: LoaderFileFormat): BufferedDataWriterPool {
    let pool = this.pools.get(format);
    if (!pool) {
      pool = new BufferedDataWriterPool({
        directory: this.directory,
        format,
        capabilities: this.options.capabilities,
        fileMaxItems: this.options.fileMaxItems,
        fileMaxBytes: this.options.fileMaxBytes,
      });
      this.pools.set(format, pool);
    }
    return pool;
  }
}
