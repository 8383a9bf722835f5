import type { DataType } from "./data-types.js";

export type WriteDisposition = "append" | "replace" | "merge" | "skip";
export type MergeStrategy = "delete-insert" | "upsert" | "scd2";
export type ReplaceStrategy = "truncate-and-insert" | "insert-from-staging" | "staging-optimized";
export type LoaderFileFormat = "jsonl" | "insert_values" | "csv" | "parquet" | "typed-jsonl";

/**
 * One column of a table. Keys are camelCase versions of dlt's column hints
 * (`data_type` → `dataType`, `primary_key` → `primaryKey`, ...).
 */
export interface ColumnSchema {
  /** Normalized column name. */
  name: string;
  /** Absent only on partial columns (hints given before any data arrived). */
  dataType?: DataType;
  /** Default true: a column is nullable unless a hint says otherwise. */
  nullable?: boolean;
  primaryKey?: boolean;
  mergeKey?: boolean;
  unique?: boolean;
  /** Precision for text (length), bigint (bits), timestamp/time (fractional digits), decimal. */
  precision?: number;
  scale?: number;
  /** For timestamps: false means "without time zone". Default true. */
  timezone?: boolean;
  /** The column receives values that did not fit the type of its base column. */
  variant?: boolean;
  /** `_dlt_id`: unique row key. */
  rowKey?: boolean;
  /** `_dlt_parent_id`: reference to the parent's row key. */
  parentKey?: boolean;
  /** `_dlt_root_id`: reference to the root table's row key (merge tables). */
  rootKey?: boolean;
  partition?: boolean;
  cluster?: boolean;
  sort?: boolean;
  hardDelete?: boolean;
  dedupSort?: "asc" | "desc";
  description?: string;
}

export type ColumnHints = Partial<Omit<ColumnSchema, "name">>;

/** A table: root tables come from resources, child tables from nested lists. */
export interface TableSchema {
  /** Normalized table name. */
  name: string;
  /** Columns keyed by normalized name, in order of first appearance. */
  columns: Record<string, ColumnSchema>;
  /** Set on root tables; child tables inherit it from their root. */
  writeDisposition?: WriteDisposition;
  mergeStrategy?: MergeStrategy;
  replaceStrategy?: ReplaceStrategy;
  /** Name of the parent table, for child tables. */
  parent?: string;
  /** The resource that produced the table. */
  resource?: string;
  fileFormat?: LoaderFileFormat;
  description?: string;
}

/** What a destination receives as a migration: new tables, and new columns of existing tables. */
export type SchemaUpdate = Record<string, TableSchema>;

export interface StoredSchema {
  name: string;
  version: number;
  versionHash: string;
  previousHashes: string[];
  engineVersion: number;
  settings: SchemaSettings;
  tables: Record<string, TableSchema>;
}

export interface SchemaSettings {
  namingConvention: string;
  /** Type autodetections applied to text values, as dlt's `detections` (default ["iso_timestamp"]). */
  detections: string[];
  /** Nested lists/objects deeper than this are stored as json. Default: unlimited (1000). */
  maxTableNesting?: number;
}
