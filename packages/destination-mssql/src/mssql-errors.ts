import { DatabaseException, DatabaseTerminalException, DatabaseTransientException, DatabaseUndefinedRelation } from "@dlt-ts/core";

/**
 * The fields of a tedious / mssql error this package reads: a structural
 * subset of tedious `RequestError` and `ConnectionError`, mssql's wrappers
 * (`originalError`) and `AggregateError` (tedious reports every error message
 * of a request that got more than one).
 */
export interface MssqlErrorLike {
  message?: string;
  name?: string;
  /** tedious / mssql / Node code: `EREQUEST`, `ESOCKET`, `ETIMEOUT`, `ELOGIN`, `ECONNRESET`, ... */
  code?: string;
  /** SQL Server error number, for errors the server sent. */
  number?: number;
  /** Severity; 20 and above end the connection. */
  class?: number;
  state?: number;
  lineNumber?: number;
  procName?: string;
  /** The errors of an AggregateError. */
  errors?: unknown[];
  /** The tedious error an mssql error wraps. */
  originalError?: unknown;
}

/** Error numbers of a missing table, view or schema. */
export const MSSQL_UNDEFINED_RELATION_NUMBERS: ReadonlySet<number> = new Set([
  208, // Invalid object name
  2706, // Table does not exist
  3701, // Cannot drop ... because it does not exist or you do not have permission
  4902, // Cannot find the object because it does not exist or you do not have permissions
  15151, // Cannot find the object/schema because it does not exist or you do not have permission
  2760, // The specified schema name does not exist or you do not have permission to use it
]);

/**
 * Error numbers where retrying may succeed: deadlocks, lock and resource
 * timeouts, broken or throttled connections, failovers (the Azure SQL
 * transient list included).
 */
export const MSSQL_TRANSIENT_NUMBERS: ReadonlySet<number> = new Set([
  -2, // timeout
  20, 64, 121, 233, 10053, 10054, 10060, 10928, 10929, 11001, // network / resource limits
  701, 802, 8645, 8651, // insufficient memory
  1204, 1205, 1222, // lock resources, deadlock victim, lock request timeout
  3960, 3961, // snapshot isolation update conflict
  4221, // login timeout waiting for a replica
  18401, // login failed: server in script upgrade
  40143, 40197, 40501, 40540, 40613, 42108, 42109, 49918, 49919, 49920, // Azure SQL transient errors
]);

/** Error numbers that only say the statement ended, after the message that says why. */
const FOLLOW_UP_NUMBERS = new Set([3621, 3998, 266]);

/** Codes of errors without a server number where retrying may help (connection lost, timeouts). */
const TRANSIENT_CODES = new Set([
  "ESOCKET",
  "ETIMEOUT",
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNCLOSED",
  "ECLOSE",
  "ENOTOPEN",
  "EINSTLOOKUP",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ECANCEL",
]);

/** Severity from which SQL Server closes the connection. */
const FATAL_SEVERITY = 20;

function asRecord(error: unknown): MssqlErrorLike {
  return typeof error === "object" && error !== null ? (error as MssqlErrorLike) : { message: String(error) };
}

/** Every error a failure carries: the error, what it wraps, and each error of an AggregateError. */
function flatten(error: unknown, depth = 0): MssqlErrorLike[] {
  const record = asRecord(error);
  const found: MssqlErrorLike[] = [record];
  if (depth > 3) return found;
  if (record.originalError !== undefined && record.originalError !== error) found.push(...flatten(record.originalError, depth + 1));
  if (Array.isArray(record.errors)) for (const inner of record.errors) found.push(...flatten(inner, depth + 1));
  return found;
}

function describe(errors: MssqlErrorLike[]): string {
  const lines: string[] = [];
  for (const error of errors) {
    if (!error.message || lines.some((l) => l.startsWith(error.message!))) continue;
    let text = error.message;
    if (error.number !== undefined) text += ` [SQL Server error ${error.number}${error.lineNumber ? `, line ${error.lineNumber}` : ""}]`;
    else if (error.code) text += ` [${error.code}]`;
    lines.push(text);
  }
  return lines.join("\n") || "SQL Server error";
}

/**
 * Classifies an error from tedious / mssql by SQL Server error number:
 * 208 (invalid object name), 2706, 3701, 4902, 15151, 2760 →
 * DatabaseUndefinedRelation; 1205 (deadlock victim), 1222 / 1204 (locks),
 * -2 (timeout), 3960 (snapshot conflict), memory, network and the Azure SQL
 * transient numbers (40501, 40613, ...) and any severity ≥ 20 (the server
 * closed the connection) → DatabaseTransientException; every other number
 * (2627 / 2601 key violations, 515 NOT NULL, 8152 / 2628 truncation, 245 /
 * 8114 conversion, 102 syntax, 207 invalid column, 547 constraints, 229 /
 * 262 permissions, 18456 login failed, ...) → DatabaseTerminalException.
 * Errors without a number are transient when the connection broke or timed
 * out (`ESOCKET`, `ETIMEOUT`, `ECONNRESET`, a pool acquire timeout, ...) and
 * terminal otherwise (`ELOGIN`, `EPARAM`, ...). When a request reports many
 * errors, a transient one wins, then an undefined relation; "the statement
 * has been terminated" follow-ups are skipped. The message lists each error
 * with its number; the original error is the `cause`.
 *
 * @example
 * classifyMssqlError({ number: 1205, message: "Transaction ... was deadlocked" }); // DatabaseTransientException
 */
export function classifyMssqlError(error: unknown): DatabaseException {
  if (error instanceof DatabaseException) return error;
  const all = flatten(error);
  const numbered = all.filter((e) => typeof e.number === "number" && !FOLLOW_UP_NUMBERS.has(e.number));
  const message = describe(all);
  const make = (Kind: typeof DatabaseException, code: string | undefined) => new Kind(message, { cause: error, dbCode: code });

  const transient = numbered.find((e) => MSSQL_TRANSIENT_NUMBERS.has(e.number!) || (e.class ?? 0) >= FATAL_SEVERITY);
  if (transient) return make(DatabaseTransientException, String(transient.number));
  const undefinedRelation = numbered.find((e) => MSSQL_UNDEFINED_RELATION_NUMBERS.has(e.number!));
  if (undefinedRelation) return make(DatabaseUndefinedRelation, String(undefinedRelation.number));
  if (numbered.length > 0) return make(DatabaseTerminalException, String(numbered[0]!.number));

  const coded = all.find((e) => typeof e.code === "string" && e.code !== "EREQUEST");
  const code = coded?.code;
  const text = all.map((e) => e.message ?? "").join("\n");
  const brokenConnection =
    (code !== undefined && TRANSIENT_CODES.has(code)) ||
    all.some((e) => e.name === "TimeoutError") ||
    /connection (is )?closed|connection lost|socket hang up|ECONNRESET|Failed to acquire a connection|final state|Connection ended/i.test(text);
  if (brokenConnection) return make(DatabaseTransientException, code);
  return make(DatabaseTerminalException, code);
}
