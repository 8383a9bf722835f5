import { capabilities, type DestinationCapabilities, type LoaderFileFormat } from "@dlt-ts/core";

/**
 * A SQL Server identifier in brackets with `]` doubled: `[a]]b]` names `a]b`.
 * NUL cannot appear in an identifier and is removed.
 *
 * @example
 * escapeMssqlIdentifier("weird]name"); // "[weird]]name]"
 */
export function escapeMssqlIdentifier(identifier: string): string {
  return `[${identifier.replace(/\0/g, "").replace(/]/g, "]]")}]`;
}

/**
 * Characters kept out of `N'...'` literals. A CR cannot stay raw: the loader
 * reads insert_values files line by line and a lone `\r` counts as a line
 * end there. NUL is allowed in nvarchar data but not safe in SQL text. Both
 * become `NCHAR(n)`; LF stays raw (the file splitter tracks quotes).
 */
const CONTROL = /[\r\0]/;
const CONTROLS = /[\r\0]/g;

/** A string as `N'...'`, with CR and NUL spliced in as `NCHAR(13)` / `NCHAR(0)`. */
function escapeText(text: string): string {
  const quoted = (part: string) => `N'${part.replace(/'/g, "''")}'`;
  if (!CONTROL.test(text)) return quoted(text);
  const parts: string[] = [];
  let last = 0;
  for (const match of text.matchAll(CONTROLS)) {
    parts.push(quoted(text.slice(last, match.index)), `NCHAR(${match[0].charCodeAt(0)})`);
    last = match.index + 1;
  }
  parts.push(quoted(text.slice(last)));
  // The first operand is nvarchar(max): a concatenation of shorter strings would be cut at 4000 characters.
  return `(CAST(${parts[0]} AS NVARCHAR(MAX))${parts.slice(1).map((p) => ` + ${p}`).join("")})`;
}

/**
 * A JS value as a T-SQL literal for insert_values files: strings as
 * `N'...'` (Unicode) with `'` doubled, booleans as `1`/`0`, binary as `0x…`,
 * `Date` as ISO-8601 UTC text (converted by the target column), objects and
 * arrays as JSON text, `null`/`undefined` as NULL. Non-finite numbers become
 * the strings `N'NaN'`/`N'Infinity'`, which SQL Server refuses for float columns.
 *
 * @example
 * escapeMssqlLiteral("it's");                  // "N'it''s'"
 * escapeMssqlLiteral(new Uint8Array([1, 255])); // "0x01ff"
 */
export function escapeMssqlLiteral(value: unknown): string {
  if (value === null || value === undefined) return "NULL";
  if (typeof value === "string") return escapeText(value);
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : escapeText(String(value));
  if (typeof value === "bigint") return String(value);
  if (typeof value === "boolean") return value ? "1" : "0";
  if (value instanceof Date) return escapeText(value.toISOString());
  if (value instanceof Uint8Array) return `0x${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("hex")}`;
  return escapeText(JSON.stringify(value));
}

/** Rows per `INSERT ... VALUES`: SQL Server refuses more (error 10738). */
export const MSSQL_MAX_ROWS_PER_INSERT = 1000;
/** Parameters per request, as SQL Server counts them (error 8003). */
export const MSSQL_MAX_PARAMETERS = 2100;
/** Most fractional second digits SQL Server keeps (datetime2, datetimeoffset, time). */
export const MSSQL_MAX_TIMESTAMP_PRECISION = 7;

/** Options of {@link mssqlCapabilities}. */
export interface MssqlCapabilitiesOptions {
  /** Format the normalizer writes. Default "insert_values" (as dlt); "csv" loads through a streaming bulk load. */
  preferredLoaderFileFormat?: Extract<LoaderFileFormat, "insert_values" | "csv">;
  /** Whether the database collation tells `Abc` and `abc` apart. Default false (SQL Server's default collations do not). */
  hasCaseSensitiveIdentifiers?: boolean;
}

/**
 * Capabilities of SQL Server (limits from "Maximum capacity specifications
 * for SQL Server"): identifiers up to 128 characters in `[brackets]`, kept
 * as the naming convention writes them and compared case-insensitively by
 * default collations; `N'...'` literals; at most 1000 rows per INSERT ...
 * VALUES and 2100 parameters per request; statements cut at 640 KiB (as
 * dlt does: far below the 256 MB batch limit, and fast to compile);
 * nvarchar(max) up to 2^30 - 1 characters; decimal(38,9), wei decimal(38,0);
 * timestamps with 6 fractional digits by default (datetimeoffset keeps 7);
 * no `CREATE TABLE IF NOT EXISTS` (tables are created after a catalog
 * lookup, guarded by `OBJECT_ID`); DDL in transactions; merge by
 * delete-insert and upsert (MERGE); replace by truncate-and-insert and
 * insert-from-staging. Loads insert_values and csv (bulk load), and csv
 * from a stage (`pipeline({ staging })`).
 */
export function mssqlCapabilities(options: MssqlCapabilitiesOptions = {}): DestinationCapabilities {
  return capabilities({
    preferredLoaderFileFormat: options.preferredLoaderFileFormat ?? "insert_values",
    supportedLoaderFileFormats: ["insert_values", "csv"],
    preferredStagingFileFormat: "csv",
    supportedStagingFileFormats: ["csv"],
    escapeIdentifier: escapeMssqlIdentifier,
    escapeLiteral: escapeMssqlLiteral,
    casefoldIdentifier: (identifier) => identifier,
    hasCaseSensitiveIdentifiers: options.hasCaseSensitiveIdentifiers ?? false,
    decimalPrecision: [38, 9],
    weiPrecision: [38, 0],
    maxIdentifierLength: 128,
    maxColumnIdentifierLength: 128,
    maxQueryLength: 65536 * 10,
    isMaxQueryLengthInBytes: true,
    maxTextDataTypeLength: 2 ** 30 - 1,
    isMaxTextDataTypeLengthInBytes: false,
    supportsTransactions: true,
    supportsDdlTransactions: true,
    alterAddMultiColumn: true,
    supportsTruncateCommand: true,
    supportsCreateTableIfNotExists: false,
    schemaSupportsNumericPrecision: true,
    timestampPrecision: 6,
    maxRowsPerInsert: MSSQL_MAX_ROWS_PER_INSERT,
    maxParametersPerQuery: MSSQL_MAX_PARAMETERS,
    supportedMergeStrategies: ["delete-insert", "upsert", "insert-only", "scd2"],
    supportedReplaceStrategies: ["truncate-and-insert", "insert-from-staging"],
    namingConvention: "snake_case",
  });
}
