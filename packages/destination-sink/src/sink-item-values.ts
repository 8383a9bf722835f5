/**
 * The JS values a sink's items carry, made from what job files store. One
 * form per dlt type whatever the file format (see the package README):
 * timestamps, dates and times as ISO-8601 text (a JS Date holds
 * milliseconds only), decimals as exact text, binary as a Buffer, integers
 * as a number when safe and a bigint beyond.
 */

/** Turns one stored value (never null) of a column into what a sink receives. */
export type ValueFix = (value: unknown) => unknown;

/** Columns whose values need a fix, by name. */
export type ColumnFixes = readonly (readonly [name: string, fix: ValueFix])[];

const MICROS_PER_SECOND = 1_000_000n;
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MS_PER_DAY = 86_400_000;

/** A bigint as a number when it is a safe integer, else as it is. */
export function safeInteger(value: bigint): number | bigint {
  return value >= MIN_SAFE && value <= MAX_SAFE ? Number(value) : value;
}

/**
 * Microseconds since the epoch as ISO-8601 text: `YYYY-MM-DDTHH:MM:SS[.f…]Z`
 * with the fraction digits needed (at most 6), or without the `Z` for a
 * naive (not UTC-adjusted) timestamp.
 */
export function timestampText(micros: bigint, zoned: boolean): string {
  const seconds = floorDiv(micros, MICROS_PER_SECOND);
  const whole = new Date(Number(seconds) * 1000).toISOString().slice(0, 19);
  return `${whole}${fractionText(micros - seconds * MICROS_PER_SECOND)}${zoned ? "Z" : ""}`;
}

/** Microseconds since midnight as `HH:MM:SS[.f…]` (fraction digits as needed, at most 6). */
export function timeText(micros: bigint): string {
  const seconds = floorDiv(micros, MICROS_PER_SECOND);
  const s = Number(seconds);
  const clock = [Math.floor(s / 3600), Math.floor(s / 60) % 60, s % 60].map((part) => String(part).padStart(2, "0")).join(":");
  return `${clock}${fractionText(micros - seconds * MICROS_PER_SECOND)}`;
}

/** Days since the epoch as `YYYY-MM-DD`. */
export function dateText(days: number): string {
  return new Date(days * MS_PER_DAY).toISOString().slice(0, 10);
}

/** An unscaled decimal as exact text without exponent: `-12.5`, `100` (trailing fraction zeros dropped). */
export function decimalText(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString();
  const sign = negative ? "-" : "";
  if (scale <= 0) return `${sign}${digits}${"0".repeat(-scale)}`;
  const padded = digits.padStart(scale + 1, "0");
  const fraction = padded.slice(-scale).replace(/0+$/, "");
  return `${sign}${padded.slice(0, -scale)}${fraction === "" ? "" : `.${fraction}`}`;
}

/** A two's-complement big-endian integer (parquet's DECIMAL bytes). */
export function bytesToBigint(bytes: Uint8Array): bigint {
  if (bytes.length === 0) return 0n;
  const value = BigInt(`0x${asBuffer(bytes).toString("hex")}`);
  return bytes[0]! & 0x80 ? value - (1n << BigInt(bytes.length * 8)) : value;
}

/**
 * A JSON value of a decimal column as exact text: a string as it is, a
 * bigint's digits, a number without exponent (`1e-7` → `0.0000001`).
 */
export function toDecimalText(value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (typeof value !== "number" || !Number.isFinite(value)) return value;
  const text = String(value);
  const e = text.indexOf("e");
  if (e === -1) return text;
  // Shortest round-trip digits with an exponent: move the point.
  const negative = text.startsWith("-");
  const mantissa = text.slice(negative ? 1 : 0, e);
  const point = mantissa.indexOf(".");
  const digits = mantissa.replace(".", "");
  const exponent = Number(text.slice(e + 1)) + (point === -1 ? mantissa.length : point) - digits.length;
  return `${negative ? "-" : ""}${decimalText(BigInt(digits), -exponent)}`;
}

/** A Buffer viewing the same memory (Buffer is a Uint8Array with Node's helpers). */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function fractionText(micros: bigint): string {
  return micros === 0n ? "" : `.${micros.toString().padStart(6, "0").replace(/0+$/, "")}`;
}

export function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}
