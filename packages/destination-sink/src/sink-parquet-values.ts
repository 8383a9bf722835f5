import type { FileMetaData, ParquetParsers, SchemaElement } from "hyparquet";
import { mayHoldLongIntegers, parseJsonExact } from "./exact-json.js";
import {
  asBuffer,
  bytesToBigint,
  dateText,
  decimalText,
  floorDiv,
  safeInteger,
  timestampText,
  timeText,
  type ColumnFixes,
  type ValueFix,
} from "./sink-item-values.js";

const utf8 = new TextDecoder();

/** JSON text (a json column, parsed with integers exact). */
function parseJsonText(text: string): unknown {
  return mayHoldLongIntegers(text) ? parseJsonExact(text) : JSON.parse(text);
}

/**
 * hyparquet's parsers, replaced where its defaults lose information:
 * timestamps stay microseconds (a bigint, made ISO text by the column's fix,
 * which knows whether the column is UTC-adjusted) instead of a millisecond
 * Date; dates become `YYYY-MM-DD`; JSON keeps integers exact.
 */
export const PARQUET_PARSERS: Partial<ParquetParsers> = {
  timestampFromMilliseconds: (millis: bigint) => BigInt(millis) * 1000n,
  timestampFromMicroseconds: (micros: bigint) => BigInt(micros),
  timestampFromNanoseconds: (nanos: bigint) => floorDiv(BigInt(nanos), 1000n),
  dateFromDays: (days: number) => dateText(days),
  jsonFromBytes: (bytes: Uint8Array) => bytes && parseJsonText(utf8.decode(bytes)),
};

/**
 * How a parquet job file is read for a sink: the file's metadata as
 * hyparquet is to see it, and the fixes that give each top-level column the
 * value a jsonl item would carry (the package README's table):
 * - INT64 (bigint): a number when safe, a bigint beyond;
 * - TIMESTAMP: ISO text, `…Z` when UTC-adjusted, naive otherwise, microseconds kept;
 * - TIME: `HH:MM:SS[.f…]` (hyparquet leaves the raw count);
 * - DECIMAL (decimal, wei): exact text. hyparquet would make a double of it,
 *   so the annotation is hidden from it and the raw unscaled value decoded here;
 * - BYTE_ARRAY with the JSON logical type: parsed JSON;
 * - BYTE_ARRAY without annotation (binary): a Buffer.
 * The file's own types decide (they follow the table schema: see the
 * normalizer's parquet writer).
 */
export function parquetReadPlan(metadata: FileMetaData): { metadata: FileMetaData; fixes: ColumnFixes } {
  const fixes: [string, ValueFix][] = [];
  const schema = metadata.schema.slice();
  for (const index of topLevelColumns(schema)) {
    const element = schema[index]!;
    if (isDecimal(element)) {
      const scale = element.scale ?? (element.logical_type?.type === "DECIMAL" ? element.logical_type.scale : 0);
      const { converted_type: _converted, logical_type: _logical, ...raw } = element;
      schema[index] = raw;
      fixes.push([element.name, (value) => decimalText(unscaled(value), scale)]);
      continue;
    }
    const fix = columnFix(element);
    if (fix) fixes.push([element.name, fix]);
  }
  return { metadata: { ...metadata, schema }, fixes };
}

function columnFix(element: SchemaElement): ValueFix | undefined {
  const logical = element.logical_type;
  const converted = element.converted_type;
  if (logical?.type === "TIMESTAMP" || converted === "TIMESTAMP_MICROS" || converted === "TIMESTAMP_MILLIS" || element.type === "INT96") {
    // The legacy converted types imply UTC.
    const zoned = logical?.type === "TIMESTAMP" ? logical.isAdjustedToUTC : true;
    return (value) => (typeof value === "bigint" ? timestampText(value, zoned) : value);
  }
  if (logical?.type === "TIME" || converted === "TIME_MICROS" || converted === "TIME_MILLIS") {
    const unit = logical?.type === "TIME" ? logical.unit : converted === "TIME_MILLIS" ? "MILLIS" : "MICROS";
    return (value) => {
      if (typeof value !== "bigint" && typeof value !== "number") return value;
      const count = BigInt(value);
      return timeText(unit === "MILLIS" ? count * 1000n : unit === "NANOS" ? count / 1000n : count);
    };
  }
  if (element.type === "INT64") {
    return (value) => (typeof value === "bigint" ? safeInteger(value) : value);
  }
  if (element.type === "BYTE_ARRAY" && logical?.type === "JSON" && converted !== "JSON") {
    return (value) => (value instanceof Uint8Array ? parseJsonText(utf8.decode(value)) : value);
  }
  if ((element.type === "BYTE_ARRAY" || element.type === "FIXED_LEN_BYTE_ARRAY") && logical === undefined && converted === undefined) {
    return (value) => (value instanceof Uint8Array ? asBuffer(value) : value);
  }
  return undefined;
}

function isDecimal(element: SchemaElement): boolean {
  return element.converted_type === "DECIMAL" || element.logical_type?.type === "DECIMAL";
}

/** The unscaled integer of a DECIMAL value stored as bytes, INT32 or INT64. */
function unscaled(value: unknown): bigint {
  if (value instanceof Uint8Array) return bytesToBigint(value);
  return BigInt(value as number | bigint);
}

/** Indexes in the flat schema of the root's children (nested groups' descendants skipped). */
function topLevelColumns(schema: readonly SchemaElement[]): number[] {
  const indexes: number[] = [];
  const children = schema[0]?.num_children ?? 0;
  let index = 1;
  for (let child = 0; child < children && index < schema.length; child++) {
    indexes.push(index);
    index = afterSubtree(schema, index);
  }
  return indexes;
}

/** The index after the element at `index` and all its descendants. */
function afterSubtree(schema: readonly SchemaElement[], index: number): number {
  let next = index + 1;
  for (let child = 0; child < (schema[index]!.num_children ?? 0); child++) next = afterSubtree(schema, next);
  return next;
}
