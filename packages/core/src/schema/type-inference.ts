import type { DataType } from "./data-types.js";
import { isIsoTimestamp } from "./iso-timestamp.js";

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * The dlt type of a JS value, or undefined for null/undefined (no column is
 * created until a non-null value arrives). Integers are `bigint` and other
 * numbers `double`, as dlt types Python ints and floats (integral numbers
 * beyond 64 bits too: a JS number that large is already rounded); `bigint` values
 * beyond 64 bits are `wei`; strings become `timestamp` when the
 * `iso_timestamp` detection is on and they are ISO-8601 date-times.
 * Objects and arrays reaching here are stored as `json`.
 */
export function inferDataType(value: unknown, detections: readonly string[]): DataType | undefined {
  switch (typeof value) {
    case "string":
      if (detections.includes("iso_timestamp") && isIsoTimestamp(value)) return "timestamp";
      return "text";
    case "number":
      // An integral number beyond 64 bits is a rounded double already (JSON.parse made it one): a double it stays.
      return isInt64Number(value) ? "bigint" : "double";
    case "boolean":
      return "bool";
    case "bigint":
      return value < INT64_MIN || value > INT64_MAX ? "wei" : "bigint";
    case "object":
      if (value === null) return undefined;
      if (value instanceof Date) return "timestamp";
      if (value instanceof Uint8Array) return "binary";
      return "json";
    case "undefined":
      return undefined;
    default:
      return "text";
  }
}

export function fitsInt64(value: bigint): boolean {
  return value >= INT64_MIN && value <= INT64_MAX;
}

/** 2^63, exactly representable as a double. */
const INT64_LIMIT = 2 ** 63;

/** Whether a JS number is an integer a 64-bit integer column can hold. */
export function isInt64Number(value: number): boolean {
  return Number.isInteger(value) && value >= -INT64_LIMIT && value < INT64_LIMIT;
}
