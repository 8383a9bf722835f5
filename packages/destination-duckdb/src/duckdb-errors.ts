import { DatabaseException, DatabaseTerminalException, DatabaseTransientException, DatabaseUndefinedRelation } from "@dlt-ts/core";

/**
 * Error kinds (the `<Kind> Error:` prefix of DuckDB messages) where retrying
 * may help: a file lock held by another process, a write-write conflict
 * between transactions, memory pressure, an interrupted query.
 */
const TRANSIENT_KINDS = new Set(["IO", "Out of Memory", "Interrupt", "Connection", "Serialization", "Transaction", "TransactionContext"]);

/** Transaction errors that are not conflicts (e.g. a nested BEGIN) are bugs, not transient. */
const CONFLICT = /conflict|lock|busy|retry/i;

/** Longest message kept: DuckDB quotes the offending input (a whole CSV record, a whole statement). */
const MAX_MESSAGE_LENGTH = 2000;

function shorten(message: string): string {
  if (message.length <= MAX_MESSAGE_LENGTH) return message;
  return `${message.slice(0, MAX_MESSAGE_LENGTH)}… (${message.length - MAX_MESSAGE_LENGTH} more characters)`;
}

/** The error kind of a DuckDB message: `Catalog Error: ...` → "Catalog". */
export function duckdbErrorKind(message: string): string | undefined {
  return /^([A-Za-z][A-Za-z ]*?) Error:/.exec(message)?.[1];
}

/**
 * Classifies an error from `@duckdb/node-api` by the kind DuckDB puts in
 * front of its message: a `Catalog Error` saying a table, view or schema
 * "does not exist" → DatabaseUndefinedRelation; `IO` (a lock held by another
 * process), `Out of Memory`, `Interrupt`, `Connection` errors and transaction
 * conflicts → DatabaseTransientException; everything else (`Parser`,
 * `Binder`, `Constraint`, `Conversion`, other catalog errors, ...) →
 * DatabaseTerminalException. The kind is kept as `dbCode`, the original
 * error as `cause`; messages longer than 2000 characters are cut (DuckDB
 * quotes the input that failed, which may be megabytes).
 */
export function classifyDuckdbError(error: unknown): DatabaseException {
  if (error instanceof DatabaseException) return error;
  // Errors from the native addon may come from another realm (e.g. under jest): read the message, not instanceof.
  const raw = (error as { message?: unknown } | null)?.message;
  const message = shorten(typeof raw === "string" ? raw : String(error));
  const kind = duckdbErrorKind(message);
  const options = { cause: error, ...(kind ? { dbCode: kind } : {}) };
  if (kind === "Catalog" && /does not exist/i.test(message) && /\b(table|view|schema)\b/i.test(message)) {
    return new DatabaseUndefinedRelation(message, options);
  }
  if (kind && TRANSIENT_KINDS.has(kind)) {
    if (!kind.startsWith("Transaction") || CONFLICT.test(message)) return new DatabaseTransientException(message, options);
  }
  return new DatabaseTerminalException(message, options);
}

/** The allocation failures DuckDB reports (as its "Out of Memory Error", or as the original error of a failed checkpoint). */
const OUT_OF_MEMORY = /Out of Memory|could not allocate block|failed to pin block|failed to allocate data/i;

/**
 * Whether a classified DuckDB error is DuckDB running out of memory: in a
 * statement ("statement"), or in a checkpoint, which leaves the database
 * invalidated until it is opened again ("checkpoint"); else undefined.
 */
export function duckdbOutOfMemory(error: DatabaseException): "statement" | "checkpoint" | undefined {
  if (error.dbCode === "Out of Memory") return "statement";
  const invalidated = /has been invalidated/i.test(error.message) && /checkpoint/i.test(error.message);
  return invalidated && OUT_OF_MEMORY.test(error.message) ? "checkpoint" : undefined;
}
