import { DltException } from "../common/dlt-exception.js";
import type { DataType } from "./data-types.js";
import type { NamingConvention } from "./naming/naming-convention.js";
import type { ColumnSlots, SlottedRow } from "./column-slots.js";
import type { ColumnSchema, TableSchema } from "./schema-types.js";
import type { Schema } from "./schema.js";
import { coerceValue, NOT_COERCIBLE } from "./coercion.js";
import { inferDataType, isInt64Number } from "./type-inference.js";
import { isCanonicalNaiveTimestamp, isCanonicalUtcTimestamp, toUtcTimestampText } from "./iso-timestamp.js";

export type Row = Record<string, unknown>;

export class TableNameCollisionException extends DltException {
  constructor(first: string, second: string, normalized: string, convention: string) {
    super(
      `Tables "${first}" and "${second}" both normalize to "${normalized}" under naming convention ` +
        `${convention}: rename one of the resources (or pass distinct tableName values)`,
    );
  }
}

/**
 * Evolves a schema from normalized rows: creates tables and columns on first
 * sight, coerces values to existing column types, and sends values that do
 * not fit to variant columns `<col>__v_<type>`. Records what it added as the
 * schema update of the load package being written.
 */
export class SchemaEvolver {
  /** Tables and columns added since this evolver started: the package's schema update. */
  readonly updates: Record<string, TableSchema> = {};
  /** Columns that existed before this run: their types are fixed at the destination. */
  private readonly baseline: Set<string>;
  private readonly detectTimestamps: boolean;
  /** Columns whose type the user gave as a hint: never widened. */
  private readonly userTyped = new Set<string>();
  /** Grows whenever a column is added or changed: lets writers skip re-reading unchanged tables. */
  revision = 0;
  /** Where {@link place} put the last value: one reused object, as it runs for every value that does not fit as is. */
  private readonly placed: { name: string; value: unknown } = { name: "", value: undefined };
  private slotColumns = new WeakMap<ColumnSlots, { table: TableSchema; columns: (ColumnSchema | undefined)[] }>();

  /**
   * @param columnDefaults hints a column gets when data creates it, by name
   *   (e.g. `_dlt_id` is unique and not null).
   */
  constructor(
    readonly schema: Schema,
    readonly naming: NamingConvention,
    private readonly columnDefaults: Record<string, Partial<ColumnSchema>> = {},
  ) {
    this.detectTimestamps = schema.settings.detections.includes("iso_timestamp");
    this.baseline = new Set(
      Object.values(schema.tables).flatMap((t) =>
        Object.values(t.columns)
          .filter((c) => c.dataType)
          .map((c) => columnKey(t.name, c.name)),
      ),
    );
  }

  /** Makes sure a table exists; child tables name their parent. */
  ensureTable(name: string, parent?: string, hints: Partial<TableSchema> = {}): TableSchema {
    let table = this.schema.tables[name];
    if (!table) {
      table = { name, columns: {}, ...(parent ? { parent } : {}), ...hints };
      this.schema.tables[name] = table;
      this.updates[name] = { ...table, columns: {} };
    }
    return table;
  }

  /**
   * Coerces a row in place to its table's columns, evolving the schema as
   * needed. `keys` (the row's keys, when the caller has them) spares
   * enumerating a wide row; variant columns the row gains are added to it.
   */
  coerceRow(table: TableSchema, row: Row, keys: string[] = Object.keys(row)): Row {
    const columns = table.columns;
    const placed = this.placed;
    for (let i = 0; i < keys.length; i++) {
      const name = keys[i]!;
      const value = row[name];
      // Nulls create no column; writers emit NULL for absent values.
      if (value === null || value === undefined) continue;
      const column = columns[name];
      if (column !== undefined && fitsAsIs(column, value)) continue;
      if (!this.place(table, name, column, value)) continue;
      if (placed.name === name) {
        row[name] = placed.value;
      } else {
        row[name] = undefined;
        if (!(placed.name in row)) keys.push(placed.name);
        row[placed.name] = placed.value;
      }
    }
    return row;
  }

  /**
   * {@link coerceRow} for a row as slot/value arrays (what the normalizer
   * emits): the same rules, with the table's columns looked up by slot. A
   * value moved to a variant column takes the variant's slot.
   */
  coerceSlottedRow(table: TableSchema, slots: ColumnSlots, row: SlottedRow): void {
    const bySlot = this.columnsBySlot(table, slots);
    const ids = row.slots;
    const values = row.values;
    const placed = this.placed;
    for (let i = 0; i < ids.length; i++) {
      const value = values[i];
      if (value === null || value === undefined) continue;
      const slot = ids[i]!;
      let column = bySlot[slot];
      if (column === undefined) column = bySlot[slot] = table.columns[slots.names[slot]!];
      if (column !== undefined && fitsAsIs(column, value)) continue;
      const name = slots.names[slot]!;
      if (!this.place(table, name, column, value)) continue;
      // place() may have created or replaced column objects.
      bySlot[slot] = table.columns[name];
      values[i] = placed.value;
      if (placed.name !== name) {
        const variantSlot = slots.slotOf(placed.name);
        ids[i] = variantSlot;
        bySlot[variantSlot] = table.columns[placed.name];
      }
    }
  }

