import {
  DatabaseException,
  DatabaseTerminalException,
  DatabaseTransientException,
  DatabaseUndefinedRelation,
  maskSecrets,
  maskSecretsInError,
} from "@dlt-ts/core";

/** The fields of an mssql / tedious error read here (structural subset). */
interface MssqlErrorLike {
  message?: string;
  /** `EREQUEST`, `ESOCKET`, `ETIMEOUT`, `ELOGIN`, ... */
  code?: string;
  /** SQL Server error number. */
  number?: number;
  /** The tedious error an mssql error wraps. */
  originalError?: MssqlErrorLike;
}

/** Invalid object name, schema does not exist. */
const UNDEFINED_RELATION = new Set([208, 2760, 15151]);
/** Timeout, network, memory, deadlock and lock timeouts, Azure SQL throttling and failover. */
const TRANSIENT_NUMBERS = new Set([-2, 20, 64, 233, 10053, 10054, 10060, 10928, 10929, 701, 1204, 1205, 1222, 40197, 40501, 40613, 49918, 49919, 49920]);
/** Connection-level failures without a server number. */
const TRANSIENT_CODES = new Set(["ESOCKET", "ETIMEOUT", "ECONNRESET", "ECONNREFUSED", "ECONNCLOSED", "ENOTOPEN", "ETIMEDOUT", "ENOTFOUND", "EAI_AGAIN"]);

/**
 * Classifies an error of `mssql` while reading a source: error 208 (invalid
 * object name), 2760, 15151 → DatabaseUndefinedRelation; deadlocks, lock
 * timeouts, broken connections and Azure SQL's transient numbers →
 * DatabaseTransientException; anything else (syntax, conversion, login
 * `ELOGIN`) → DatabaseTerminalException. The message says what was read
 * (`context`) and masks registered secrets.
 */
export function classifyMssqlSourceError(error: unknown, context: string): DatabaseException {
  if (error instanceof DatabaseException) return error;
  maskSecretsInError(error);
  const outer = (typeof error === "object" && error !== null ? error : { message: String(error) }) as MssqlErrorLike;
  const inner = outer.originalError ?? outer;
  const number = typeof inner.number === "number" ? inner.number : outer.number;
  const code = outer.code ?? inner.code;
  let text = `${context}: ${outer.message ?? String(error)}`;
  if (number !== undefined) text += ` [error ${number}]`;
  else if (code) text += ` [${code}]`;
  const message = maskSecrets(text);
  const options = { cause: error, dbCode: number !== undefined ? String(number) : code };
  if (number !== undefined && UNDEFINED_RELATION.has(number)) return new DatabaseUndefinedRelation(message, options);
  if ((number !== undefined && TRANSIENT_NUMBERS.has(number)) || (code !== undefined && TRANSIENT_CODES.has(code))) {
    return new DatabaseTransientException(message, options);
  }
  return new DatabaseTerminalException(message, options);
}
