import type { ColumnHints, DataItem } from "@dlt-ts/core";

/** How much of the catalog becomes column hints, as dlt's `reflection_level`. */
export type ReflectionLevel = "minimal" | "full" | "full_with_precision";

/** One column as the database's catalog describes it. */
export interface CatalogColumn {
  name: string;
  /** The type as the catalog spells it (`information_schema.columns.data_type`): `numeric`, `TIMESTAMP WITH TIME ZONE`, `datetime2`. */
  dataType: string;
  nullable: boolean;
  /** Numeric precision (digits), or fractional-second digits of a time type. */
  precision?: number;
  /** Numeric scale. */
  scale?: number;
  /** Maximum length of a character or binary type; -1 for (max). */
  length?: number;
}

/** One table or view as the catalog describes it. */
export interface CatalogTable {
  schema: string;
  name: string;
  /** In the table's column order. */
  columns: CatalogColumn[];
  /** Primary key columns in key order; empty when the table has none. */
  primaryKey: string[];
}

/** A statement with its parameter values (`$1`, `@p1`, ... in the dialect's style). */
export interface SqlQuery {
  sql: string;
  params: unknown[];
}

/**
 * How one database is spoken: identifier quoting, parameters, the SELECT
 * expression of a column, and the column hints of a catalog type.
 */
export interface SqlDialect {
  /** "postgres", "duckdb" or "mssql". */
  readonly name: string;
  /** A quoted identifier. */
  quoteIdentifier(name: string): string;
  /** The `index`-th (1-based) parameter of a query, as compared with `column`. */
  parameter(index: number, column: CatalogColumn): string;
  /**
   * The SELECT-list expression of a column, named as the column. Default: the
   * quoted name; a dialect converts there what its driver would read lossily.
   */
  selectExpression(column: CatalogColumn): string;
  /**
   * The column in ORDER BY. Default: the quoted name; a dialect whose ORDER BY
   * would see a converting select expression's alias names the table's column.
   */
  sortExpression(table: CatalogTable, column: CatalogColumn): string;
  /** Column hints (dlt type, precision, scale, timezone) of a catalog column at a reflection level; nullable is added by the caller. */
  typeHints(column: CatalogColumn, level: ReflectionLevel): ColumnHints;
}

/**
 * An open connection of one driver: the catalog and streamed reads. Each
 * driver codes against a structural subset of its npm package, so tests can
 * pass fakes.
 */
export interface SourceConnection {
  readonly dialect: SqlDialect;
  /** The schema unqualified names resolve to (`public`, `main`, `dbo`). */
  currentSchema(): Promise<string>;
  /** Names of the tables (and views, when asked) of a schema, sorted. */
  listTables(schema: string, includeViews: boolean): Promise<string[]>;
  /** Catalog entries of the named tables of a schema; a missing table is left out. */
  reflectTables(schema: string, tables: readonly string[]): Promise<CatalogTable[]>;
  /**
   * Runs a SELECT and yields its rows in pages of at most `chunkSize`. Rows
   * are read from a server-side cursor as the consumer pulls: memory holds
   * about one page, whatever the table's size.
   *
   * @param columns the selected columns in SELECT order (some drivers convert values by catalog type)
   */
  streamRows(query: SqlQuery, columns: readonly CatalogColumn[], chunkSize: number): AsyncGenerator<DataItem[]>;
  close(): Promise<void>;
}
