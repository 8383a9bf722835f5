import type { ColumnSlots, SlottedRow } from "@dlt-ts/core";

/**
 * One normalized row as the writers receive it: a flat object keyed by
 * normalized column name. Values are string | number | bigint | boolean | Date |
 * Uint8Array (binary) | plain objects and arrays (json columns) | null |
 * undefined; the table schema tells each column's type. `undefined` and `null`
 * are both written as NULL.
 */
export type DataRow = Readonly<Record<string, unknown>>;

/**
 * Rows of one table as slot/value arrays over the table's column slots: what
 * the normalizer emits. The same values as {@link DataRow}s, without building
 * a wide object per row.
 */
export interface SlottedRows {
  columns: ColumnSlots;
  rows: readonly SlottedRow[];
}

/** What writers and the writer pool accept: object rows, or slotted rows of one table. */
export type RowBatch = readonly DataRow[] | SlottedRows;

export function isSlottedRows(batch: RowBatch): batch is SlottedRows {
  return !Array.isArray(batch);
}

export function batchLength(batch: RowBatch): number {
  return isSlottedRows(batch) ? batch.rows.length : batch.length;
}

/** Rows `start` to `end` (exclusive) of a batch. */
export function sliceBatch(batch: RowBatch, start: number, end: number): RowBatch {
  return isSlottedRows(batch) ? { columns: batch.columns, rows: batch.rows.slice(start, end) } : batch.slice(start, end);
}
