import type { ColumnHints, ColumnsHint, DataItem, LoaderFileFormat, WriteDispositionConfig } from "@dlt-ts/core";
import { resource, type DltResource, type Incremental, type ResourceArguments } from "dlt-ts";
import { buildSelect, cursorColumn, cursorRange } from "./select-query.js";
import type { CatalogColumn, CatalogTable, ReflectionLevel, SqlDialect } from "./source-connection.js";
import type { SourceDriver } from "./source-driver.js";
import { int64Value } from "./int64-value.js";
import { CursorColumnException, SqlSourceOptionsException } from "./sql-source-exceptions.js";

/**
 * Rows per page by default. dlt's is 50 000; here pages of 1 000 rows die
 * young, which the garbage collector handles cheaply: measured on 1M wide
 * rows, 1 000 keeps peak RSS flat (134 MB at 100k and 1M rows) and costs
 * about half the CPU of 10 000 (RSS 253 → 367 MB) or 50 000 (281 → 873 MB).
 * See bench/source-sql.ts.
 */
export const DEFAULT_CHUNK_SIZE = 1_000;

/** How a table becomes a resource: what `sqlTable()` takes besides the table and the credentials. */
export interface TableResourceOptions {
  /** Resource (and table) name. Default: the source table's name. */
  name?: string;
  /** Incremental loading; its range is pushed into the query. Default: none (the whole table each run). */
  incremental?: Incremental<any>;
  /** Rows per page read from the database and yielded as one list. Default 1 000 (dlt: 50 000; see DEFAULT_CHUNK_SIZE). */
  chunkSize?: number;
  /** How much of the catalog becomes column hints. Default "full" (types, decimal precision/scale, nullability; as dlt). */
  reflectionLevel?: ReflectionLevel;
  /** Only these columns are read. Default: all. */
  includedColumns?: string[];
  /** These columns are not read. Default: none. */
  excludedColumns?: string[];
  /** Column hints laid over the reflected ones, by column. Default: none. */
  columns?: ColumnsHint;
  /** Default "append". */
  writeDisposition?: WriteDispositionConfig;
  /** Default: the table's primary key from the catalog (when every key column is read). */
  primaryKey?: string | string[];
  /** Default: none. */
  mergeKey?: string | string[];
  /** Default: the destination's. */
  maxTableNesting?: number;
  /** Default: the destination's preferred format. */
  loaderFileFormat?: LoaderFileFormat;
}

/** Every option name of {@link TableResourceOptions}. */
export const TABLE_RESOURCE_OPTION_NAMES: readonly string[] = [
  "name",
  "incremental",
  "chunkSize",
  "reflectionLevel",
  "includedColumns",
  "excludedColumns",
  "columns",
  "writeDisposition",
  "primaryKey",
  "mergeKey",
  "maxTableNesting",
  "loaderFileFormat",
];

const REFLECTION_LEVELS: readonly ReflectionLevel[] = ["minimal", "full", "full_with_precision"];

/** Checks the options every table shares; `where` names the call for the message. */
export function checkTableOptions(options: Pick<TableResourceOptions, "chunkSize" | "reflectionLevel">, where: string): void {
  const { chunkSize, reflectionLevel } = options;
  if (chunkSize !== undefined && !(Number.isSafeInteger(chunkSize) && chunkSize > 0)) {
    throw new SqlSourceOptionsException(`${where}: chunkSize must be a whole number above 0, got ${JSON.stringify(chunkSize)}`);
  }
  if (reflectionLevel !== undefined && !REFLECTION_LEVELS.includes(reflectionLevel)) {
    throw new SqlSourceOptionsException(
      `${where}: reflectionLevel must be ${REFLECTION_LEVELS.map((l) => `"${l}"`).join(", ")}, got ${JSON.stringify(reflectionLevel)}`,
    );
  }
}

/** The columns read: the table's, narrowed by `includedColumns` / `excludedColumns` (a name the table lacks is an error). */
function selectedColumns(table: CatalogTable, included: string[] | undefined, excluded: string[] | undefined): CatalogColumn[] {
  const names = new Set(table.columns.map((c) => c.name));
  for (const [option, list] of [
    ["includedColumns", included],
    ["excludedColumns", excluded],
  ] as const) {
    const unknown = (list ?? []).filter((name) => !names.has(name));
    if (unknown.length > 0) {
      throw new SqlSourceOptionsException(
        `${option} of table "${table.name}" names ${unknown.map((n) => `"${n}"`).join(", ")}, not in the table (columns: ${[...names].join(", ")})`,
      );
    }
  }
  const columns = table.columns.filter((c) => (included === undefined || included.includes(c.name)) && !excluded?.includes(c.name));
  if (columns.length === 0) throw new SqlSourceOptionsException(`No column of table "${table.name}" is left to read`);
  return columns;
}

