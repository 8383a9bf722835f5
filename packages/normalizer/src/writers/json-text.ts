import { bytesToBase64 } from "./binary-values.js";
import { exactNumberText } from "./decimal-values.js";
import { ValueConversionError } from "./value-conversion-error.js";

/** Deeper nesting is taken for a cycle (JSON.stringify would throw on one too). */
const MAX_DEPTH = 1000;

/**
 * JSON text of a value, like `JSON.stringify` except that:
 * - a bigint is written as a JSON number with all its digits (`12345678901234567890`),
 *   never rounded through a double and never an error; an integral number
 *   beyond 2^53 with the digits of its exact value (`4611686018427387904`);
 * - -0 is written as `-0.0` (JSON.parse gives -0 back; DuckDB reads a bare `-0` as the integer 0);
 * - a Uint8Array is written as a base64 string (RFC 4648, with padding);
 * - a Date is written as its ISO string (as `Date.prototype.toJSON`), an
 *   invalid Date as null.
 * - a lone surrogate (half of a UTF-16 pair) becomes U+FFFD, as it does in
 *   every UTF-8 file: JSON's `\ud800` escape of it is rejected by DuckDB and Postgres.
 * Non-finite numbers become null and `undefined` members are left out, as in
 * `JSON.stringify`. Objects with a `toJSON` method are serialized from its result.
 */
export function toJsonText(value: unknown): string {
  return wellFormed(jsonText(value));
}

function jsonText(value: unknown): string {
  // Native JSON.stringify is several times faster and agrees on everything but
  // bigint and binary values: use it whenever the value holds neither.
  if (!holdsBigintOrBinary(value, 0)) {
    try {
      return JSON.stringify(value) ?? "null";
    } catch {
      // A cycle: the walk below reports it as a conversion error.
    }
  }
  return write(value, 0) ?? "null";
}

/** `\udXXX` escapes not themselves escaped (an even run of backslashes before them). */
const LONE_SURROGATE_ESCAPE = /(?<!\\)((?:\\\\)*)\\ud[89a-f][0-9a-f]{2}/g;

/**
 * JSON text with the escapes of lone surrogates replaced by U+FFFD.
 * JSON.stringify writes a lone surrogate (half of a UTF-16 pair) as `\ud800`,
 * which UTF-8 cannot encode: DuckDB and Postgres reject such JSON, and text
 * columns get U+FFFD from the UTF-8 file anyway, so json values get the same.
 */
function wellFormed(text: string): string {
  // A scan for `\ud` costs far less than the stringify before it; the replace runs only for lone surrogates.
  return text.includes("\\ud") ? text.replace(LONE_SURROGATE_ESCAPE, "$1\ufffd") : text;
}

function holdsBigintOrBinary(value: unknown, depth: number): boolean {
  if (typeof value === "bigint") return true;
  // JSON.stringify writes an integer beyond 2^53 with rounded digits (2 ** 62 → 4611686018427388000), and -0 as 0.
  if (typeof value === "number") return value === 0 ? 1 / value < 0 : Number.isInteger(value) && !Number.isSafeInteger(value);
  if (value === null || typeof value !== "object") return false;
  if (value instanceof Uint8Array || depth >= MAX_DEPTH) return true;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (holdsBigintOrBinary(value[i], depth + 1)) return true;
    return false;
  }
  if (value instanceof Date) return false;
  // toJSON may return anything: leave such objects to the careful walk.
  if (typeof (value as { toJSON?: unknown }).toJSON === "function") return true;
  for (const key in value) if (holdsBigintOrBinary((value as Record<string, unknown>)[key], depth + 1)) return true;
  return false;
}

/** Returns undefined for values JSON has no text for (undefined, functions, symbols). */
function write(value: unknown, depth: number): string | undefined {
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "number":
      return Number.isFinite(value) ? jsonNumberText(value) : "null";
    case "bigint":
      return value.toString();
    case "boolean":
      return value ? "true" : "false";
    case "object":
      return value === null ? "null" : writeObject(value, depth);
    default:
      return undefined;
  }
}

function jsonNumberText(value: number): string {
  return value === 0 && 1 / value < 0 ? "-0.0" : exactNumberText(value);
}

function writeObject(value: object, depth: number): string | undefined {
  if (depth >= MAX_DEPTH) {
    throw new ValueConversionError(`json value is nested deeper than ${MAX_DEPTH} levels (a cycle?)`);
  }
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? "null" : `"${value.toISOString()}"`;
  if (value instanceof Uint8Array) return `"${bytesToBase64(value)}"`;
  if (Array.isArray(value)) {
    let out = "[";
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ",";
      out += write(value[i], depth + 1) ?? "null";
    }
    return `${out}]`;
  }
  const withToJson = value as { toJSON?: () => unknown };
  if (typeof withToJson.toJSON === "function") return write(withToJson.toJSON(), depth + 1);
  let out = "{";
  let first = true;
  for (const key of Object.keys(value)) {
    const member = write((value as Record<string, unknown>)[key], depth + 1);
    if (member === undefined) continue;
    out += `${first ? "" : ","}${JSON.stringify(key)}:${member}`;
    first = false;
  }
  return `${out}}`;
}
