import {
  DatabaseException,
  DatabaseTerminalException,
  DatabaseTransientException,
  DatabaseUndefinedRelation,
  maskSecrets,
  maskSecretsInError,
} from "@dlt-ts/core";

/** The fields of a `pg` error read here (structural subset of `pg.DatabaseError`). */
interface PgErrorLike {
  message?: string;
  code?: string;
  detail?: string;
  hint?: string;
}

/** SQLSTATE classes a retry may get past: connection (08), rollback (40), resources (53), operator intervention (57), I/O (58), internal (XX). */
const TRANSIENT_CLASSES = new Set(["08", "40", "53", "57", "58", "XX"]);
/** Undefined table, undefined schema. */
const UNDEFINED_RELATION = new Set(["42P01", "3F000"]);
/** Socket errors: the connection broke. */
const NETWORK_CODES = new Set(["ECONNRESET", "ECONNREFUSED", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);

/**
 * Classifies an error of `pg` while reading a source: 42P01/3F000 →
 * DatabaseUndefinedRelation; SQLSTATE classes 08, 40, 53, 57, 58, XX and
 * broken sockets → DatabaseTransientException; everything else (syntax,
 * privileges, authentication 28xxx, bad parameter values 22xxx) →
 * DatabaseTerminalException. The message says what was read (`context`) and
 * masks every registered secret; the driver's error is the `cause`.
 */
export function classifyPostgresSourceError(error: unknown, context: string): DatabaseException {
  if (error instanceof DatabaseException) return error;
  maskSecretsInError(error);
  const pg = (typeof error === "object" && error !== null ? error : { message: String(error) }) as PgErrorLike;
  const code = typeof pg.code === "string" ? pg.code : undefined;
  let text = `${context}: ${pg.message ?? String(error)}`;
  if (code) text += ` [${/^[0-9A-Z]{5}$/.test(code) ? "SQLSTATE " : ""}${code}]`;
  if (pg.detail) text += `\nDetail: ${pg.detail}`;
  if (pg.hint) text += `\nHint: ${pg.hint}`;
  const message = maskSecrets(text);
  const options = { cause: error, dbCode: code };
  if (code && /^[0-9A-Z]{5}$/.test(code)) {
    if (UNDEFINED_RELATION.has(code)) return new DatabaseUndefinedRelation(message, options);
    if (TRANSIENT_CLASSES.has(code.slice(0, 2))) return new DatabaseTransientException(message, options);
    return new DatabaseTerminalException(message, options);
  }
  if ((code && NETWORK_CODES.has(code)) || /connection terminated|terminated unexpectedly|timeout|socket/i.test(pg.message ?? "")) {
    return new DatabaseTransientException(message, options);
  }
  return new DatabaseTerminalException(message, options);
}
