import { ansiEscapeLiteral, capabilities, type DestinationCapabilities } from "@dlt-ts/core";

/** `"name"` with `"` doubled: SQLite's standard identifier quoting. */
export function escapeSqliteIdentifier(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}

/**
 * A SQLite literal: core's standard-SQL literal (strings in single quotes
 * with `'` doubled, as SQLite never treats a backslash as an escape; blobs as
 * `X'…'`), with booleans as 1/0.
 */
export function escapeSqliteLiteral(value: unknown): string {
  if (typeof value === "boolean") return value ? "1" : "0";
  return ansiEscapeLiteral(value);
}

/**
 * What SQLite can do, as dlt-ts needs to know it. Choices:
 * - csv only: its values are exact text (decimals and big integers keep every
 *   digit), which the load job binds as typed parameters;
 * - one writer: SQLite locks the whole file, so jobs load one after the other;
 * - no TRUNCATE (DELETE FROM), one column per ALTER TABLE, no MERGE statement
 *   (merge is delete-insert only);
 * - identifiers are case-insensitive in SQLite.
 */
export function sqliteCapabilities(): DestinationCapabilities {
  return capabilities({
    preferredLoaderFileFormat: "csv",
    supportedLoaderFileFormats: ["csv"],
    escapeIdentifier: escapeSqliteIdentifier,
    escapeLiteral: escapeSqliteLiteral,
    hasCaseSensitiveIdentifiers: false,
    maxIdentifierLength: 127,
    maxColumnIdentifierLength: 127,
    maxQueryLength: 1_000_000,
    isMaxQueryLengthInBytes: true,
    maxParametersPerQuery: 32_766,
    supportsTruncateCommand: false,
    alterAddMultiColumn: false,
    supportsDdlTransactions: true,
    timestampPrecision: 6,
    supportedMergeStrategies: ["delete-insert"],
    supportedReplaceStrategies: ["truncate-and-insert", "insert-from-staging"],
    maxParallelLoadJobs: 1,
    loaderParallelismStrategy: "sequential",
  });
}
