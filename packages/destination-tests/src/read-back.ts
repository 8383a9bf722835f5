import type { DataType, SqlClient, SqlRow } from "@dlt-ts/core";

/**
 * Values read back from a destination, brought to one form per dlt type so
 * that drivers that return different JS types for the same stored value
 * compare equal (`1` and `true` for a bool, a Date and an ISO string for a
 * timestamp, a Buffer and `\x…` text for binary). The value itself must be
 * exact: a rounded decimal or a shifted timestamp never compares equal.
 */
export function canonical(dataType: DataType, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (dataType) {
    case "text":
      return String(value);
    case "double":
      return Number(value);
    case "bool":
      return canonicalBool(value);
    case "bigint":
      return canonicalInteger(value);
    case "decimal":
    case "wei":
      return canonicalDecimal(value);
    case "timestamp":
      return canonicalTimestamp(value);
    case "date":
      return canonicalDate(value);
    case "time":
      return canonicalTime(value);
    case "binary":
      return canonicalBinary(value);
    case "json":
      return typeof value === "string" ? (JSON.parse(value) as unknown) : value;
    default:
      return value;
  }
}

function canonicalBool(value: unknown): unknown {
  if (typeof value === "boolean") return value;
  if (value === 1 || value === 1n || value === "1" || value === "t" || value === "true") return true;
  if (value === 0 || value === 0n || value === "0" || value === "f" || value === "false") return false;
  return `not a bool: ${String(value)}`;
}

function canonicalInteger(value: unknown): string {
  if (typeof value === "number" && !Number.isSafeInteger(value)) return `unsafe number ${value}`;
  try {
    return BigInt(String(value)).toString();
  } catch {
    return `not an integer: ${String(value)}`;
  }
}

/** Plain digits without trailing fraction zeros: `1.50` → `1.5`, `2.000` → `2`, `-0.0` → `0`. */
export function canonicalDecimal(value: unknown): string {
  let text = String(value);
  if (/e/i.test(text)) return `exponent form ${text}`;
  const negative = text.startsWith("-");
  if (negative) text = text.slice(1);
  let [whole = "0", fraction = ""] = text.split(".");
  whole = whole.replace(/^0+(?=\d)/, "");
  fraction = fraction.replace(/0+$/, "");
  const digits = fraction ? `${whole}.${fraction}` : whole;
  return negative && digits !== "0" ? `-${digits}` : digits;
}

/** Milliseconds since the epoch; text without a zone is UTC, as dlt stores naive timestamps. */
function canonicalTimestamp(value: unknown): number | string {
  if (value instanceof Date) return value.getTime();
  if (typeof value === "number" || typeof value === "bigint") return `number ${String(value)}`;
  const text = String(value).trim().replace(" ", "T");
  const zoned = /[zZ]|[+-]\d\d(:?\d\d)?$/.test(text) ? text : `${text}Z`;
  const ms = Date.parse(zoned.replace(/(\.\d{3})\d+/, "$1"));
  return Number.isNaN(ms) ? `not a timestamp: ${String(value)}` : ms;
}

/** `YYYY-MM-DD`. A Date at local or UTC midnight means that calendar day. */
function canonicalDate(value: unknown): string {
  if (value instanceof Date) {
    const utcMidnight = value.getUTCHours() === 0 && value.getUTCMinutes() === 0 && value.getUTCSeconds() === 0;
    const [y, m, d] = utcMidnight
      ? [value.getUTCFullYear(), value.getUTCMonth() + 1, value.getUTCDate()]
      : [value.getFullYear(), value.getMonth() + 1, value.getDate()];
    return `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
  }
  return String(value).slice(0, 10);
}

/** `HH:MM:SS[.fraction]` without trailing fraction zeros. */
function canonicalTime(value: unknown): string {
  const text = String(value);
  const match = /^(\d{2}:\d{2}:\d{2})(\.\d+)?/.exec(text);
  if (!match) return `not a time: ${text}`;
  const fraction = (match[2] ?? "").replace(/\.?0+$/, "");
  return `${match[1]}${fraction}`;
}

function canonicalBinary(value: unknown): string {
  if (value instanceof Uint8Array) return Buffer.from(value).toString("hex");
  if (typeof value === "string" && value.startsWith("\\x")) return value.slice(2).toLowerCase();
  return `not binary: ${String(value)}`;
}

/**
 * The value of `column` in a row, whatever case the destination stores
 * identifiers in (`ID` on a case-folding database, `id` elsewhere).
 */
export function columnValue(row: SqlRow, column: string, client: SqlClient): unknown {
  if (column in row) return row[column];
  const folded = client.capabilities.casefoldIdentifier(column);
  if (folded in row) return row[folded];
  const lower = column.toLowerCase();
  const key = Object.keys(row).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : row[key];
}

/** Every row of a table in the client's dataset. */
export function selectAll(client: SqlClient, table: string): Promise<SqlRow[]> {
  return client.query(`SELECT * FROM ${client.makeQualifiedTableName(table)}`);
}

/** Rows of a table, each reduced to the given columns as canonical values, sorted by the first of them. */
export async function readRows(client: SqlClient, table: string, columns: Record<string, DataType>): Promise<Record<string, unknown>[]> {
  const rows = await selectAll(client, table);
  const names = Object.keys(columns);
  const result = rows.map((row) => Object.fromEntries(names.map((name) => [name, canonical(columns[name]!, columnValue(row, name, client))])));
  const first = names[0]!;
  return result.sort((a, b) => compareValues(a[first], b[first]));
}

function compareValues(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  if (typeof a === "string" && typeof b === "string" && /^-?\d+$/.test(a) && /^-?\d+$/.test(b)) {
    const diff = BigInt(a) - BigInt(b);
    return diff < 0n ? -1 : diff > 0n ? 1 : 0;
  }
  return String(a) < String(b) ? -1 : 1;
}

/** `SELECT count(*)` of a table as a number. */
export async function countRows(client: SqlClient, table: string): Promise<number> {
  const [row] = await client.query(`SELECT count(*) AS n FROM ${client.makeQualifiedTableName(table)}`);
  return Number(columnValue(row!, "n", client));
}