/** Reflected hints of the read columns: nullability always, types from "full" on. */
function reflectedHints(dialect: SqlDialect, columns: readonly CatalogColumn[], level: ReflectionLevel): Record<string, ColumnHints> {
  const hints: Record<string, ColumnHints> = {};
  for (const column of columns) {
    hints[column.name] = { ...(level === "minimal" ? {} : dialect.typeHints(column, level)), nullable: column.nullable };
  }
  return hints;
}

/** The user's column hints laid over the reflected ones, column by column. */
function mergeHints(reflected: Record<string, ColumnHints>, user: ColumnsHint | undefined): Record<string, ColumnHints> {
  if (!user) return reflected;
  const entries: Array<[string, ColumnHints]> = Array.isArray(user) ? user.map(({ name, ...hint }) => [name, hint]) : Object.entries(user);
  const merged = { ...reflected };
  for (const [name, hint] of entries) merged[name] = { ...merged[name], ...hint };
  return merged;
}

/** The catalog's primary key, when every key column is read. */
function reflectedPrimaryKey(table: CatalogTable, columns: readonly CatalogColumn[]): string | string[] | undefined {
  const key = table.primaryKey;
  if (key.length === 0 || !key.every((name) => columns.some((c) => c.name === name))) return undefined;
  return key.length === 1 ? key[0] : [...key];
}

/**
 * The column whose values must become numbers for the incremental, if any.
 * Decimals are read as exact text, and the incremental orders text as text
 * ("9.5" after "10.0"): a decimal cursor without a fraction (`numeric(20,0)`)
 * is read as numbers (bigints beyond 2^53, still exact); one with a fraction
 * is refused rather than loading the wrong rows.
 *
 * @throws CursorColumnException for a cursor that is a decimal with a fraction
 */
function integralDecimalCursor(dialect: SqlDialect, table: CatalogTable, cursor: CatalogColumn): string | undefined {
  const hints = dialect.typeHints(cursor, "full");
  if (hints.dataType !== "decimal") return undefined;
  if (hints.scale === 0) return cursor.name;
  throw new CursorColumnException(
    table.name,
    cursor.name,
    "is a decimal with a fraction; its exact text would be ordered as text by the incremental. Use an integer or timestamp column as the cursor",
  );
}

/** Pages with the cursor column's integral decimal text turned into numbers. */
async function* withIntegralCursor(pages: AsyncGenerator<DataItem[]>, column: string): AsyncGenerator<DataItem[]> {
  for await (const page of pages) {
    for (const row of page) {
      const value = row[column];
      if (typeof value === "string") row[column] = int64Value(value);
    }
    yield page;
  }
}

/**
 * A resource reading `table`: named after it, with the catalog's column
 * types and primary key as hints. Each run opens its own connection, pushes
 * the incremental range into the query, streams pages of `chunkSize` rows
 * from a server-side cursor and closes the connection when the rows are
 * drained (or the pipeline stops early).
 */
export function tableResource(driver: SourceDriver, dialect: SqlDialect, table: CatalogTable, options: TableResourceOptions): DltResource {
  const columns = selectedColumns(table, options.includedColumns, options.excludedColumns);
  if (options.incremental) integralDecimalCursor(dialect, table, cursorColumn(options.incremental.cursorPath, table.name, columns));
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  const hints = mergeHints(reflectedHints(dialect, columns, options.reflectionLevel ?? "full"), options.columns);
  const primaryKey = options.primaryKey ?? reflectedPrimaryKey(table, columns);
  const tableHints = {
    name: options.name ?? table.name,
    columns: hints,
    ...(primaryKey !== undefined ? { primaryKey } : {}),
    ...(options.incremental ? { incremental: options.incremental } : {}),
    ...(options.writeDisposition !== undefined ? { writeDisposition: options.writeDisposition } : {}),
    ...(options.mergeKey !== undefined ? { mergeKey: options.mergeKey } : {}),
    ...(options.maxTableNesting !== undefined ? { maxTableNesting: options.maxTableNesting } : {}),
    ...(options.loaderFileFormat !== undefined ? { loaderFileFormat: options.loaderFileFormat } : {}),
  };

  async function* readTable({ incremental }: ResourceArguments): AsyncGenerator<DataItem[]> {
    const connection = await driver.open();
    try {
      // The cursor's type decides how its bounds are bound, whatever the reflection level.
      const range = cursorRange(incremental, table, columns, (column) => connection.dialect.typeHints(column, "full"));
      const pages = connection.streamRows(buildSelect(connection.dialect, table, columns, range), columns, chunkSize);
      const integral = incremental ? integralDecimalCursor(connection.dialect, table, cursorColumn(incremental.cursorPath, table.name, columns)) : undefined;
      yield* integral === undefined ? pages : withIntegralCursor(pages, integral);
    } finally {
      await connection.close();
    }
  }
  return resource(readTable, tableHints);
}
