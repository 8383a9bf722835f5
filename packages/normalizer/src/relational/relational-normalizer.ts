import { ColumnSlots, DltException, type NamingConvention, type Schema, type SlottedRow } from "@dlt-ts/core";
import { itemHashRowId, keyHashRowId, nestedRowId, randomDltId } from "./dlt-id.js";
import { RowBuilder } from "./row-builder.js";

export type Row = Record<string, unknown>;

/**
 * Receives every row the normalizer produces, parents before their children,
 * as slot/value arrays over the table's {@link ColumnSlots} (in the order the
 * fields were met). The row is the sink's to keep.
 */
export type RowSink = (table: string, parent: string | undefined, row: SlottedRow, columns: ColumnSlots) => void;

/** dlt's system column names (identical under every built-in naming convention). */
export const C_DLT_ID = "_dlt_id";
export const C_DLT_LOAD_ID = "_dlt_load_id";
export const C_DLT_PARENT_ID = "_dlt_parent_id";
export const C_DLT_LIST_IDX = "_dlt_list_idx";
export const C_DLT_ROOT_ID = "_dlt_root_id";
const C_VALUE = "value";
const EMPTY_KEY = "_empty";

/** Default depth of nested tables and flattened objects, as dlt's max_nesting. */
export const DEFAULT_MAX_NESTING = 1000;

export interface RootTableOptions {
  /** Nesting beyond this depth is stored as json. Default {@link DEFAULT_MAX_NESTING}. */
  maxNesting: number;
  /** Add `_dlt_root_id` to nested rows (merge tables). */
  propagateRootKey: boolean;
  /** Derive the root `_dlt_id` from these (normalized) columns instead of randomly (upsert). */
  rowIdFromKey?: readonly string[];
  /** Derive the root `_dlt_id` from the whole item, nested data included (scd2's row version). */
  rowIdFromItem?: boolean;
  /**
   * Root columns every row must hold a value for (the primary and merge keys
   * of a merge table): a row without one would be appended instead of merged.
   */
  requiredKeys?: ReadonlyArray<{ column: string; hint: "primary key" | "merge key" }>;
}

/** A root row of a merge table has no value for one of its keys. */
export class MissingMergeKeyValue extends DltException {
  constructor(
    readonly table: string,
    readonly column: string,
    readonly hint: "primary key" | "merge key",
  ) {
    super(
      `A row of merge table "${table}" has no value for its ${hint} column "${column}" (null or missing): ` +
        `it could not be matched with the rows of the destination, so nothing was loaded. ` +
        `Give every row a value for "${column}", or change the resource's ${hint === "primary key" ? "primaryKey" : "mergeKey"}.`,
    );
  }
}

/**
 * Two keys of one object normalize to the same column and hold different
 * values: one would be lost. (With equal values, or a null on either side,
 * the later key's value is kept, as dlt keeps the later one.)
 */
export class FieldNameCollisionException extends DltException {
  constructor(table: string, first: string, second: string, normalized: string, convention: string) {
    super(
      `Fields "${first}" and "${second}" of table "${table}" both normalize to column "${normalized}" ` +
        `under naming convention ${convention} and hold different values: rename one of them in the data, ` +
        `or pick a naming convention that keeps them apart (e.g. "direct")`,
    );
  }
}

/**
 * dlt's relational normalizer: flattens nested objects into `a__b` columns,
 * turns every list into a nested table `<parent>__<field>` linked by
 * `_dlt_parent_id` / `_dlt_list_idx`, and gives rows their `_dlt_*` ids.
 * Objects and lists deeper than maxNesting (or in json-typed columns) stay
 * whole as json values.
 */
export class RelationalNormalizer {
  private readonly tableNames = new Map<string, string>();
  private readonly tables = new Map<string, TableColumns>();
  /** Normalized name of each source key. */
  private readonly normalizedKeys = new Map<string, string>();
  /** Which source path first produced each column name. */
  private readonly nameSources = new Map<string, string>();
  /** Names more than one source path produces. */
  private readonly ambiguousNames = new Set<string>();
  /** The row being flattened (rows are built one at a time: nested lists are walked after their parent row is emitted). */
  private readonly builder = new RowBuilder();

  constructor(
    private readonly schema: Schema,
    private readonly naming: NamingConvention,
    private readonly loadId: string,
  ) {}

  /** The column slots of a table (the same object for the normalizer's lifetime). */
  columnSlots(table: string): ColumnSlots {
    return this.tableColumns(table).slots;
  }

