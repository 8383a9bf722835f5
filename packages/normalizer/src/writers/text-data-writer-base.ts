import type { Writable } from "node:stream";
import type { ColumnSchema, LoaderFileFormat } from "@dlt-ts/core";
import { ChunkedOutput } from "./chunked-output.js";
import type { DataRow } from "./data-row.js";
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
  protected columns: readonly ColumnSchema[];
  protected readonly tableName: string;
  private readonly output: ChunkedOutput;
  private nullRow: string[] | undefined;
  private columnPositions: Map<string, number> | undefined;

  constructor(stream: Writable, options: DataWriterOptions) {
    this.columns = options.columns;
    this.tableName = options.tableName;
    this.output = new ChunkedOutput(stream, options.chunkBytes);
  }

  get bytesCount(): number {
    return this.output.bytesCount;
  }

  async write(rows: readonly DataRow[], rowKeys?: readonly (readonly string[])[]): Promise<void> {
    let row: DataRow | undefined;
    try {
      for (let i = 0; i < rows.length; i++) {
        row = rows[i]!;
        const text = this.renderRow(row, rowKeys?.[i]);
        this.output.append(this.itemsCount === 0 ? this.header() + text : this.separator() + text);
        this.itemsCount++;
      }
    } catch (error) {
      throw row !== undefined && error instanceof ValueConversionError ? this.describeFailure(row, error) : error;
    }
    await this.output.flushIfFull();
  }

  tryUpdateColumns(_columns: readonly ColumnSchema[]): boolean {
    return false;
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
  /** One row, without separators; `keys` lists the row's keys when the caller knows them. */
  protected abstract renderRow(row: DataRow, keys?: readonly string[]): string;

  /**
   * The rendered value of every column, `nullText` where a row has none.
   * Wide tables are sparse: given the row's keys, only those are looked up
   * (cheaper than probing the row for every column), and one array joined
   * once avoids a string per column.
   */
  protected renderColumns(row: DataRow, keys: readonly string[] | undefined, renderers: readonly ValueRenderer[], nullText: string): string[] {
    const columns = this.columns;
    if (keys === undefined) {
      const values = new Array<string>(columns.length);
      for (let index = 0; index < columns.length; index++) {
        const value = row[columns[index].name];
        values[index] = value === null || value === undefined ? nullText : renderers[index](value);
      }
      return values;
    }
    const nulls = (this.nullRow ??= columns.map(() => nullText));
    const positions = (this.columnPositions ??= new Map(columns.map((column, index) => [column.name, index])));
    const values = nulls.slice();
    for (let i = 0; i < keys.length; i++) {
      const index = positions.get(keys[i]!);
      if (index === undefined) continue;
      const value = row[keys[i]!];
      if (value !== null && value !== undefined) values[index] = renderers[index](value);
    }
    return values;
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
