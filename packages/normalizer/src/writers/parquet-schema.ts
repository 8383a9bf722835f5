import type { ColumnSchema, DestinationCapabilities } from "@dlt-ts/core";
import type { ParquetWriter } from "hyparquet-writer";
import { bytesToBase64, toBytes } from "./binary-values.js";
import { toUnscaledDecimal } from "./decimal-values.js";
import { toJsonText } from "./json-text.js";
import { formatTimestamp, toEpochDays, toEpochMicrosInt64, toTimeMicros } from "./temporal-values.js";
import { ValueConversionError } from "./value-conversion-error.js";

/** hyparquet's SchemaElement, taken from the writer so hyparquet need not be a direct dependency. */
export type ParquetSchemaElement = ConstructorParameters<typeof ParquetWriter>[0]["schema"][number];

/** Turns a non-null value into what the column's PLAIN encoder takes (see `parquet/column-chunk-buffer.ts`). */
export type ParquetValueConverter = (value: unknown) => unknown;

/** How one dlt column is stored in parquet. */
export interface ParquetColumnPlan {
  element: ParquetSchemaElement;
  convert: ParquetValueConverter;
  /** A string is stored as it is (text columns): the writer need not call `convert` for one. */
  takesStringAsIs?: boolean;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * The parquet type of each dlt data type (all columns OPTIONAL; NOT NULL is
 * the destination's business):
 *
 * | dlt | parquet |
 * |---|---|
 * | text | BYTE_ARRAY, STRING |
 * | double | DOUBLE |
 * | bool | BOOLEAN |
 * | bigint | INT64 (precision hints ignored) |
 * | timestamp | INT64, TIMESTAMP(MICROS, isAdjustedToUTC = `timezone` hint, default true) |
 * | date | INT32, DATE |
 * | time | INT64, TIME(MICROS, not UTC-adjusted) |
 * | binary | BYTE_ARRAY |
 * | json | BYTE_ARRAY, JSON (UTF-8 JSON text; bigint digits kept exact) |
 * | decimal | FIXED_LEN_BYTE_ARRAY, DECIMAL(p, s): the column's precision/scale, else `capabilities.decimalPrecision` |
 * | wei | FIXED_LEN_BYTE_ARRAY, DECIMAL(p, s): the column's precision/scale, else `capabilities.weiPrecision` |
 *
 * Decimals are exact: values become unscaled integers (extra fraction digits
 * rounded half away from zero); a value with more digits than the precision
 * is an error rather than a silently wrapped number.
 */
export function parquetColumnPlan(column: ColumnSchema, capabilities: DestinationCapabilities): ParquetColumnPlan {
  const name = column.name;
  const repetition_type = "OPTIONAL" as const;
  switch (column.dataType) {
    case "double":
      return { element: { name, repetition_type, type: "DOUBLE" }, convert: toDouble };
    case "bool":
      return { element: { name, repetition_type, type: "BOOLEAN" }, convert: toBoolean };
    case "bigint":
      return { element: { name, repetition_type, type: "INT64" }, convert: toInt64 };
    case "timestamp": {
      const isAdjustedToUTC = column.timezone !== false;
      return {
        element: {
          name,
          repetition_type,
          type: "INT64",
          // The legacy converted type implies UTC, so only UTC-adjusted columns carry it.
          ...(isAdjustedToUTC ? { converted_type: "TIMESTAMP_MICROS" as const } : {}),
          logical_type: { type: "TIMESTAMP", isAdjustedToUTC, unit: "MICROS" },
        },
        convert: toEpochMicrosInt64,
      };
    }
    case "date":
      return {
        element: { name, repetition_type, type: "INT32", converted_type: "DATE", logical_type: { type: "DATE" } },
        convert: toEpochDays,
      };
    case "time":
      return {
        element: {
          name,
          repetition_type,
          type: "INT64",
          converted_type: "TIME_MICROS",
          logical_type: { type: "TIME", isAdjustedToUTC: false, unit: "MICROS" },
        },
        convert: toTimeMicros,
      };
    case "binary":
      return { element: { name, repetition_type, type: "BYTE_ARRAY" }, convert: toBytes };
    case "json":
      // The JSON text is encoded to UTF-8 by the column's writer, straight into its buffer.
      return {
        element: { name, repetition_type, type: "BYTE_ARRAY", logical_type: { type: "JSON" } },
        convert: toJsonText,
      };
    case "decimal":
    case "wei": {
      const [defaultPrecision, defaultScale] =
        column.dataType === "wei" ? capabilities.weiPrecision : capabilities.decimalPrecision;
      return decimalPlan(name, column.precision ?? defaultPrecision, column.scale ?? defaultScale);
    }
    default:
      return {
        element: { name, repetition_type, type: "BYTE_ARRAY", converted_type: "UTF8", logical_type: { type: "STRING" } },
        convert: toText,
        takesStringAsIs: true,
      };
  }
}

function decimalPlan(name: string, precision: number, scale: number): ParquetColumnPlan {
  const limit = 10n ** BigInt(precision);
  return {
    element: {
      name,
      repetition_type: "OPTIONAL",
      type: "FIXED_LEN_BYTE_ARRAY",
      type_length: decimalByteLength(precision),
      converted_type: "DECIMAL",
      precision,
      scale,
      logical_type: { type: "DECIMAL", precision, scale },
    },
    convert: (value) => {
      const unscaled = toUnscaledDecimal(value, scale);
      if (unscaled >= limit || unscaled <= -limit) {
        throw new ValueConversionError(`more than ${precision} digits (DECIMAL(${precision}, ${scale}))`);
      }
      return unscaled;
    },
  };
}

/** Fewest bytes whose two's complement holds every number of `precision` digits. */
export function decimalByteLength(precision: number): number {
  const largest = 10n ** BigInt(precision) - 1n;
  let bytes = 1;
  while (2n ** BigInt(8 * bytes - 1) - 1n < largest) bytes++;
  return bytes;
}

function toDouble(value: unknown): number {
  if (typeof value === "number") return value;
  if (typeof value === "bigint") return Number(value);
  if (typeof value === "string" && value.trim() !== "" && !Number.isNaN(Number(value))) return Number(value);
  throw new ValueConversionError("expected a number");
}

function toBoolean(value: unknown): boolean {
  if (typeof value === "boolean") return value;
  throw new ValueConversionError("expected a boolean");
}

/** A number when it is a safe integer (no bigint allocated), else a bigint in the INT64 range. */
function toInt64(value: unknown): number | bigint {
  if (typeof value === "number" && Number.isSafeInteger(value)) return value;
  let result: bigint;
  if (typeof value === "bigint") result = value;
  else if (typeof value === "number" && Number.isInteger(value)) result = BigInt(value);
  else if (typeof value === "string" && /^\s*[+-]?\d+\s*$/.test(value)) result = BigInt(value.trim());
  else throw new ValueConversionError("expected an integer");
  if (result < INT64_MIN || result > INT64_MAX) throw new ValueConversionError("out of the 64-bit integer range");
  return result;
}

function toText(value: unknown): string {
  if (typeof value === "string") return value;
  if (value instanceof Date) return formatTimestamp(value);
  if (value instanceof Uint8Array) return bytesToBase64(value);
  if (typeof value === "object" && value !== null) return toJsonText(value);
  return String(value);
}
