import { toNaiveTimestampText, toUtcTimestampText, type ColumnHints } from "@dlt-ts/core";
import type { BoundIncremental } from "dlt-ts";
import type { CatalogColumn, CatalogTable, SqlDialect, SqlQuery } from "./source-connection.js";
import { CursorColumnException } from "./sql-source-exceptions.js";

/** The part of a bound incremental that is pushed into SQL. */
export interface CursorRange {
  column: CatalogColumn;
  /** The column's dlt hints: timestamps are bound in the column's own form. */
  hints: ColumnHints;
  /** "max": the cursor grows (`>=` start, ascending); "min": it falls. */
  direction: "max" | "min";
  /** Lower bound for "max" (upper for "min"); none on a first run without an initial value. */
  start?: unknown;
  rangeStart: "open" | "closed";
  end?: unknown;
  rangeEnd: "open" | "closed";
  onCursorValueMissing: "raise" | "include" | "exclude";
  /** The row order the incremental declares; default "asc" (in the cursor's direction). */
  rowOrder?: "asc" | "desc";
}

/**
 * The column an incremental's cursor path names among the columns read.
 *
 * @throws CursorColumnException when the path is not a plain column name, or names no column that is read
 */
export function cursorColumn(cursorPath: string, tableName: string, columns: readonly CatalogColumn[]): CatalogColumn {
  const path = cursorPath.replace(/^\$\./, "");
  if (path.includes(".") || path.includes("[")) {
    throw new CursorColumnException(tableName, cursorPath, "must be a plain column name (e.g. updated_at) to be pushed into SQL");
  }
  const column = columns.find((c) => c.name === path);
  if (!column) throw new CursorColumnException(tableName, cursorPath, `not a column that is read (columns: ${columns.map((c) => c.name).join(", ")})`);
  return column;
}

/**
 * What of `incremental` can be pushed into SQL: nothing with a custom
 * `lastValueFunc` (every row is read and the function decides, as dlt);
 * else the range and the order.
 *
 * @throws CursorColumnException when the cursor path is not a plain column that is read
 */
export function cursorRange(
  incremental: BoundIncremental | undefined,
  table: CatalogTable,
  columns: readonly CatalogColumn[],
  hintsOf: (column: CatalogColumn) => ColumnHints,
): CursorRange | undefined {
  if (!incremental) return undefined;
  const column = cursorColumn(incremental.cursorPath, table.name, columns);
  const func = incremental.lastValueFunc;
  if (typeof func !== "string") return undefined;
  return {
    column,
    hints: hintsOf(column),
    direction: func,
    start: incremental.startValue,
    rangeStart: incremental.rangeStart,
    end: incremental.endValue,
    rangeEnd: incremental.rangeEnd,
    onCursorValueMissing: incremental.declaration.onCursorValueMissing,
    rowOrder: incremental.rowOrder,
  };
}

/**
 * A cursor value as a query parameter: timestamps in the column's form
 * (canonical UTC text, or naive text for a column without zone), Dates as
 * ISO text, bigints as digits (no driver rounds them); other values as they
 * are.
 */
export function cursorParameter(value: unknown, hints: ColumnHints): unknown {
  if (value instanceof Date) value = value.toISOString();
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "string" && hints.dataType === "timestamp") {
    return (hints.timezone === false ? toNaiveTimestampText(value) : toUtcTimestampText(value)) ?? value;
  }
  return value;
}

/**
 * `SELECT <columns> FROM <schema>.<table>`, and with an incremental range,
 * as dlt's sql_table does:
 * `WHERE cursor >= start` (`>` when rangeStart is "open"; `<=`/`<` for "min"),
 * `AND cursor < end` (`<=` when rangeEnd is "closed"; `>`/`>=` for "min"),
 * `OR cursor IS NULL` with onCursorValueMissing "include",
 * `AND cursor IS NOT NULL` with "exclude",
 * `ORDER BY cursor ASC` for "max" (DESC for "min"; reversed with rowOrder "desc").
 * The rows still pass the incremental's own filter, which drops the rows of
 * the start value that the last run already loaded.
 */
export function buildSelect(dialect: SqlDialect, table: CatalogTable, columns: readonly CatalogColumn[], range?: CursorRange): SqlQuery {
  const from = `${dialect.quoteIdentifier(table.schema)}.${dialect.quoteIdentifier(table.name)}`;
  let sql = `SELECT ${columns.map((c) => dialect.selectExpression(c)).join(", ")} FROM ${from}`;
  if (!range) return { sql, params: [] };

  const params: unknown[] = [];
  const cursor = dialect.quoteIdentifier(range.column.name);
  const bind = (value: unknown): string => {
    params.push(cursorParameter(value, range.hints));
    return dialect.parameter(params.length, range.column);
  };
  const max = range.direction === "max";
  const conditions: string[] = [];
  if (range.start !== undefined && range.start !== null) {
    const op = max ? (range.rangeStart === "open" ? ">" : ">=") : range.rangeStart === "open" ? "<" : "<=";
    conditions.push(`${cursor} ${op} ${bind(range.start)}`);
  }
  if (range.end !== undefined && range.end !== null) {
    const op = max ? (range.rangeEnd === "closed" ? "<=" : "<") : range.rangeEnd === "closed" ? ">=" : ">";
    conditions.push(`${cursor} ${op} ${bind(range.end)}`);
  }
  let where = conditions.join(" AND ");
  if (where && range.onCursorValueMissing === "include") where = `(${where}) OR ${cursor} IS NULL`;
  if (range.onCursorValueMissing === "exclude") where = where ? `(${where}) AND ${cursor} IS NOT NULL` : `${cursor} IS NOT NULL`;
  if (where) sql += ` WHERE ${where}`;
  const ascending = max === ((range.rowOrder ?? "asc") === "asc");
  sql += ` ORDER BY ${dialect.sortExpression(table, range.column)} ${ascending ? "ASC" : "DESC"}`;
  return { sql, params };
}
