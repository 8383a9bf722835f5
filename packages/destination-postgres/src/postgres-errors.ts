import { DatabaseException, DatabaseTerminalException, DatabaseTransientException, DatabaseUndefinedRelation } from "@dlt-ts/core";

/** The fields of a `pg` error this package reads (a structural subset of `pg.DatabaseError`). */
export interface PgErrorLike {
  message?: string;
  /** SQLSTATE, for errors the server sent. */
  code?: string;
  detail?: string;
  hint?: string;
  schema?: string;
  table?: string;
  column?: string;
  constraint?: string;
}

/** SQLSTATE classes (first two characters) where retrying may help. */
const TRANSIENT_CLASSES = new Set([
  "08", // connection exception
  "40", // transaction rollback: serialization failure, deadlock
  "53", // insufficient resources
  "57", // operator intervention: admin shutdown (pg_terminate_backend), cancel, cannot connect now
  "58", // system error (I/O)
  "XX", // internal error
]);

/** SQLSTATEs of a missing relation or schema. */
const UNDEFINED_RELATION = new Set(["42P01", "3F000"]);

/** Node socket error codes: the connection broke, retrying may help. */
const NETWORK_CODES = new Set(["ECONNRESET", "ECONNREFUSED", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);

function describe(error: PgErrorLike): string {
  const where: string[] = [];
  if (error.table) where.push(`table "${error.schema ? `${error.schema}.` : ""}${error.table}"`);
  if (error.column) where.push(`column "${error.column}"`);
  if (error.constraint) where.push(`constraint "${error.constraint}"`);
  let text = error.message ?? String(error);
  if (where.length) text += ` (${where.join(", ")})`;
  if (error.code) text += ` [SQLSTATE ${error.code}]`;
  if (error.detail) text += `\nDetail: ${error.detail}`;
  if (error.hint) text += `\nHint: ${error.hint}`;
  return text;
}

/**
 * Classifies an error from `pg` by SQLSTATE class:
 * 42P01 (undefined table) and 3F000 (undefined schema) → DatabaseUndefinedRelation;
 * 08 (connection), 40 (serialization failure, deadlock), 53 (resources),
 * 57 (admin shutdown, e.g. pg_terminate_backend), 58 and XX → DatabaseTransientException;
 * every other SQLSTATE (22 data, 23 integrity, 42 syntax/access, 28 auth, ...) →
 * DatabaseTerminalException. Errors without a SQLSTATE are transient when the
 * connection broke (socket errors, "Connection terminated", timeouts) and
 * terminal otherwise. The message names table, column and constraint when the
 * server reported them; the original error is the `cause`.
 */
export function classifyPostgresError(error: unknown): DatabaseException {
  if (error instanceof DatabaseException) return error;
  const pg = (typeof error === "object" && error !== null ? error : { message: String(error) }) as PgErrorLike;
  const code = typeof pg.code === "string" ? pg.code : undefined;
  const message = describe(pg);
  if (code && /^[0-9A-Z]{5}$/.test(code)) {
    if (UNDEFINED_RELATION.has(code)) return new DatabaseUndefinedRelation(message, { cause: error, dbCode: code });
    if (TRANSIENT_CLASSES.has(code.slice(0, 2))) return new DatabaseTransientException(message, { cause: error, dbCode: code });
    return new DatabaseTerminalException(message, { cause: error, dbCode: code });
  }
  const text = pg.message ?? "";
  if ((code && NETWORK_CODES.has(code)) || /connection terminated|terminated unexpectedly|not queryable|timeout|ECONNRESET|socket/i.test(text)) {
    return new DatabaseTransientException(message, { cause: error, dbCode: code });
  }
  return new DatabaseTerminalException(message, { cause: error, dbCode: code });
}
