import { bigintAsDigits } from "../common/json-bigint.js";
import type { DataType } from "./data-types.js";
import { fitsInt64, isInt64Number } from "./type-inference.js";
import { epochSecondsToUtcText, isIsoDate, isIsoTime, toUtcTimestampText } from "./iso-timestamp.js";

/** Returned when a value cannot take the column's type: it goes to a variant column. */
export const NOT_COERCIBLE: unique symbol = Symbol("dlt-ts:not-coercible");

const NUMERIC = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const INTEGER = /^[+-]?\d+$/;
const HEX = /^0x[0-9a-fA-F]+$/;

/**
 * Converts `value` (of inferred type `from`) to the column type `to`, the way
 * dlt coerces: anything becomes text; numbers convert among themselves when
 * no precision is lost; numeric strings parse into numbers; ISO strings and
 * epoch seconds become canonical UTC timestamp text (`…Z`, microseconds
 * kept: never a Date, which holds milliseconds only). Returns NOT_COERCIBLE
 * otherwise.
 */
export function coerceValue(to: DataType, from: DataType, value: unknown): unknown {
  if (to === from) return value;
  switch (to) {
    case "text":
      return toText(value);
    case "double":
      if (typeof value === "number") return value;
      if (typeof value === "bigint") return Number(value);
      if (typeof value === "string" && NUMERIC.test(value.trim())) return Number(value);
      return NOT_COERCIBLE;
    case "bigint":
      return toBigint(value);
    case "wei":
    case "decimal":
      if (typeof value === "bigint") return value;
      if (typeof value === "number" && Number.isFinite(value)) return value;
      if (typeof value === "string" && NUMERIC.test(value.trim())) return value.trim();
      if (typeof value === "string" && HEX.test(value)) return BigInt(value);
      return NOT_COERCIBLE;
    case "bool":
      if (value === "true" || value === "false") return value === "true";
      if ((typeof value === "number" || typeof value === "bigint") && (value == 0 || value == 1)) return value == 1;
      return NOT_COERCIBLE;
    case "timestamp":
      if (typeof value === "string") return toUtcTimestampText(value) ?? NOT_COERCIBLE;
      if (typeof value === "number") return epochSecondsToUtcText(value) ?? NOT_COERCIBLE;
      return NOT_COERCIBLE;
    case "date":
      if (typeof value === "string" && isIsoDate(value)) return value;
      // A timestamp is canonical text here (UTC, or naive): its date is the first 10 characters.
      if (typeof value === "string" && from === "timestamp") return value.slice(0, 10);
      if (value instanceof Date) return value.toISOString().slice(0, 10);
      return NOT_COERCIBLE;
    case "time":
      return typeof value === "string" && isIsoTime(value) ? value : NOT_COERCIBLE;
    case "json":
      return from === "text" ? NOT_COERCIBLE : value;
    case "binary":
      return NOT_COERCIBLE;
  }
}

function toText(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString("base64");
  if (typeof value === "object" && value !== null) return JSON.stringify(value, bigintAsDigits);
  return String(value);
}

function toBigint(value: unknown): unknown {
  if (typeof value === "number") return isInt64Number(value) ? value : NOT_COERCIBLE;
  if (typeof value === "bigint") return fitsInt64(value) ? value : NOT_COERCIBLE;
  if (typeof value === "string") {
    const s = value.trim();
    if (INTEGER.test(s) || HEX.test(s)) {
      const n = BigInt(s);
      if (!fitsInt64(n)) return NOT_COERCIBLE;
      return Number.isSafeInteger(Number(n)) ? Number(n) : n;
    }
  }
  return NOT_COERCIBLE;
}
