import type { Writable } from "node:stream";
import { slottedRowToObject, type ColumnSchema, type ColumnSlots, type SlottedRow } from "@dlt-ts/core";
import { ByteWriter, ParquetWriter } from "hyparquet-writer";
import { ChunkedOutput } from "./chunked-output.js";
import { isSlottedRows, type DataRow, type RowBatch } from "./data-row.js";
import type { DataWriter, DataWriterOptions } from "./data-writer.js";
import { SlotPositions } from "./slot-positions.js";
import { parquetColumnPlan, type ParquetValueConverter } from "./parquet-schema.js";
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
 * parquet through hyparquet-writer's incremental `ParquetWriter`: rows are
 * converted into column arrays (types in {@link parquetColumnPlan}) and every
 * `parquetRowGroupSize` rows become one row group, encoded and handed to the
 * stream at once. So memory holds at most one row group, however large the
 * file grows; the footer is written at close. SNAPPY compression and no
 * column statistics: job files are read once by a loader, never queried, and
 * the min/max of every column of every row group cost a fifth of the writing.
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
  private readonly rowGroupSize: number;
  private readonly output: ChunkedOutput;
  private readonly byteWriter: StreamByteWriter;
  private readonly parquet: ParquetWriter;
  /**
   * Values of the pending row group, per column; a column holds an array
   * only once it got a value (nulls before it filled in then, after it at
   * the end), since a wide API table leaves most columns null in most rows.
   */
  private pending: (unknown[] | undefined)[];
  private pendingRows = 0;
  private readonly slotPositions: SlotPositions;

  constructor(stream: Writable, private readonly options: DataWriterOptions) {
    if (options.columns.length === 0) throw new NoColumnsToWriteException(options.tableName, this.format);
    this.columns = options.columns;
    const plans = options.columns.map((column) => parquetColumnPlan(column, options.capabilities));
    this.converters = plans.map((plan) => plan.convert);
    this.rowGroupSize = options.parquetRowGroupSize ?? defaultRowGroupSize(plans.length);
    this.output = new ChunkedOutput(stream, options.chunkBytes);
    this.byteWriter = new StreamByteWriter(this.output);
    this.parquet = new ParquetWriter({
      writer: this.byteWriter,
      schema: [{ name: "root", num_children: plans.length }, ...plans.map((plan) => plan.element)],
      createdBy: "dlt-ts",
      statistics: false,
    });
    this.pending = this.emptyColumns();
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
      if (this.pendingRows >= this.rowGroupSize) await this.writeRowGroup();
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
      try {
        this.set(index, at, this.converters[index]!(value));
      } catch (error) {
        this.clearRow(at);
        throw this.describeFailure(error, index, row);
      }
    }
  }

  /** Sets a value of the row being taken; nulls fill the rows before it that had none. */
  private set(index: number, at: number, value: unknown): void {
    let column = this.pending[index];
    if (column === undefined) column = this.pending[index] = [];
    while (column.length < at) column.push(null);
    column[at] = value;
  }

  /** Drops a half-taken row, so a failed row leaves nothing behind. */
  private clearRow(at: number): void {
    for (const column of this.pending) if (column !== undefined && column.length > at) column.length = at;
  }

  tryUpdateColumns(_columns: readonly ColumnSchema[]): boolean {
    return false;
  }

  async close(): Promise<void> {
    await this.writeRowGroup();
    await this.parquet.finish();
    await this.output.end();
  }

  destroy(): void {
    this.output.destroy();
  }

  private async writeRowGroup(): Promise<void> {
    if (this.pendingRows === 0) return;
    const rows = this.pendingRows;
    let nulls: unknown[] | undefined;
    const columnData = this.columns.map((column, index) => {
      let data = this.pending[index];
      if (data === undefined) data = nulls ??= new Array<unknown>(rows).fill(null);
      else while (data.length < rows) data.push(null);
      // No offset index: job files are read whole by a loader, never searched by page.
      return { name: column.name, data, offsetIndex: false };
    });
    this.pending = this.emptyColumns();
    this.pendingRows = 0;
    await this.parquet.write({ columnData, rowGroupSize: rows });
  }

  private emptyColumns(): (unknown[] | undefined)[] {
    return new Array<unknown[] | undefined>(this.columns.length).fill(undefined);
  }

  private describeFailure(error: unknown, index: number, row: DataRow): unknown {
    if (!(error instanceof ValueConversionError)) return error;
    const column = this.columns[index];
    const value = row[column.name];
    return new InvalidDataValueException(this.options.tableName, column.name, column.dataType ?? "text", value, error.reason);
  }
}

/** Rows per row group for a table of `columns` columns when none is configured. */
function defaultRowGroupSize(columns: number): number {
  const bounded = Math.floor(DEFAULT_ROW_GROUP_VALUES / columns);
  return Math.max(MIN_DEFAULT_ROW_GROUP_SIZE, Math.min(DEFAULT_PARQUET_ROW_GROUP_SIZE, bounded));
}

/**
 * hyparquet-writer's ByteWriter whose bytes go to the stream after every row
 * group (`flush`) and at the end (`finish`), instead of growing one buffer
 * for the whole file.
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

  override finish(): Promise<void> {
    return this.flush();
  }
}
