/**
 * A JSON.stringify replacer that writes bigint values as their digits
 * (JSON.stringify throws on a bigint otherwise).
 */
export function bigintAsDigits(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? value.toString() : value;
}
