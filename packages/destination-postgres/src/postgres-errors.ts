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
  /** Context lines; for COPY `COPY <table>, line <n>, column <column>: "<value>"`. */
  where?: string;
  /** 1-based character offset of the error in the statement, as text. */
  position?: string;
}

/**
 * SQLSTATE classes (first two characters) where retrying may help, as dlt's
 * Postgres client treats them (psycopg2's OperationalError and InternalError).
 */
const TRANSIENT_CLASSES: ReadonlyMap<string, string> = new Map([
  ["08", "connection exception"],
  ["40", "transaction rollback: serialization failure 40001, deadlock 40P01"],
  ["53", "insufficient resources: disk full, out of memory, too many connections"],
  ["57", "operator intervention: query canceled 57014 (statement_timeout), admin and crash shutdown 57P01/57P02 (pg_terminate_backend), cannot connect now 57P03"],
  ["58", "system error (I/O)"],
  ["XX", "internal error"],
]);

/** Single SQLSTATEs of otherwise terminal classes that a retry may get past. */
const TRANSIENT_CODES: ReadonlyMap<string, string> = new Map([
  ["55P03", "lock not available (lock_timeout, NOWAIT)"],
  ["55006", "object in use"],
  ["25P03", "idle-in-transaction session timeout"],
  ["25P04", "transaction timeout"],
]);

/** Single SQLSTATEs of transient classes that no retry gets past. */
const TERMINAL_CODES: ReadonlyMap<string, string> = new Map([
  ["40002", "integrity constraint violation at commit (deferred constraint)"],
  ["57P04", "database dropped"],
]);

/** SQLSTATEs of a missing relation or schema. */
const UNDEFINED_RELATION = new Set(["42P01", "3F000"]);

