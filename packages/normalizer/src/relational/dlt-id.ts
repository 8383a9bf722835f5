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

/** A root row's id from its primary key values (upsert merge): the same key gives the same id. */
export function keyHashRowId(row: Record<string, unknown>, primaryKey: readonly string[]): string {
  const key = primaryKey.map((column) => [column, row[column]]);
  return shakeBase64(JSON.stringify(key, bigintAsDigits));
}
