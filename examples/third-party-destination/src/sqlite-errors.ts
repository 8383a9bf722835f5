import { DatabaseException, DatabaseTerminalException, DatabaseTransientException, DatabaseUndefinedRelation } from "@dlt-ts/core";

/** Messages of missing tables, views and attached databases. */
const UNDEFINED_RELATION = /no such table|no such view|unknown database|no such database/i;
/** Messages of faults that may pass: another connection holds a lock, the file system hiccupped. */
const TRANSIENT = /database is locked|database table is locked|SQLITE_BUSY|SQLITE_LOCKED|disk I\/O error|unable to open database file/i;

/**
 * Maps a SQLite error to core's taxonomy. The WASM driver reports no error
 * codes, only SQLite's messages, which are stable across versions: missing
 * tables are DatabaseUndefinedRelation, lock and I/O faults
 * DatabaseTransientException, everything else (syntax, constraints, type
 * mismatches) DatabaseTerminalException. The driver error is the `cause`.
 */
export function classifySqliteError(error: unknown): DatabaseException {
  if (error instanceof DatabaseException) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (UNDEFINED_RELATION.test(message)) return new DatabaseUndefinedRelation(message, { cause: error });
  if (TRANSIENT.test(message)) return new DatabaseTransientException(message, { cause: error });
  return new DatabaseTerminalException(message, { cause: error });
}
