import type { LoaderFileFormat, MergeStrategy, ReplaceStrategy } from "../schema/schema-types.js";

export type LoaderParallelismStrategy = "parallel" | "table-sequential" | "sequential";

/**
 * What a destination can do. Every field documents its meaning and its default
 * (see {@link defaultCapabilities}); a destination spreads the defaults and
 * overrides what differs, so new capabilities never break third-party packages.
 */
export interface DestinationCapabilities {
  /** File format the normalizer writes for this destination. Default "insert_values". */
  preferredLoaderFileFormat: LoaderFileFormat;
  /** Formats the destination can load. Default ["insert_values"]. */
  supportedLoaderFileFormats: LoaderFileFormat[];
  /** Format for files staged elsewhere before loading. Default undefined (no staging). */
  preferredStagingFileFormat?: LoaderFileFormat;
  /** Default []. */
  supportedStagingFileFormats: LoaderFileFormat[];
  /**
   * Size in bytes at which the normalizer should start a new job file, so a
   * big table arrives as several files the loader can load in parallel
   * (dlt's `recommended_file_size`). Default undefined (the normalizer's own limit).
   */
  recommendedFileSize?: number;
  /** Quotes an identifier for SQL. Default: ANSI double quotes with `"` doubled. */
  escapeIdentifier: (identifier: string) => string;
  /** Renders a JS value as an SQL literal. Default {@link ansiEscapeLiteral}: single-quoted strings, `X'..'` binary. */
  escapeLiteral: (value: unknown) => string;
  /** Folds identifiers the way the destination stores them. Default identity. */
  casefoldIdentifier: (identifier: string) => string;
  /** Whether `Abc` and `abc` name different objects. Default true. */
  hasCaseSensitiveIdentifiers: boolean;
  /** [precision, scale] of the `decimal` type. Default [38, 9]. */
  decimalPrecision: [number, number];
  /** [precision, scale] of the `wei` type. Default [76, 0]. */
  weiPrecision: [number, number];
  /** Longest table/dataset identifier. Default 127. */
  maxIdentifierLength: number;
  /** Longest column identifier. Default 127. */
  maxColumnIdentifierLength: number;
  /** Longest statement, in bytes or chars (see isMaxQueryLengthInBytes). Default 16 MiB. */
  maxQueryLength: number;
  /** Default true. */
  isMaxQueryLengthInBytes: boolean;
  /** Longest text value; 0 means unlimited. Default 0. */
  maxTextDataTypeLength: number;
  /** Default true. */
  isMaxTextDataTypeLengthInBytes: boolean;
  /** Default true. */
  supportsTransactions: boolean;
  /** Whether DDL can run inside a transaction. Default true. */
  supportsDdlTransactions: boolean;
  /** Whether one ALTER TABLE can add many columns. Default true. */
  alterAddMultiColumn: boolean;
  /** Whether TRUNCATE TABLE exists (else DELETE FROM). Default true. */
  supportsTruncateCommand: boolean;
  /** Default true. */
  supportsCreateTableIfNotExists: boolean;
  /** Whether numeric types take precision/scale. Default true. */
  schemaSupportsNumericPrecision: boolean;
  /** Fractional second digits of timestamps. Default 6. */
  timestampPrecision: number;
  /** Rows per INSERT ... VALUES statement. Default unlimited (Infinity). */
  maxRowsPerInsert: number;
  /** Bound parameters per request. Default unlimited (Infinity). */
  maxParametersPerQuery: number;
  /** Default ["delete-insert", "upsert"]. */
  supportedMergeStrategies: MergeStrategy[];
  /** Default ["truncate-and-insert", "insert-from-staging"]. */
  supportedReplaceStrategies: ReplaceStrategy[];
  /** Naming convention the destination asks for. Default "snake_case". */
  namingConvention: string;
  /** Max nesting depth of child tables; undefined = schema default. */
  maxTableNesting?: number;
  /** Max jobs loading at once. Default 20 (dlt's loader workers). */
  maxParallelLoadJobs: number;
  /** Default "parallel". */
  loaderParallelismStrategy: LoaderParallelismStrategy;
  /** Whether `_dlt_*` tables/columns are delivered. Default false (they are delivered). */
  skipDltColumnsAndTables: boolean;
  /**
   * Whether the loader starts a table's larger job files first, so its
   * short last file loads last (see the loader's README). Default false:
   * jobs start in file order. Optional, so capabilities written out whole
   * before it existed still type-check.
   */
  loadLargerFilesFirst?: boolean;
}