  normalizeItem(item: Row, rootTable: string, options: RootTableOptions, emit: RowSink): void {
    const columns = this.tableColumns(rootTable);
    const builder = this.builder;
    const lists = this.flatten(rootTable, columns, item, options.maxNesting);
    if (options.requiredKeys) this.checkKeys(rootTable, columns, options.requiredKeys);
    // As dlt, a `_dlt_id` the data brings (of any type) is kept; nested rows refer to it as text.
    const given = builder.valueOf(columns.dltId);
    const kept = given !== undefined && given !== null && given !== "";
    const rowId = kept ? String(given) : options.rowIdFromItem ? itemHashRowId(item) : this.rootRowId(columns, options);
    builder.add(columns.loadId, this.loadId);
    if (!kept) builder.add(columns.dltId, rowId);
    emit(rootTable, undefined, builder.build(), columns.slots);
    const rootId = options.propagateRootKey ? rowId : undefined;
    for (const [path, list] of lists) {
      this.normalizeList(list, rootTable, path, rowId, rootId, options.maxNesting - 1, emit);
    }
  }

  private checkKeys(table: string, columns: TableColumns, keys: NonNullable<RootTableOptions["requiredKeys"]>): void {
    for (const { column, hint } of keys) {
      const value = this.builder.valueOf(columns.slots.find(column));
      if (value === undefined || value === null) throw new MissingMergeKeyValue(table, column, hint);
    }
  }

  /** A root row's `_dlt_id`: random, or from its primary key (upsert). Reads the row being built. */
  private rootRowId(columns: TableColumns, options: RootTableOptions): string {
    if (!options.rowIdFromKey?.length) return randomDltId();
    const key: Record<string, unknown> = {};
    for (const name of options.rowIdFromKey) key[name] = this.builder.valueOf(columns.slots.find(name));
    return keyHashRowId(key, options.rowIdFromKey);
  }

  private normalizeList(
    list: unknown[],
    parentTable: string,
    field: string,
    parentRowId: string,
    rootId: string | undefined,
    level: number,
    emit: RowSink,
  ): void {
    const table = this.childTableName(parentTable, field);
    const columns = this.tableColumns(table);
    const builder = this.builder;
    for (let index = 0; index < list.length; index++) {
      const element = list[index];
      let lists: NestedLists = NO_LISTS;
      if (isPlainObject(element)) {
        lists = this.flatten(table, columns, element, level);
      } else if (Array.isArray(element)) {
        // A list in a list gets an intermediary row whose `list` field nests the inner list.
        lists = this.flatten(table, columns, { list: element }, level - 1);
      } else {
        builder.add(columns.value, element);
      }
      if (rootId !== undefined) builder.add(columns.rootId, rootId);
      const rowId = nestedRowId(parentRowId, table, index);
      builder.add(columns.parentId, parentRowId);
      builder.add(columns.listIdx, index);
      builder.add(columns.dltId, rowId);
      emit(table, parentTable, builder.build(), columns.slots);
      for (const [path, nested] of lists) this.normalizeList(nested, table, path, rowId, rootId, level - 1, emit);
    }
  }

  /**
   * Flattens one object. Like dlt, nested objects are expanded after the
   * fields of the level holding them (a stack), which fixes column order.
   */
  private flatten(table: string, columns: TableColumns, item: Row, level: number): NestedLists {
    const builder = this.builder;
    const lists: NestedLists = [];
    const stack: Array<[Row, number, string]> = [[item, level, ""]];
    const schemaColumns = this.schema.tables[table]?.columns;
    const names = columns.slots.names;
    const ambiguous = columns.ambiguous;
    while (stack.length > 0) {
      const [current, currentLevel, prefix] = stack.pop()!;
      const prefixSlots = this.prefixSlots(columns, prefix);
      for (const key in current) {
        const value = current[key];
        let slot = prefixSlots.get(key);
        if (slot === undefined) slot = this.newSlot(columns, prefixSlots, prefix, key);
        if (value !== null && typeof value === "object" && !isScalarObject(value)) {
          const name = names[slot]!;
          const keepWhole = currentLevel <= 0 || schemaColumns?.[name]?.dataType === "json";
          if (!keepWhole) {
            if (!Array.isArray(value)) stack.push([value as Row, currentLevel - 1, name]);
            else if (!(ambiguous.has(slot) && this.mergedList(lists, name, value, table, current, key, prefix))) lists.push([name, value]);
            continue;
          }
        }
        if (ambiguous.size > 0 && ambiguous.has(slot)) {
          const index = builder.indexOf(slot);
          if (index !== -1) {
            if (!mergeable(builder.valueAt(index), value)) this.collision(table, current, key, prefix, names[slot]!);
            // The later key's value, in the earlier key's place, as a dict update in dlt.
            builder.setValueAt(index, value);
            continue;
          }
        }
        builder.add(slot, value);
      }
    }
    return lists;
  }

