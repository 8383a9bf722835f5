import type { Writable } from "node:stream";
import { slottedRowToObject, type ColumnSchema, type ColumnSlots, type SlottedRow } from "@dlt-ts/core";
import { ByteWriter } from "hyparquet-writer";
import { ChunkedOutput } from "./chunked-output.js";
import { isSlottedRows, type DataRow, type RowBatch } from "./data-row.js";
import type { DataWriter, DataWriterOptions } from "./data-writer.js";
import { SlotPositions } from "./slot-positions.js";
import { parquetColumnPlan, type ParquetSchemaElement, type ParquetValueConverter } from "./parquet-schema.js";
import { ColumnChunkBuffer, pageBytesFor } from "./parquet/column-chunk-buffer.js";
import { ParquetFooter } from "./parquet/file-footer.js";
import { ValueConversionError } from "./value-conversion-error.js";
import { InvalidDataValueException, NoColumnsToWriteException } from "./writer-exceptions.js";

/** Default rows per row group: bounds memory per open file to one group of converted values. */
export const DEFAULT_PARQUET_ROW_GROUP_SIZE = 10_000;
/**
 * Values (rows × columns) a default row group holds at most: a wide API
 * table (600 columns of GitHub events) gets smaller row groups, so memory
 * per open file stays flat whatever the width (measured: peak RSS of the
 * normalize stage 408 → 332 MB at 5 000 rows per group for that table, at
 * the same speed).
 */
const DEFAULT_ROW_GROUP_VALUES = 3_000_000;
/** Fewest rows a default row group holds, however wide the table. */
const MIN_DEFAULT_ROW_GROUP_SIZE = 1_000;

/**
 * parquet, encoded here column by column: each row's converted values
 * (types in {@link parquetColumnPlan}) go straight into their column's
 * {@link ColumnChunkBuffer} (numbers as PLAIN bytes, text and binary kept
 * until the chunk is written as DELTA_LENGTH_BYTE_ARRAY), nulls taking no space, and
 * every `parquetRowGroupSize` rows (or {@link ROW_GROUP_BYTES} of values)
 * become one row group handed to the stream at once. So memory holds at
 * most one row group (its closed pages compressed), however large the file
 * grows, and the footer so far as bytes ({@link ParquetFooter}). SNAPPY
 * compression, no dictionaries and no column statistics: job files are read
 * once by a loader, never queried.
 *
 * Why not hyparquet-writer's `ParquetWriter`: it takes a row group as one
 * array of values per column, nulls included, and per column computes
 * definition levels value by value, tries a dictionary, sizes pages and
 * filters the nulls out again. On a wide API table (600 columns, mostly
 * null) that made parquet half as fast as csv.
 *
 * `bytesCount` grows per row group, so rotation by bytes is as fine-grained
 * as the row group size. The schema fixes the columns, so a new column needs
 * a new file.
 */
export class ParquetDataWriter implements DataWriter {
  readonly format = "parquet" as const;
  itemsCount = 0;
  private readonly columns: readonly ColumnSchema[];
  private readonly converters: ParquetValueConverter[];
  /**
   * 1 where a string goes in as it is: most values of an API table are
   * text, and calling 600 different converters from one place is a
   * megamorphic call each.
   */
  private readonly stringAsIs: Uint8Array;
  private readonly rowGroupSize: number;
  private readonly output: ChunkedOutput;
  private readonly byteWriter: StreamByteWriter;
  private readonly schema: ParquetSchemaElement[];
  private readonly chunks: ColumnChunkBuffer[];
  private readonly footer: ParquetFooter;
  private rowsWritten = 0;
  private pendingRows = 0;
  private pendingBytes = 0;
  private readonly slotPositions: SlotPositions;

  constructor(stream: Writable, private readonly options: DataWriterOptions) {
    if (options.columns.length === 0) throw new NoColumnsToWriteException(options.tableName, this.format);
    this.columns = options.columns;
    const plans = options.columns.map((column) => parquetColumnPlan(column, options.capabilities));
    this.converters = plans.map((plan) => plan.convert);
    this.stringAsIs = Uint8Array.from(plans, (plan) => (plan.takesStringAsIs ? 1 : 0));
    this.rowGroupSize = options.parquetRowGroupSize ?? defaultRowGroupSize(plans.length);
    this.output = new ChunkedOutput(stream, options.chunkBytes);
    this.byteWriter = new StreamByteWriter(this.output);
    this.schema = [{ name: "root", num_children: plans.length }, ...plans.map((plan) => plan.element)];
    const pageBytes = pageBytesFor(plans.length);
    this.chunks = plans.map((plan) => new ColumnChunkBuffer(plan.element, pageBytes));
    this.footer = new ParquetFooter(this.schema);
    this.byteWriter.appendUint32(PARQUET_MAGIC);
    this.slotPositions = new SlotPositions(this.columns);
  }

  get bytesCount(): number {
    return this.byteWriter.offset;
  }

  async write(batch: RowBatch): Promise<void> {
    const slotted = isSlottedRows(batch) ? batch : undefined;
    const rows = slotted ? slotted.rows : (batch as readonly DataRow[]);
    const positions = slotted ? this.slotPositions.of(slotted.columns) : undefined;
    for (let r = 0; r < rows.length; r++) {
      if (slotted) this.takeSlotted(positions!, slotted.columns, slotted.rows[r]!);
      else this.takeObject(rows[r] as DataRow);
      this.pendingRows++;
      this.itemsCount++;
      if (this.pendingRows >= this.rowGroupSize || this.pendingBytes >= ROW_GROUP_BYTES) await this.writeRowGroup();
      else if (this.pendingRows % ENCODE_TEXT_EVERY_ROWS === 0) for (const chunk of this.chunks) chunk.encodePendingText();
    }
  }

