import type { DataType } from "./data-types.js";

export type WriteDisposition = "append" | "replace" | "merge" | "skip";
export type MergeStrategy = "delete-insert" | "upsert" | "insert-only" | "scd2";
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
  /**
   * Merge: the user declares the data of each load free of duplicate keys, so
   * the merge SQL skips its dedup step (dlt's `deduplicated`, stored as
   * `x-stage-data-deduplicated`). Default false.
   */
  stageDataDeduplicated?: boolean;
  /** Merge strategy scd2: its settings (see {@link Scd2Settings}). */
  scd2?: Scd2Settings;
  replaceStrategy?: ReplaceStrategy;
  /**
   * `false` while the table exists only from hints (columns given in code) and
   * no row was normalized for it: such a table is not created at the
   * destination, as dlt's `seen-data`. Unset once it saw data (and on tables
   * of schemas stored before this hint existed).
   */
  seenData?: boolean;
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

/**
 * Settings of the scd2 merge strategy, as dlt's: each version of a record is
 * a row valid from `validFrom` until `validTo` (open while active).
 */
export interface Scd2Settings {
  /** Column of the moment a version became valid. Default "_dlt_valid_from". */
  validFrom: string;
  /** Column of the moment a version retired; the active value while active. Default "_dlt_valid_to". */
  validTo: string;
  /** The row hash column that tells versions apart. Default "_dlt_id" (a hash of the item). */
  rowVersionColumn: string;
  /** `validTo` of active records as ISO text; undefined: NULL (dlt's default). */
  activeRecordTimestamp?: string;
  /** The moment versions of a load become valid / retire, as ISO text; undefined: the load's time. */
  boundaryTimestamp?: string;
}