  /**
   * The slow path of a value that does not fit its column as is: detects
   * timestamps, creates the column, coerces, or sends the value to a variant
   * column. Sets {@link placed} and returns true, or returns false when the
   * value gives no type (it stays as it is and creates no column). A value
   * landing in a timestamp column hinted `timezone: false` is made naive, as
   * dlt does: UTC wall-clock time without a zone.
   */
  private place(table: TableSchema, name: string, column: ColumnSchema | undefined, value: unknown): boolean {
    if (!this.placeTyped(table, name, column, value)) return false;
    const target = table.columns[this.placed.name];
    if (target?.dataType === "timestamp" && target.timezone === false) this.placed.value = naiveTimestamp(this.placed.value);
    return true;
  }

  private placeTyped(table: TableSchema, name: string, column: ColumnSchema | undefined, value: unknown): boolean {
    // A detected ISO string is stored as canonical UTC text (`…Z`, fraction digits as written): never a Date, which has milliseconds only.
    const timestamp = this.detectTimestamps && typeof value === "string" ? toUtcTimestampText(value) : undefined;
    const valueType = timestamp !== undefined ? "timestamp" : inferDataType(value, NO_DETECTIONS);
    if (valueType === undefined) return false;
    const typed = timestamp ?? value;
    this.placed.name = name;
    this.placed.value = typed;
    if (column?.dataType === valueType) return true;
    if (column?.dataType === undefined) {
      const defaults = this.columnDefaults[name];
      this.addColumn(table, { ...defaults, ...column, name, dataType: valueType, nullable: column?.nullable ?? defaults?.nullable ?? true });
      return true;
    }
    const coerced = coerceValue(column.dataType, valueType, typed);
    if (coerced !== NOT_COERCIBLE) {
      this.placed.value = coerced;
      return true;
    }
    if (this.canPromoteToDouble(table, name, column.dataType, valueType)) {
      column.dataType = "double";
      this.recordColumn(table, column);
      return true;
    }
    const variant = this.naming.shortenFragments(name, `v_${valueType}`);
    if (!table.columns[variant]) {
      this.addColumn(table, { name: variant, dataType: valueType, nullable: true, variant: true });
    }
    this.placed.name = variant;
    return true;
  }

  /** Column schemas by slot for one table, kept between rows (reset when hints replace columns). */
  private columnsBySlot(table: TableSchema, slots: ColumnSlots): (ColumnSchema | undefined)[] {
    let cached = this.slotColumns.get(slots);
    if (cached === undefined || cached.table !== table) {
      cached = { table, columns: [] };
      this.slotColumns.set(slots, cached);
    }
    return cached.columns;
  }

  /**
   * JS cannot tell `18.0` from `18`: a column typed bigint from integral
   * numbers in this very run is widened to double when a fraction arrives,
   * instead of splitting into a variant. Columns already in the schema before
   * this run keep their type (the destination has it).
   */
  private canPromoteToDouble(table: TableSchema, name: string, columnType: DataType, valueType: DataType): boolean {
    const key = columnKey(table.name, name);
    return columnType === "bigint" && valueType === "double" && !this.baseline.has(key) && !this.userTyped.has(key);
  }

  private addColumn(table: TableSchema, column: ColumnSchema): void {
    table.columns[column.name] = column;
    this.recordColumn(table, column);
  }

  private recordColumn(table: TableSchema, column: ColumnSchema): void {
    this.revision++;
    const update = (this.updates[table.name] ??= {
      name: table.name,
      columns: {},
      ...(table.parent ? { parent: table.parent } : {}),
      ...(table.writeDisposition ? { writeDisposition: table.writeDisposition } : {}),
    });
    update.columns[column.name] = column;
  }

  /** Applies user column hints (already normalized names) to a table. */
  applyColumnHints(table: TableSchema, hints: Record<string, Partial<ColumnSchema>>): void {
    for (const [name, hint] of Object.entries(hints)) {
      const merged: ColumnSchema = { ...table.columns[name], ...hint, name };
      if (hint.dataType) this.userTyped.add(columnKey(table.name, name));
      if (merged.dataType && merged.nullable === undefined) merged.nullable = !(merged.primaryKey ?? false);
      table.columns[name] = merged;
      if (merged.dataType) this.recordColumn(table, merged);
    }
    this.slotColumns = new WeakMap();
    this.revision++;
  }
}

/**
 * The common case, checked before any inference: a value that already has
 * its column's type. Any string fits a text column (an ISO string in a text
 * column stays text), so detection never runs for known text columns; a
 * canonical timestamp string fits a timestamp column as it is (`…Z` UTC, or
 * naive in a column hinted `timezone: false`).
 */
function fitsAsIs(column: ColumnSchema, value: unknown): boolean {
  const dataType = column.dataType;
  switch (typeof value) {
    case "string":
      if (dataType === "text") return true;
      if (dataType !== "timestamp") return false;
      return column.timezone === false ? isCanonicalNaiveTimestamp(value) : isCanonicalUtcTimestamp(value);
    case "number":
      return dataType === "double" || (dataType === "bigint" && isInt64Number(value));
    case "boolean":
      return dataType === "bool";
    default:
      return false;
  }
}

/** A timestamp value (canonical UTC text or a Date) as naive UTC wall-clock text: `YYYY-MM-DDTHH:MM:SS[.f…]`. */
function naiveTimestamp(value: unknown): unknown {
  if (typeof value === "string" && isCanonicalUtcTimestamp(value)) return value.slice(0, -1);
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value.toISOString().slice(0, -1);
  return value;
}

const NO_DETECTIONS: readonly string[] = [];

function columnKey(table: string, column: string): string {
  return `${table}\u0000${column}`;
}
