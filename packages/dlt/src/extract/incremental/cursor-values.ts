import { createHash } from "node:crypto";
import { IncrementalCursorInvalidCoercion } from "./incremental-exceptions.js";

/*
 * Cursor values as dlt compares them: numbers and bigints by value, Dates
 * and ISO-8601 strings by the instant they name (to the microsecond, across
 * offsets), other strings as strings.
 */

const ISO_DATE_TIME = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/** Microseconds since the epoch of an ISO date or timestamp string (no zone = UTC), else undefined. */
export function isoToMicros(value: string): bigint | undefined {
  const m = ISO_DATE_TIME.exec(value);
  if (!m) return undefined;
  const zone = !m[6] || m[6].toUpperCase() === "Z" ? "Z" : m[6].length === 3 ? `${m[6]}:00` : m[6].replace(/^([+-]\d{2})(\d{2})$/, "$1:$2");
  const ms = Date.parse(`${m[1]}T${m[2] ?? "00"}:${m[3] ?? "00"}:${m[4] ?? "00"}${zone}`);
  if (Number.isNaN(ms)) return undefined;
  const micros = (m[5] ?? "").padEnd(6, "0").slice(0, 6);
  return BigInt(ms) * 1000n + BigInt(micros);
}

type Ordered =
  | { kind: "number"; value: number | bigint }
  | { kind: "instant"; value: bigint }
  | { kind: "decimal"; value: string }
  | { kind: "text"; value: string };

/** An exact decimal as text (what numeric columns read back as): `-12.50`, `007`. */
const DECIMAL_TEXT = /^-?\d+(\.\d+)?$/;

function ordered(value: unknown): Ordered | undefined {
  if (typeof value === "number" || typeof value === "bigint") return { kind: "number", value };
  if (value instanceof Date) return { kind: "instant", value: BigInt(value.getTime()) * 1000n };
  if (typeof value === "string") {
    const micros = isoToMicros(value);
    if (micros !== undefined) return { kind: "instant", value: micros };
    return DECIMAL_TEXT.test(value) ? { kind: "decimal", value } : { kind: "text", value };
  }
  return undefined;
}

function compareNumbers(a: number | bigint, b: number | bigint): number {
  if (typeof a === typeof b) return a < b ? -1 : a > b ? 1 : 0;
  // A bigint against a fraction: compare as doubles; against an integer: exactly.
  const x = typeof a === "number" && !Number.isInteger(a) ? a : typeof a === "number" ? BigInt(a) : a;
  const y = typeof b === "number" && !Number.isInteger(b) ? b : typeof b === "number" ? BigInt(b) : b;
  if (typeof x === "number" || typeof y === "number") return Number(x) < Number(y) ? -1 : Number(x) > Number(y) ? 1 : 0;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Orders two exact decimal strings by value (`"9.5"` before `"10.0"`), at the scale of the longer fraction. */
function compareDecimals(a: string, b: string): number {
  const [ai = "0", af = ""] = a.replace("-", "").split(".");
  const [bi = "0", bf = ""] = b.replace("-", "").split(".");
  const scale = Math.max(af.length, bf.length);
  const x = BigInt(ai + af.padEnd(scale, "0")) * (a.startsWith("-") ? -1n : 1n);
  const y = BigInt(bi + bf.padEnd(scale, "0")) * (b.startsWith("-") ? -1n : 1n);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Where a comparison happens, for the error when two values cannot be compared. */
export interface CursorContext {
  resource: string;
  cursorPath: string;
}

/** Orders two cursor values: negative, zero or positive. */
export function compareCursorValues(a: unknown, b: unknown, context: CursorContext): number {
  const x = ordered(a);
  const y = ordered(b);
  if (x && y && x.kind === y.kind) {
    if (x.kind === "number") return compareNumbers(x.value, y.value as number | bigint);
    if (x.kind === "decimal") return compareDecimals(x.value, y.value as string);
    return x.value < y.value ? -1 : x.value > y.value ? 1 : 0;
  }
  // A decimal string against a number (a numeric cursor against a numeric initialValue).
  if (x && y && (x.kind === "decimal" || y.kind === "decimal") && (x.kind === "number" || y.kind === "number")) {
    return compareDecimals(String(x.value), String(y.value));
  }
  throw new IncrementalCursorInvalidCoercion(context.resource, context.cursorPath, a, b);
}

/** The value at a dotted cursor path (`updated_at`, `payload.updated_at`, `$.payload.updated_at`); undefined when any step is missing. */
export function valueAtPath(row: Record<string, unknown>, cursorPath: string): unknown {
  let current: unknown = row;
  for (const step of cursorPath.replace(/^\$\./, "").split(".")) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[step];
  }
  return current;
}

/**
 * Moves a cursor value back by `lag` (forward for "min"): seconds for a
 * Date or a timestamp string, days for a date string, units for a number.
 * A string stays a string (ISO, UTC).
 */
export function applyLag(value: unknown, lag: number, direction: "max" | "min"): unknown {
  const sign = direction === "max" ? -1 : 1;
  if (typeof value === "number") return value + sign * lag;
  if (typeof value === "bigint") return value + BigInt(sign * Math.trunc(lag));
  if (value instanceof Date) return new Date(value.getTime() + sign * lag * 1000);
  if (typeof value === "string") {
    const micros = isoToMicros(value);
    if (micros !== undefined) {
      if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
        return new Date(Number(micros / 1000n) + sign * lag * 86_400_000).toISOString().slice(0, 10);
      }
      const shifted = micros + BigInt(Math.round(sign * lag * 1_000_000));
      const ms = shifted / 1000n;
      const fraction = String(shifted % 1000000n).padStart(6, "0");
      return `${new Date(Number(ms)).toISOString().slice(0, 19)}.${fraction}Z`;
    }
  }
  throw new TypeError(`lag works on numbers, Dates and ISO date or timestamp strings, not on ${JSON.stringify(value)}`);
}

/** Stable JSON: keys sorted, bigints as digits, Dates as ISO text. */
function stableJson(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (value instanceof Uint8Array) return JSON.stringify(Buffer.from(value).toString("base64"));
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (typeof value === "object") {
    const entries = Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${stableJson((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(",")}}`;
  }
  return JSON.stringify(value);
}

/** A short hash of a row's key values (or of the whole row): what boundary deduplication remembers. */
export function rowHash(value: unknown): string {
  return createHash("sha256").update(stableJson(value)).digest("base64").slice(0, 22);
}
