import type { ColumnSchema, TableSchema } from "@dlt-ts/core";

type Tables = Record<string, TableSchema>;

/**
 * Merges the tables a part of a package ended with (`end`) into the
 * package's tables (`merged`), given the tables the part started from
 * (`start`). What the part changed (a table or column it added, a column it
 * typed or widened, a table that saw its first row) is applied; column and
 * table order follow the part's, after what `merged` has, as one worker
 * reading the parts in order would have made them.
 *
 * The part did not see what was merged after `start` was taken. It is
 * merged only if that made no difference: every column it changed is, in
 * `merged`, as it was in `start` or as the part made it, and no column that
 * appeared meanwhile as json would have kept whole what the part flattened.
 * Otherwise nothing is changed and false is returned.
 */
export function mergePartTables(merged: Tables, start: Tables, end: Tables): boolean {
  if (!canMerge(merged, start, end)) return false;
  for (const [name, endTable] of Object.entries(end)) {
    const startTable = start[name];
    const table = merged[name];
    if (table === undefined) {
      merged[name] = endTable;
      continue;
    }
    if (startTable?.seenData === false && endTable.seenData === undefined) delete table.seenData;
    for (const [columnName, column] of Object.entries(endTable.columns)) {
      if (sameColumn(startTable?.columns[columnName], column)) continue;
      if (!sameColumn(table.columns[columnName], column)) table.columns[columnName] = column;
    }
  }
  return true;
}

function canMerge(merged: Tables, start: Tables, end: Tables): boolean {
  for (const [name, endTable] of Object.entries(end)) {
    const startTable = start[name];
    const table = merged[name];
    if (table === undefined) continue;
    if (startTable === undefined && table.parent !== endTable.parent) return false;
    for (const [columnName, column] of Object.entries(endTable.columns)) {
      const startColumn = startTable?.columns[columnName];
      if (sameColumn(startColumn, column)) continue;
      const now = table.columns[columnName];
      if (!sameColumn(now, startColumn) && !sameColumn(now, column)) return false;
    }
  }
  return !flattenedNewJson(merged, start, end);
}

/**
 * Whether a column that became json after `start` (values kept whole) is
 * one the part flattened into columns or nested tables instead. Nesting
 * depth decides json for a path alone, so this takes a key that itself
 * holds `__` colliding with a nested path: rare, but then the part is
 * normalized again rather than merged wrong.
 */
function flattenedNewJson(merged: Tables, start: Tables, end: Tables): boolean {
  for (const [name, table] of Object.entries(merged)) {
    for (const column of Object.values(table.columns)) {
      if (column.dataType !== "json" || start[name]?.columns[column.name]?.dataType === "json") continue;
      const prefix = `${column.name}__`;
      const endTable = end[name];
      if (endTable && Object.keys(endTable.columns).some((c) => c.startsWith(prefix) && !start[name]?.columns[c])) return true;
      const nested = `${name}__${prefix}`;
      if (Object.keys(end).some((t) => (t === nested.slice(0, -2) || t.startsWith(nested)) && !start[t])) return true;
    }
  }
  return false;
}

/**
 * Adds a part's schema update to the package's: tables and columns in the
 * order first recorded, each column as the merged tables now hold it (a
 * later part may have widened it), as one evolver records them.
 */
export function mergeUpdates(updates: Tables, part: Tables, tables: Tables): void {
  for (const [name, partUpdate] of Object.entries(part)) {
    const update = (updates[name] ??= { ...partUpdate, columns: {} });
    for (const columnName of Object.keys(partUpdate.columns)) update.columns[columnName] = partUpdate.columns[columnName]!;
  }
  for (const [name, update] of Object.entries(updates)) {
    const columns = tables[name]?.columns;
    if (!columns) continue;
    for (const columnName of Object.keys(update.columns)) {
      const column = columns[columnName];
      if (column) update.columns[columnName] = column;
    }
  }
}

function sameColumn(a: ColumnSchema | undefined, b: ColumnSchema | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  const record = b as unknown as Record<string, unknown>;
  const other = a as unknown as Record<string, unknown>;
  return keys.every((key) => key in record && JSON.stringify(other[key]) === JSON.stringify(record[key]));
}
