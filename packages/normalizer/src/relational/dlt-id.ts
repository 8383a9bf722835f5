import { createHash, randomBytes } from "node:crypto";
import { bigintAsDigits } from "@dlt-ts/core";

/** Bytes of a `_dlt_id`, as dlt (10 bytes → 14 base64 chars). */
const DLT_ID_LENGTH_BYTES = 10;
/** Base64 of 10 bytes without its `==` padding. */
const DLT_ID_LENGTH_CHARS = 14;
/** Ids drawn per call to the system's random source: one call per row costs more than the rest of the row's ids. */
const RANDOM_POOL_IDS = 4096;

let randomPool = Buffer.alloc(0);
let randomOffset = 0;

function shakeBase64(input: string): string {
  return createHash("shake128", { outputLength: DLT_ID_LENGTH_BYTES })
    .update(input, "utf8")
    .digest("base64")
    .slice(0, DLT_ID_LENGTH_CHARS);
}

/** A random `_dlt_id` for a root row. */
export function randomDltId(): string {
  if (randomOffset + DLT_ID_LENGTH_BYTES > randomPool.length) {
    randomPool = randomBytes(DLT_ID_LENGTH_BYTES * RANDOM_POOL_IDS);
    randomOffset = 0;
  }
  const start = randomOffset;
  randomOffset += DLT_ID_LENGTH_BYTES;
  return randomPool.toString("base64", start, randomOffset).slice(0, DLT_ID_LENGTH_CHARS);
}

/** A nested row's id: deterministic from its parent's id, its table and its position. */
export function nestedRowId(parentRowId: string, table: string, listIndex: number): string {
  return shakeBase64(`${parentRowId}_${table}_${listIndex}`);
}

/**
 * A root row's id from its primary key values (upsert merge): the same key
 * gives the same id. As dlt's key hash: compact JSON of the key columns with
 * their names sorted, shake128 to 10 bytes, base64 — so a row loaded by dlt
 * and by dlt-ts gets the same `_dlt_id` (for the values both serialize alike:
 * text, integers, booleans).
 */
export function keyHashRowId(row: Record<string, unknown>, primaryKey: readonly string[]): string {
  const fields = [...primaryKey].sort().map((column) => `${JSON.stringify(column)}:${keyValueJson(row[column])}`);
  return shakeBase64(`{${fields.join(",")}}`);
}

/** A key value as dlt's JSON writes it: a bigint as bare digits (a JSON number), not as a string. */
function keyValueJson(value: unknown): string {
  if (typeof value === "bigint") return value.toString();
  return JSON.stringify(value, bigintAsDigits) ?? "null";
}

/**
 * A root row's id from the whole item (scd2 row version), as dlt's row hash:
 * JSON of the item without its `_dlt*` fields, object keys sorted at every
 * level, shake128 to 10 bytes, base64. A change anywhere in the item, nested
 * lists included, gives a new id.
 */
export function itemHashRowId(item: Record<string, unknown>): string {
  const fields = Object.keys(item)
    .filter((key) => !key.startsWith("_dlt"))
    .sort()
    .map((key) => `${JSON.stringify(key)}:${sortedJson(item[key])}`);
  return shakeBase64(`{${fields.join(",")}}`);
}

function sortedJson(value: unknown): string {
  if (typeof value === "bigint") return value.toString();
  if (Array.isArray(value)) return `[${value.map((v) => sortedJson(v ?? null)).join(",")}]`;
  if (value !== null && typeof value === "object" && !(value instanceof Date) && !(value instanceof Uint8Array)) {
    const record = value as Record<string, unknown>;
    const fields = Object.keys(record)
      .filter((key) => record[key] !== undefined)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${sortedJson(record[key])}`);
    return `{${fields.join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}
