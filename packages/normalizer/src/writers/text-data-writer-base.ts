import type { Writable } from "node:stream";
import { slottedRowToObject, type ColumnSchema, type ColumnSlots, type LoaderFileFormat, type SlottedRow } from "@dlt-ts/core";
import { ChunkedOutput } from "./chunked-output.js";
import { isSlottedRows, type DataRow, type RowBatch } from "./data-row.js";
import { SparseFieldJoiner } from "./sparse-field-joiner.js";
import type { DataWriter, DataWriterOptions } from "./data-writer.js";
import { ValueConversionError } from "./value-conversion-error.js";
import { InvalidDataValueException } from "./writer-exceptions.js";

/** Renders one value of a column as the text the format stores. */
export type ValueRenderer = (value: unknown) => string;

/**
 * Shared machinery of the text formats (jsonl, csv, insert_values): rows are
 * rendered to text, gathered by a {@link ChunkedOutput}, and the file gets a
 * header before its first row and a footer at close (only if it has rows).
 */
export abstract class TextDataWriterBase implements DataWriter {
  abstract readonly format: LoaderFileFormat;
  itemsCount = 0;
  private _columns: readonly ColumnSchema[];
  protected readonly tableName: string;
  private readonly output: ChunkedOutput;
  private joiner: SparseFieldJoiner | undefined;

  constructor(stream: Writable, options: DataWriterOptions) {
    this._columns = options.columns;
    this.tableName = options.tableName;
    this.output = new ChunkedOutput(stream, options.chunkBytes);
  }

  protected get columns(): readonly ColumnSchema[] {
    return this._columns;
  }

  get bytesCount(): number {
    return this.output.bytesCount;
  }

  async write(batch: RowBatch): Promise<void> {
    const slotted = isSlottedRows(batch) ? batch : undefined;
    const rows = slotted ? slotted.rows : (batch as readonly DataRow[]);
    let index = 0;
    try {
      for (; index < rows.length; index++) {
        const text = slotted ? this.renderSlottedRow(slotted.columns, slotted.rows[index]!) : this.renderRow(rows[index] as DataRow);
        this.output.append(this.itemsCount === 0 ? this.header() + text : this.separator() + text);
        this.itemsCount++;
      }
    } catch (error) {
      if (index >= rows.length || !(error instanceof ValueConversionError)) throw error;
      const row = slotted ? slottedRowToObject(slotted.columns, slotted.rows[index]!) : (rows[index] as DataRow);
      throw this.describeFailure(row, error);
    }
    await this.output.flushIfFull();
  }

  tryUpdateColumns(_columns: readonly ColumnSchema[]): boolean {
    return false;
  }

  /** For formats that take new columns mid-file: drops what was derived from the old ones. */
  protected setColumns(columns: readonly ColumnSchema[]): void {
    this._columns = columns;
    this.joiner = undefined;
  }

  async close(): Promise<void> {
    if (this.itemsCount > 0) this.output.append(this.footer());
    await this.output.end();
  }

  destroy(): void {
    this.output.destroy();
  }

  /** Text before the first row. */
  protected abstract header(): string;
  /** Text between two rows. */
  protected abstract separator(): string;
  /** One row, without separators. */
  protected abstract renderRow(row: DataRow): string;

  /** One slotted row, without separators (by default as its object; columnar formats render the arrays directly). */
  protected renderSlottedRow(columns: ColumnSlots, row: SlottedRow): string {
    return this.renderRow(slottedRowToObject(columns, row));
  }

  /** The rendered value of every column, `nullText` where a row has none. */
  protected renderColumns(row: DataRow, renderers: readonly ValueRenderer[], nullText: string): string[] {
    const columns = this.columns;
    const values = new Array<string>(columns.length);
    for (let index = 0; index < columns.length; index++) {
      const value = row[columns[index].name];
      values[index] = value === null || value === undefined ? nullText : renderers[index](value);
    }
    return values;
  }

  /**
   * A slotted row's fields joined by commas, `nullText` where the row has no
   * value: only the row's own values are rendered (see {@link SparseFieldJoiner}).
   */
  protected joinSlottedFields(columns: ColumnSlots, row: SlottedRow, renderers: readonly ValueRenderer[], nullText: string): string {
    return (this.joiner ??= new SparseFieldJoiner(this.columns, nullText)).join(columns, row, renderers);
  }

  /** Text after the last row. */
  protected abstract footer(): string;
  /** Renders one value of the column at `index` (used to find the failing column of a row). */
  protected abstract renderValue(index: number, value: unknown): string;

  /** Slow path, on errors only: finds which column's value did not convert. */
  protected describeFailure(row: DataRow, error: ValueConversionError): Error {
    for (let index = 0; index < this.columns.length; index++) {
      const column = this.columns[index];
      try {
        this.renderValue(index, row[column.name]);
      } catch (columnError) {
        if (!(columnError instanceof ValueConversionError)) throw columnError;
        const dataType = column.dataType ?? "unknown";
        return new InvalidDataValueException(this.tableName, column.name, dataType, row[column.name], columnError.reason);
      }
    }
    return error;
  }
}