  private prefixSlots(columns: TableColumns, prefix: string): Map<string, number> {
    let slots = columns.byPrefix.get(prefix);
    if (!slots) {
      slots = new Map();
      columns.byPrefix.set(prefix, slots);
    }
    return slots;
  }

  /** First sight of `key` under `prefix` in a table: names it and notes names two paths share. */
  private newSlot(columns: TableColumns, prefixSlots: Map<string, number>, prefix: string, key: string): number {
    const name = this.columnName(prefix, key);
    const slot = columns.slots.slotOf(name);
    prefixSlots.set(key, slot);
    const source = `${prefix}\u0000${key}`;
    const first = this.nameSources.get(name);
    if (first === undefined) this.nameSources.set(name, source);
    else if (first !== source) this.ambiguousNames.add(name);
    if (this.ambiguousNames.has(name)) columns.ambiguous.add(slot);
    return slot;
  }

  private columnName(prefix: string, key: string): string {
    let normalizedKey = this.normalizedKeys.get(key);
    if (normalizedKey === undefined) {
      normalizedKey = key.trim() ? this.naming.normalizePath(key) : EMPTY_KEY;
      this.normalizedKeys.set(key, normalizedKey);
    }
    return prefix ? this.naming.shortenFragments(prefix, normalizedKey) : normalizedKey;
  }

  private tableColumns(table: string): TableColumns {
    let columns = this.tables.get(table);
    if (!columns) {
      columns = new TableColumns();
      this.tables.set(table, columns);
    }
    return columns;
  }

  private childTableName(parent: string, field: string): string {
    const key = `${parent}\u0000${field}`;
    let name = this.tableNames.get(key);
    if (name === undefined) {
      name = this.naming.shortenFragments(parent, field);
      this.tableNames.set(key, name);
    }
    return name;
  }

  /** A list under a column name another key already gave a list: the later replaces it, unless they differ. */
  private mergedList(lists: NestedLists, name: string, list: unknown[], table: string, current: Row, key: string, prefix: string): boolean {
    const earlier = lists.find(([listName]) => listName === name);
    if (earlier === undefined) return false;
    if (!mergeable(earlier[1], list)) this.collision(table, current, key, prefix, name);
    earlier[1] = list;
    return true;
  }

  private collision(table: string, current: Row, key: string, prefix: string, name: string): never {
    const other =
      Object.keys(current).find((k) => k !== key && this.naming.normalizePath(k) === name.slice(prefix ? prefix.length + 2 : 0)) ?? name;
    throw new FieldNameCollisionException(table, other, key, name, this.naming.name);
  }
}

/** Lists met while flattening an object, by column name: they become nested tables. */
type NestedLists = Array<[string, unknown[]]>;
const NO_LISTS: NestedLists = [];

/** Per table: its column slots and the slot of each (prefix, key) met so far. */
class TableColumns {
  readonly slots = new ColumnSlots();
  /** Slot of `key` under `prefix`: the same few hundred keys repeat in every item. */
  readonly byPrefix = new Map<string, Map<string, number>>();
  /** Slots whose name more than one source path produces: only these can collide within a row. */
  readonly ambiguous = new Set<number>();
  readonly dltId = this.slots.slotOf(C_DLT_ID);
  readonly loadId = this.slots.slotOf(C_DLT_LOAD_ID);
  readonly parentId = this.slots.slotOf(C_DLT_PARENT_ID);
  readonly listIdx = this.slots.slotOf(C_DLT_LIST_IDX);
  readonly rootId = this.slots.slotOf(C_DLT_ROOT_ID);
  readonly value = this.slots.slotOf(C_VALUE);
}

/** Whether two values of colliding keys can share a column without losing anything: equal, or one of them null. */
function mergeable(earlier: unknown, later: unknown): boolean {
  if (earlier === null || earlier === undefined || later === null || later === undefined || earlier === later) return true;
  if (earlier instanceof Date && later instanceof Date) return earlier.getTime() === later.getTime();
  if (typeof earlier !== "object" || typeof later !== "object") return false;
  return JSON.stringify(earlier, bigintAsText) === JSON.stringify(later, bigintAsText);
}

/** Unlike bigintAsDigits, keeps `1n` apart from `"1"`: equal here must mean the same value. */
function bigintAsText(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? `${value}n` : value;
}

function isPlainObject(value: unknown): value is Row {
  return value !== null && typeof value === "object" && !Array.isArray(value) && !isScalarObject(value);
}

/** Objects that are single values, not records: never flattened. */
function isScalarObject(value: object): boolean {
  return value instanceof Date || value instanceof Uint8Array;
}
