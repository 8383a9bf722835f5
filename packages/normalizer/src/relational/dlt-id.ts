import { createHash, randomBytes } from "node:crypto";

/** Bytes of a `_dlt_id`, as dlt (10 bytes → 14 base64 chars). */
const DLT_ID_LENGTH_BYTES = 10;

function shakeBase64(input: string): string {
  return createHash("shake128", { outputLength: DLT_ID_LENGTH_BYTES }).update(input, "utf8").digest("base64").replace(/=+$/, "");
}

/** A random `_dlt_id` for a root row. */
export function randomDltId(): string {
  return randomBytes(DLT_ID_LENGTH_BYTES).toString("base64").replace(/=+$/, "");
}

/** A nested row's id: deterministic from its parent's id, its table and its position. */
export function nestedRowId(parentRowId: string, table: string, listIndex: number): string {
  return shakeBase64(`${parentRowId}_${table}_${listIndex}`);
}

/** A root row's id from its primary key values (upsert merge): the same key gives the same id. */
export function keyHashRowId(row: Record<string, unknown>, primaryKey: readonly string[]): string {
  const key = primaryKey.map((column) => [column, row[column]]);
  return shakeBase64(JSON.stringify(key, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v)));
}