  /** Sets a slotted row's own values; the row's other columns stay null. */
  private takeSlotted(positions: readonly number[], columns: ColumnSlots, row: SlottedRow): void {
    const at = this.pendingRows;
    for (let i = 0; i < row.slots.length; i++) {
      const index = positions[row.slots[i]!]!;
      if (index < 0) continue;
      const value = row.values[i];
      if (value === null || value === undefined) continue;
      if (typeof value === "string" && this.stringAsIs[index] === 1) {
        this.chunks[index]!.addText(at, value);
        this.pendingBytes += value.length;
        continue;
      }
      try {
        this.set(index, at, this.converters[index]!(value));
      } catch (error) {
        this.clearRow(at);
        throw this.describeFailure(error, index, slottedRowToObject(columns, row));
      }
    }
  }

  private takeObject(row: DataRow): void {
    const at = this.pendingRows;
    for (let index = 0; index < this.columns.length; index++) {
      const value = row[this.columns[index]!.name];
      if (value === null || value === undefined) continue;
      if (typeof value === "string" && this.stringAsIs[index] === 1) {
        this.chunks[index]!.addText(at, value);
        this.pendingBytes += value.length;
        continue;
      }
      try {
        this.set(index, at, this.converters[index]!(value));
      } catch (error) {
        this.clearRow(at);
        throw this.describeFailure(error, index, row);
      }
    }
  }

  private set(index: number, at: number, value: unknown): void {
    this.chunks[index]!.add(at, value);
    this.pendingBytes += typeof value === "string" || value instanceof Uint8Array ? value.length : 8;
  }

  /** Drops a half-taken row, so a failed row leaves nothing behind. */
  private clearRow(at: number): void {
    for (const chunk of this.chunks) chunk.dropRow(at);
  }

  tryUpdateColumns(_columns: readonly ColumnSchema[]): boolean {
    return false;
  }

  async close(): Promise<void> {
    await this.writeRowGroup();
    this.footer.writeTo(this.byteWriter, BigInt(this.rowsWritten), "dlt-ts");
    this.byteWriter.appendUint32(PARQUET_MAGIC);
    await this.byteWriter.flush();
    await this.output.end();
  }

  destroy(): void {
    this.output.destroy();
  }

  private async writeRowGroup(): Promise<void> {
    if (this.pendingRows === 0) return;
    const rows = this.pendingRows;
    const start = this.byteWriter.offset;
    const columns = this.chunks.map((chunk) => chunk.writeTo(this.byteWriter, rows));
    let total_byte_size = 0n;
    for (const column of columns) total_byte_size += column.meta_data!.total_uncompressed_size;
    this.footer.add({
      columns,
      total_byte_size,
      num_rows: BigInt(rows),
      total_compressed_size: BigInt(this.byteWriter.offset - start),
    });
    this.rowsWritten += rows;
    this.pendingRows = 0;
    this.pendingBytes = 0;
    await this.byteWriter.flush();
  }

  private describeFailure(error: unknown, index: number, row: DataRow): unknown {
    if (!(error instanceof ValueConversionError)) return error;
    const column = this.columns[index];
    const value = row[column.name];
    return new InvalidDataValueException(this.options.tableName, column.name, column.dataType ?? "text", value, error.reason);
  }
}

/**
 * Bytes of values (text as characters, other values 8 bytes) after which a
 * row group is written, whatever its rows: a row group is held whole until
 * written, and a table of large values (documents, blobs) would otherwise
 * hold as many of them as the row group has rows (10 000 of 1 MB: 10 GB).
 * Not lower, because DuckDB loads small row groups slower and with more
 * memory: GitHub events in row groups of 16 MB of text (1 900 rows)
 * normalized in less memory (peak RSS with two workers 528–538 MB against
 * 611 MB at 100k records) but loaded in 18.7–21.8 s peaking at 717–721 MB,
 * against 13.2–17.0 s and 621–630 MB in their row groups of 43 MB (5 000
 * rows, set by the values bound).
 */
const ROW_GROUP_BYTES = 64 * 1024 * 1024;

/**
 * Rows after which every text column's waiting strings are encoded, however
 * few: a sparse column of a wide table gathers its batch of strings over
 * thousands of rows, long enough for them to reach V8's old generation and
 * die there, which grew each normalize worker's heap to ~125 MB of mostly
 * garbage. Encoded every 256 rows they die young: on 100k GitHub events
 * (two workers) heaps of ~60 MB, peak RSS 494–509 MB against 611–632 MB,
 * and normalize 8.6–9.2 s against 10.5–11.1 s (less time in GC); every 64
 * rows measured the same, every 1024 as never.
 */
const ENCODE_TEXT_EVERY_ROWS = 256;

/** "PAR1", which opens and closes every parquet file. */
const PARQUET_MAGIC = 0x31524150;

/** Rows per row group for a table of `columns` columns when none is configured. */
function defaultRowGroupSize(columns: number): number {
  const bounded = Math.floor(DEFAULT_ROW_GROUP_VALUES / columns);
  return Math.max(MIN_DEFAULT_ROW_GROUP_SIZE, Math.min(DEFAULT_PARQUET_ROW_GROUP_SIZE, bounded));
}

/**
 * hyparquet-writer's ByteWriter (what its thrift code writes to) whose bytes
 * go to the stream after every row group and at the end (`flush`), instead
 * of growing one buffer for the whole file.
 */
class StreamByteWriter extends ByteWriter {
  constructor(private readonly output: ChunkedOutput) {
    super(1024 * 1024);
  }

  flush(): Promise<void> {
    // A copy: the buffer is reused for the next row group.
    const bytes = new Uint8Array(this.buffer.slice(0, this.index));
    this.index = 0;
    return this.output.writeBytes(bytes);
  }

}