export function ansiEscapeIdentifier(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}

/**
 * A SQL literal in standard SQL: `NULL`, numbers as digits, `TRUE`/`FALSE`,
 * dates as ISO-8601 text, binary (`Uint8Array`, `Buffer`, `ArrayBuffer`) as
 * the standard hex binary string `X'0aff'` (SQLite and MySQL read it as
 * bytes), strings in single quotes with `'` doubled, anything else as JSON
 * text. A destination whose SQL differs wraps or replaces it: Postgres
 * (bytea `'\x0aff'`), DuckDB (`'\x0A\xFF'::BLOB`), SQL Server (`0x0aff`).
 *
 * @example
 * ansiEscapeLiteral("it's");                    // "'it''s'"
 * ansiEscapeLiteral(new Uint8Array([10, 255])); // "X'0aff'"
 */
export function ansiEscapeLiteral(value: unknown): string {
  if (value === null || value === undefined) return "NULL";
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  if (typeof value === "boolean") return value ? "TRUE" : "FALSE";
  if (value instanceof Date) return `'${value.toISOString()}'`;
  if (value instanceof Uint8Array) return `X'${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("hex")}'`;
  if (value instanceof ArrayBuffer) return `X'${Buffer.from(value).toString("hex")}'`;
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return quoteSqlString(text);
}

/** `'text'` with `'` doubled. Most strings hold no quote: checked first, as this runs for every value written. */
export function quoteSqlString(text: string): string {
  return text.indexOf("'") === -1 ? `'${text}'` : `'${text.replaceAll("'", "''")}'`;
}

export function defaultCapabilities(): DestinationCapabilities {
  return {
    preferredLoaderFileFormat: "insert_values",
    supportedLoaderFileFormats: ["insert_values"],
    preferredStagingFileFormat: undefined,
    supportedStagingFileFormats: [],
    recommendedFileSize: undefined,
    escapeIdentifier: ansiEscapeIdentifier,
    escapeLiteral: ansiEscapeLiteral,
    casefoldIdentifier: (identifier) => identifier,
    hasCaseSensitiveIdentifiers: true,
    decimalPrecision: [38, 9],
    weiPrecision: [76, 0],
    maxIdentifierLength: 127,
    maxColumnIdentifierLength: 127,
    maxQueryLength: 16 * 1024 * 1024,
    isMaxQueryLengthInBytes: true,
    maxTextDataTypeLength: 0,
    isMaxTextDataTypeLengthInBytes: true,
    supportsTransactions: true,
    supportsDdlTransactions: true,
    alterAddMultiColumn: true,
    supportsTruncateCommand: true,
    supportsCreateTableIfNotExists: true,
    schemaSupportsNumericPrecision: true,
    timestampPrecision: 6,
    maxRowsPerInsert: Number.POSITIVE_INFINITY,
    maxParametersPerQuery: Number.POSITIVE_INFINITY,
    supportedMergeStrategies: ["delete-insert", "upsert"],
    supportedReplaceStrategies: ["truncate-and-insert", "insert-from-staging"],
    namingConvention: "snake_case",
    maxTableNesting: undefined,
    maxParallelLoadJobs: 20,
    loaderParallelismStrategy: "parallel",
    skipDltColumnsAndTables: false,
    loadLargerFilesFirst: false,
  };
}

/** Default capabilities overlaid with a destination's own. */
export function capabilities(overrides: Partial<DestinationCapabilities>): DestinationCapabilities {
  return { ...defaultCapabilities(), ...overrides };
}
