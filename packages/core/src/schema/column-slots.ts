/**
 * Small integer ids ("slots") for the column names of one table, given out
 * in order of first sight and never reused.
 *
 * Rows travel from the normalizer through schema evolution to the writers
 * as a {@link SlottedRow}: wide API records (hundreds of columns) built as
 * objects turn into slow dictionary-mode objects in V8, and every stage
 * would look each value up by name. Arrays indexed by slot avoid both.
 */
export class ColumnSlots {
  /** Column name of each slot. */
  readonly names: string[] = [];
  private readonly slots = new Map<string, number>();

  /** The slot of a column name, given out on first sight. */
  slotOf(name: string): number {
    let slot = this.slots.get(name);
    if (slot === undefined) {
      slot = this.names.length;
      this.names.push(name);
      this.slots.set(name, slot);
    }
    return slot;
  }

  /** The slot of a column name, if it has one. */
  find(name: string): number | undefined {
    return this.slots.get(name);
  }
}

/**
 * One row of a table: `values[i]` is the value of column
 * `columns.names[slots[i]]`. Columns the row lacks are simply absent; null
 * and undefined values are written as NULL. When a slot occurs twice, the
 * later value wins (as a later assignment to an object key would).
 */
export interface SlottedRow {
  slots: number[];
  values: unknown[];
}

/** The row as a plain object keyed by column name (for errors, tests and object-based writers). */
export function slottedRowToObject(columns: ColumnSlots, row: SlottedRow): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (let i = 0; i < row.slots.length; i++) object[columns.names[row.slots[i]!]!] = row.values[i];
  return object;
}
