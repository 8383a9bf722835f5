import type { DestinationCapabilities, LoaderFileFormat, TableSchema } from "@dlt-ts/core";
import { BufferedDataWriterPool, type DataRow, type WrittenFile } from "@dlt-ts/normalizer";

/** Rows gathered per table before they go to a writer: few calls, bounded memory. */
const ROWS_PER_WRITE = 100;

export interface TableRowBuffersOptions {
  capabilities: DestinationCapabilities;
  /** File format of a table (its root table's hint, else the destination's preference). */
  formatOf: (table: string) => LoaderFileFormat;
  fileMaxItems?: number;
  fileMaxBytes?: number;
}

/** Buffers normalized rows per table and hands them to one writer pool per file format. */
export class TableRowBuffers {
  private readonly buffers = new Map<string, { table: TableSchema; rows: DataRow[]; keys: (readonly string[])[] }>();
  private readonly pools = new Map<LoaderFileFormat, BufferedDataWriterPool>();
  private full: string[] = [];

  constructor(
    private readonly directory: string,
    private readonly options: TableRowBuffersOptions,
  ) {}

  /** Adds a row with its keys (the writers skip the columns it lacks). */
  add(table: TableSchema, row: DataRow, keys: readonly string[]): void {
    let buffer = this.buffers.get(table.name);
    if (!buffer) {
      buffer = { table, rows: [], keys: [] };
      this.buffers.set(table.name, buffer);
    }
    buffer.rows.push(row);
    buffer.keys.push(keys);
    if (buffer.rows.length === ROWS_PER_WRITE) this.full.push(table.name);
  }

  /** Writes the tables whose buffers filled up. */
  async flushFull(): Promise<void> {
    if (this.full.length === 0) return;
    const names = this.full;
    this.full = [];
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
    const { rows, keys } = buffer;
    buffer.rows = [];
    buffer.keys = [];
    await this.pool(this.options.formatOf(name)).write(name, buffer.table, rows, keys);
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
