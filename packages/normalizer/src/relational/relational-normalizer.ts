import { DltException, type NamingConvention, type Schema } from "@dlt-ts/core";
import { keyHashRowId, nestedRowId, randomDltId } from "./dlt-id.js";

export type Row = Record<string, unknown>;

/**
 * Receives every row the normalizer produces, parents before their children,
 * with the row's keys in order (cheaper to walk than the wide row itself).
 */
export type RowSink = (table: string, parent: string | undefined, row: Row, keys: string[]) => void;

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
}

export class FieldNameCollisionException extends DltException {
  constructor(table: string, first: string, second: string, normalized: string, convention: string) {
    super(
      `Fields "${first}" and "${second}" of table "${table}" both normalize to column "${normalized}" ` +
        `under naming convention ${convention}: rename one of them in the data, or pick a naming ` +
        `convention that keeps them apart (e.g. "direct")`,
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
  /** Column name of `key` under `prefix`: the same few hundred keys repeat in every item. */
  private readonly columnNames = new Map<string, Map<string, string>>();
  /** Which source path first produced each column name. */
  private readonly nameSources = new Map<string, string>();
  /** Names more than one source path produces: only these can collide within a row. */
  private readonly ambiguousNames = new Set<string>();

  constructor(
    private readonly schema: Schema,
    private readonly naming: NamingConvention,
    private readonly loadId: string,
  ) {}

  normalizeItem(item: Row, rootTable: string, options: RootTableOptions, emit: RowSink): void {
    const { row, keys, lists } = this.flatten(rootTable, item, options.maxNesting);
    row[C_DLT_LOAD_ID] = this.loadId;
    const rowId = (row[C_DLT_ID] as string | undefined) ?? this.rootRowId(row, options);
    row[C_DLT_ID] = rowId;
    keys.push(C_DLT_LOAD_ID, C_DLT_ID);
    emit(rootTable, undefined, row, keys);
    const rootId = options.propagateRootKey ? rowId : undefined;
    for (const [path, list] of lists) {
      this.normalizeList(list, rootTable, path, rowId, rootId, options.maxNesting - 1, emit);
    }
  }

  private rootRowId(row: Row, options: RootTableOptions): string {
    return options.rowIdFromKey?.length ? keyHashRowId(row, options.rowIdFromKey) : randomDltId();
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
    for (let index = 0; index < list.length; index++) {
      const element = list[index];
      let flat: Flattened;
      if (isPlainObject(element)) {
        flat = this.flatten(table, element, level);
      } else if (Array.isArray(element)) {
        // A list in a list gets an intermediary row whose `list` field nests the inner list.
        flat = this.flatten(table, { list: element }, level - 1);
      } else {
        flat = { row: { [C_VALUE]: element }, keys: [C_VALUE], lists: [] };
      }
      const { row, keys, lists } = flat;
      if (rootId !== undefined) {
        row[C_DLT_ROOT_ID] = rootId;
        keys.push(C_DLT_ROOT_ID);
      }
      row[C_DLT_PARENT_ID] = parentRowId;
      row[C_DLT_LIST_IDX] = index;
      const rowId = nestedRowId(parentRowId, table, index);
      row[C_DLT_ID] = rowId;
      keys.push(C_DLT_PARENT_ID, C_DLT_LIST_IDX, C_DLT_ID);
      emit(table, parentTable, row, keys);
      for (const [path, nested] of lists) this.normalizeList(nested, table, path, rowId, rootId, level - 1, emit);
    }
  }

  /**
   * Flattens one object. Like dlt, nested objects are expanded after the
   * fields of the level holding them (a stack), which fixes column order.
   */
  private flatten(table: string, item: Row, level: number): Flattened {
    const row: Row = {};
    const keys: string[] = [];
    const lists: Array<[string, unknown[]]> = [];
    const stack: Array<[Row, number, string]> = [[item, level, ""]];
    const columns = this.schema.tables[table]?.columns;
    while (stack.length > 0) {
      const [current, currentLevel, prefix] = stack.pop()!;
      for (const key in current) {
        const value = current[key];
        const name = this.columnName(prefix, key);
        if (value !== null && typeof value === "object" && !isScalarObject(value)) {
          const keepWhole = currentLevel <= 0 || columns?.[name]?.dataType === "json";
          if (!keepWhole) {
            if (Array.isArray(value)) lists.push([name, value]);
            else stack.push([value as Row, currentLevel - 1, name]);
            continue;
          }
        }
        if (this.ambiguousNames.size > 0 && this.ambiguousNames.has(name) && name in row) {
          this.collision(table, current, key, prefix, name);
        }
        row[name] = value;
        keys.push(name);
      }
    }
    return { row, keys, lists };
  }

  private columnName(prefix: string, key: string): string {
    let names = this.columnNames.get(prefix);
    if (!names) {
      names = new Map();
      this.columnNames.set(prefix, names);
    }
    let name = names.get(key);
    if (name === undefined) {
      const normalizedKey = key.trim() ? this.naming.normalizePath(key) : EMPTY_KEY;
      name = prefix ? this.naming.shortenFragments(prefix, normalizedKey) : normalizedKey;
      names.set(key, name);
      const source = `${prefix}\u0000${key}`;
      const first = this.nameSources.get(name);
      if (first === undefined) this.nameSources.set(name, source);
      else if (first !== source) this.ambiguousNames.add(name);
    }
    return name;
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

  private collision(table: string, current: Row, key: string, prefix: string, name: string): never {
    const other =
      Object.keys(current).find((k) => k !== key && this.naming.normalizePath(k) === name.slice(prefix ? prefix.length + 2 : 0)) ?? name;
    throw new FieldNameCollisionException(table, other, key, name, this.naming.name);
  }
}

interface Flattened {
  row: Row;
  keys: string[];
  lists: Array<[string, unknown[]]>;
}

function isPlainObject(value: unknown): value is Row {
  return value !== null && typeof value === "object" && !Array.isArray(value) && !isScalarObject(value);
}

/** Objects that are single values, not records: never flattened. */
function isScalarObject(value: object): boolean {
  return value instanceof Date || value instanceof Uint8Array;
}
