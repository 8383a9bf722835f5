import { capabilities, type DestinationCapabilities } from "@dlt-ts/core";

/** Postgres identifiers: double quotes, `"` doubled. NUL cannot appear in any identifier and is removed. */
export function escapePostgresIdentifier(identifier: string): string {
  return `"${identifier.replace(/\0/g, "").replace(/"/g, '""')}"`;
}

const ESCAPES: Record<string, string> = { "'": "''", "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\0": "" };
const NEEDS_ESCAPE = /['\\\n\r\0]/;

/** A string as an `E'...'` literal: one line whatever it holds, NUL removed (Postgres text cannot store U+0000). */
function escapeText(text: string): string {
  // Most strings need no escape: a test is cheaper than a replace with a callback.
  return NEEDS_ESCAPE.test(text) ? `E'${text.replace(/['\\\n\r\0]/g, (c) => ESCAPES[c]!)}'` : `E'${text}'`;
}

function stripNul(_key: string, value: unknown): unknown {
  return typeof value === "string" && value.includes("\0") ? value.replace(/\0/g, "") : value;
}

/**
 * A JS value as a Postgres literal for insert_values files: strings as
 * `E'...'` (so every row stays on one line), `Date` as ISO-8601 UTC, binary
 * as `'\x..'` (bytea hex), objects and arrays as JSON text, `null`/`undefined`
 * as NULL. U+0000 is removed from strings and JSON, as Postgres cannot store it.
 */
export function escapePostgresLiteral(value: unknown): string {
  if (value === null || value === undefined) return "NULL";
  if (typeof value === "string") return escapeText(value);
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : `'${String(value)}'`;
  if (typeof value === "bigint") return String(value);
  if (typeof value === "boolean") return value ? "TRUE" : "FALSE";
  if (value instanceof Date) return `'${value.toISOString()}'`;
  if (value instanceof Uint8Array) return `'\\x${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("hex")}'`;
  return escapeText(JSON.stringify(value, stripNul));
}

/**
 * Capabilities of Postgres (limits from https://www.postgresql.org/docs/current/limits.html):
 * csv through COPY preferred (measured faster than insert_values, see the
 * package README), insert_values supported; identifiers at most 63 bytes, quoted
 * and kept as the naming convention writes them; queries up to 32 MiB; text up to 1 GiB; decimal
 * numeric(38,9), wei numeric(156,78); DDL in transactions; merge by
 * delete-insert and upsert; replace by truncate-and-insert,
 * insert-from-staging and staging-optimized. Loads csv from a stage
 * (`pipeline({ staging })`), streamed into COPY.
 */
export function postgresCapabilities(): DestinationCapabilities {
  return capabilities({
    preferredLoaderFileFormat: "csv",
    supportedLoaderFileFormats: ["csv", "insert_values"],
    preferredStagingFileFormat: "csv",
    supportedStagingFileFormats: ["csv"],
    // One COPY keeps one server core busy: files of 16 MiB let the loader run several at once (measured in bench/postgres.ts).
    recommendedFileSize: 16 * 1024 * 1024,
    escapeIdentifier: escapePostgresIdentifier,
    escapeLiteral: escapePostgresLiteral,
    // Every identifier is quoted, so names keep their case; the naming convention decides it.
    casefoldIdentifier: (identifier) => identifier,
    hasCaseSensitiveIdentifiers: true,
    decimalPrecision: [38, 9],
    weiPrecision: [156, 78],
    maxIdentifierLength: 63,
    maxColumnIdentifierLength: 63,
    maxQueryLength: 32 * 1024 * 1024,
    isMaxQueryLengthInBytes: true,
    maxTextDataTypeLength: 1024 * 1024 * 1024,
    isMaxTextDataTypeLengthInBytes: true,
    supportsTransactions: true,
    supportsDdlTransactions: true,
    alterAddMultiColumn: true,
    supportsTruncateCommand: true,
    supportsCreateTableIfNotExists: true,
    schemaSupportsNumericPrecision: true,
    timestampPrecision: 6,
    maxRowsPerInsert: Number.POSITIVE_INFINITY,
    maxParametersPerQuery: 65535,
    supportedMergeStrategies: ["delete-insert", "upsert", "insert-only", "scd2"],
    supportedReplaceStrategies: ["truncate-and-insert", "insert-from-staging", "staging-optimized"],
    namingConvention: "snake_case",
  });
}