/** Node socket error codes: the connection broke, retrying may help. */
const NETWORK_CODES = new Set(["ECONNRESET", "ECONNREFUSED", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);

/** Longest context text kept: a COPY context quotes the rejected value. */
const MAX_CONTEXT = 500;

/** Where in the data an error happened: what the server reported, or what the failed statement tells. */
interface ErrorPlace {
  table?: string;
  column?: string;
  /** Line of the COPY data (the header is not sent: line 1 is the first record). */
  line?: number;
}

/** Table, column and line of a COPY error from its context (`COPY events, line 3, column created_at: "..."`). */
export function copyErrorPlace(where: string | undefined): ErrorPlace | undefined {
  const match = where && /^COPY ([^,\n]+), line (\d+)(?:, column ([^:\n]+))?/.exec(where);
  if (!match) return undefined;
  return { table: match[1]!, line: Number(match[2]), ...(match[3] ? { column: match[3] } : {}) };
}

/** An identifier as written in SQL (`"a""b"` → `a"b`, `abc` as is). */
function unquote(identifier: string): string {
  const text = identifier.trim();
  return text.startsWith('"') && text.endsWith('"') ? text.slice(1, -1).replace(/""/g, '"') : text;
}

/** Splits `a, "b,c", d` at commas outside double quotes. */
function splitIdentifiers(list: string): string[] {
  const parts: string[] = [];
  let current = "";
  let quoted = false;
  for (const c of list) {
    if (c === '"') quoted = !quoted;
    if (c === "," && !quoted) {
      parts.push(current);
      current = "";
    } else current += c;
  }
  parts.push(current);
  return parts.map(unquote);
}

/** Index of the first `)` at or after `from` outside double quotes, or -1. */
function closingParen(sql: string, from: number): number {
  let quoted = false;
  for (let i = from; i < sql.length; i++) {
    if (sql[i] === '"') quoted = !quoted;
    else if (sql[i] === ")" && !quoted) return i;
  }
  return -1;
}

/**
 * The table and column of the value at `position` (1-based, in characters,
 * as Postgres reports it) of an `INSERT INTO t (a, b) VALUES (...), (...)`
 * statement, or undefined for other statements.
 *
 * @example
 * insertErrorPlace(`INSERT INTO "ds"."t" ("a", "b") VALUES (1, 'x')`, 44); // { table: "t", column: "b" }
 */
export function insertErrorPlace(sql: string, position: number): ErrorPlace | undefined {
  const head = /^\s*INSERT\s+INTO\s+((?:"(?:[^"]|"")*"|[^\s("])+(?:\s*\.\s*(?:"(?:[^"]|"")*"|[^\s("]+))*)\s*\(/i.exec(sql);
  if (!head) return undefined;
  const close = closingParen(sql, head[0].length);
  const values = /\)\s*VALUES\s*/iy;
  values.lastIndex = close;
  if (close < 0 || !values.exec(sql)) return undefined;
  const columns = splitIdentifiers(sql.slice(head[0].length, close));
  const table = unquote(head[1]!.split(/\.(?=(?:[^"]*"[^"]*")*[^"]*$)/).pop()!);
  // Postgres counts characters; JS strings count UTF-16 units.
  const target = [...sql].slice(0, position - 1).join("").length;
  if (target < values.lastIndex) return undefined;
  let depth = 0;
  let field = 0;
  let quote: "'" | "e" | undefined;
  for (let i = values.lastIndex; i < target && i < sql.length; i++) {
    const c = sql[i]!;
    if (quote) {
      if (quote === "e" && c === "\\") i++;
      else if (c === "'" && sql[i + 1] === "'") i++;
      else if (c === "'") quote = undefined;
      continue;
    }
    if (c === "'") quote = /[eE]/.test(sql[i - 1] ?? "") && !/\w/.test(sql[i - 2] ?? "") ? "e" : "'";
    else if (c === "(") {
      depth++;
      if (depth === 1) field = 0;
    } else if (c === ")") depth--;
    else if (c === "," && depth === 1) field++;
  }
  const column = columns[field];
  return column === undefined ? { table } : { table, column };
}

function placeOf(error: PgErrorLike, statement: string | undefined): ErrorPlace {
  const place: ErrorPlace = { ...(error.table ? { table: error.table } : {}), ...(error.column ? { column: error.column } : {}) };
  const copy = copyErrorPlace(error.where);
  const position = Number(error.position);
  const insert = !copy && statement && Number.isInteger(position) && position > 0 ? insertErrorPlace(statement, position) : undefined;
  const found = copy ?? insert;
  if (found) {
    place.table ??= found.table;
    place.column ??= found.column;
    if (found.line !== undefined) place.line = found.line;
  }
  return place;
}

function describe(error: PgErrorLike, statement: string | undefined): string {
  const place = placeOf(error, statement);
  const where: string[] = [];
  if (place.table) where.push(`table "${error.schema && error.table ? `${error.schema}.` : ""}${place.table}"`);
  if (place.column) where.push(`column "${place.column}"`);
  if (error.constraint) where.push(`constraint "${error.constraint}"`);
  if (place.line !== undefined) where.push(`line ${place.line} of the COPY data`);
  let text = error.message ?? String(error);
  if (where.length) text += ` (${where.join(", ")})`;
  if (error.code) text += ` [SQLSTATE ${error.code}]`;
  if (error.detail) text += `\nDetail: ${error.detail}`;
  if (error.hint) text += `\nHint: ${error.hint}`;
  if (error.where && !copyErrorPlace(error.where)) {
    const context = error.where.length > MAX_CONTEXT ? `${error.where.slice(0, MAX_CONTEXT)}…` : error.where;
    text += `\nContext: ${context}`;
  }
  return text;
}

/** Whether a SQLSTATE names a condition a retry may get past (see {@link classifyPostgresError}). */
export function isTransientSqlState(code: string): boolean {
  if (TERMINAL_CODES.has(code)) return false;
  return TRANSIENT_CODES.has(code) || TRANSIENT_CLASSES.has(code.slice(0, 2));
}

/**
 * Classifies an error from `pg` by SQLSTATE, as dlt's Postgres client does:
 *
 * - 42P01 (undefined table), 3F000 (undefined schema) → DatabaseUndefinedRelation;
 * - transient → DatabaseTransientException: classes 08 (connection), 40
 *   (serialization failure 40001, deadlock 40P01), 53 (resources), 57 (query
 *   canceled 57014, admin shutdown 57P01 from pg_terminate_backend, crash
 *   shutdown 57P02, cannot connect now 57P03), 58 (I/O), XX (internal); and
 *   55P03 (lock not available: `lock_timeout`, NOWAIT), 55006 (object in
 *   use), 25P03/25P04 (idle-in-transaction and transaction timeouts);
 * - every other SQLSTATE → DatabaseTerminalException: 22 (data: out of range
 *   22003, bad datetime 22007/22008, ...), 23 (integrity), 42 (syntax,
 *   undefined column, privileges), 54 (program limits: 54011 too many
 *   columns), 28 (authentication), 0A (not supported), and 40002
 *   (deferred constraint at commit), 57P04 (database dropped).
 *
 * Errors without a SQLSTATE are transient when the connection broke (socket
 * errors, "Connection terminated", timeouts) and terminal otherwise. The
 * message names the table, the column (from the server's fields, the COPY
 * context, or the position in `statement` of a failed INSERT), the
 * constraint and the COPY line where known; the original error is the `cause`.
 */
export function classifyPostgresError(error: unknown, statement?: string): DatabaseException {
  if (error instanceof DatabaseException) return error;
  const pg = (typeof error === "object" && error !== null ? error : { message: String(error) }) as PgErrorLike;
  const code = typeof pg.code === "string" ? pg.code : undefined;
  const message = describe(pg, statement);
  if (code && /^[0-9A-Z]{5}$/.test(code)) {
    if (UNDEFINED_RELATION.has(code)) return new DatabaseUndefinedRelation(message, { cause: error, dbCode: code });
    if (isTransientSqlState(code)) return new DatabaseTransientException(message, { cause: error, dbCode: code });
    return new DatabaseTerminalException(message, { cause: error, dbCode: code });
  }
  const text = pg.message ?? "";
  if ((code && NETWORK_CODES.has(code)) || /connection terminated|terminated unexpectedly|not queryable|timeout|ECONNRESET|socket/i.test(text)) {
    return new DatabaseTransientException(message, { cause: error, dbCode: code });
  }
  return new DatabaseTerminalException(message, { cause: error, dbCode: code });
}
