import type { ColumnSchema, ColumnSlots, SlottedRow } from "@dlt-ts/core";
import { SlotPositions } from "./slot-positions.js";
import type { ValueRenderer } from "./text-data-writer-base.js";

/** Row shapes remembered per file: API records come in a handful of shapes; odd ones beyond this are laid out each time. */
const MAX_SHAPES = 256;

/** Where a row of one shape puts its values: which of them, in file column order, and the null runs between them. */
interface Layout {
  /** The shape: the row's slots, in the row's order. */
  slots: readonly number[];
  /** Index into the row's values of each field written, in column order. */
  valueIndex: number[];
  /** File column of each field written. */
  column: number[];
  /** Text before each field written (separators and missing columns). */
  before: string[];
  /** Text after the last field (the missing columns at the end). */
  after: string;
}

/**
 * Renders slotted rows as comma-separated fields in the file's column order,
 * with the null text for missing columns, straight into one string.
 *
 * Rows of wide tables are sparse (a few hundred values of many more
 * columns) and come in few shapes (the same keys in the same order). The
 * layout of each shape (its fields sorted by column, the runs of nulls
 * between them as cached strings) is worked out once, so each row costs
 * work for the values it has, not for the table's width.
 */
export class SparseFieldJoiner {
  private readonly positions: SlotPositions;
  private source: ColumnSlots | undefined;
  private layouts = new Map<number, Layout>();
  private readonly nullRuns: string[] = [];

  constructor(
    private readonly columns: readonly ColumnSchema[],
    private readonly nullText: string,
  ) {
    this.positions = new SlotPositions(columns);
  }

  join(slotsOfTable: ColumnSlots, row: SlottedRow, renderers: readonly ValueRenderer[]): string {
    if (slotsOfTable !== this.source) {
      this.source = slotsOfTable;
      this.layouts = new Map();
    }
    const layout = this.layoutOf(slotsOfTable, row.slots);
    const { valueIndex, column, before } = layout;
    const values = row.values;
    let text = "";
    for (let k = 0; k < valueIndex.length; k++) {
      const value = values[valueIndex[k]!];
      text += before[k]! + (value === null || value === undefined ? this.nullText : renderers[column[k]!]!(value));
    }
    return text + layout.after;
  }

  private layoutOf(slotsOfTable: ColumnSlots, slots: readonly number[]): Layout {
    let hash = slots.length;
    for (let i = 0; i < slots.length; i++) hash = (Math.imul(hash, 31) + slots[i]!) | 0;
    const known = this.layouts.get(hash);
    if (known !== undefined && sameSlots(known.slots, slots)) return known;
    const layout = this.newLayout(this.positions.of(slotsOfTable), slots);
    if (this.layouts.size < MAX_SHAPES || known !== undefined) this.layouts.set(hash, layout);
    return layout;
  }

  private newLayout(positions: readonly number[], slots: readonly number[]): Layout {
    // A column set twice takes the later value, as a later assignment to an object key would.
    const byColumn = new Map<number, number>();
    for (let i = 0; i < slots.length; i++) {
      const column = positions[slots[i]!]!;
      if (column >= 0) byColumn.set(column, i);
    }
    const column = [...byColumn.keys()].sort((a, b) => a - b);
    const valueIndex = column.map((c) => byColumn.get(c)!);
    const before = column.map((c, k) => {
      const missing = k === 0 ? c : c - column[k - 1]! - 1;
      return (k === 0 ? "" : ",") + this.nullRun(missing);
    });
    const last = column.length === 0 ? -1 : column[column.length - 1]!;
    const trailing = this.columns.length - 1 - last;
    const after = last < 0 ? new Array<string>(this.columns.length).fill(this.nullText).join(",") : `,${this.nullRun(trailing)}`.slice(0, -1);
    return { slots: slots.slice(), valueIndex, column, before, after };
  }

  /** `k` missing columns, each followed by a comma. */
  private nullRun(k: number): string {
    return (this.nullRuns[k] ??= `${this.nullText},`.repeat(k));
  }
}

function sameSlots(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
