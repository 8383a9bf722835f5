/**
 * A 64-bit integer the driver gave as text (or a bigint) as dlt-ts keeps it:
 * a number when a double holds it exactly, else a bigint. Never rounded.
 *
 * @example int64Value("9007199254740993") // 9007199254740993n
 */
export function int64Value(value: string | bigint): number | bigint {
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : typeof value === "bigint" ? value : BigInt(value);
}
