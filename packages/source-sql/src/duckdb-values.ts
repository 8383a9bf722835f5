import { int64Value } from "./int64-value.js";
import { dateText, microsOfDayText, microsToNaiveText, microsToUtcText, utcTimeText } from "./temporal-text.js";

/** A DuckDB type as `@duckdb/node-api` describes a result column (structural subset of `DuckDBType`). */
export interface DuckdbTypeLike {
  readonly typeId: number;
  readonly alias?: string;
  /** LIST, ARRAY, MAP value type. */
  readonly valueType?: DuckdbTypeLike;
  /** MAP key type. */
  readonly keyType?: DuckdbTypeLike;
  /** STRUCT fields. */
  readonly entryNames?: readonly string[];
  readonly entryTypes?: readonly DuckdbTypeLike[];
  /** UNION members. */
  readonly memberTags?: readonly string[];
  readonly memberTypes?: readonly DuckdbTypeLike[];
}

/** Type ids of `@duckdb/node-api`'s `DuckDBTypeId` read here (numbers, so the driver is not loaded for them). */
const TYPE = {
  BIGINT: 5,
  UBIGINT: 9,
  TIMESTAMP: 12,
  DATE: 13,
  TIME: 14,
  INTERVAL: 15,
  HUGEINT: 16,
  VARCHAR: 17,
  BLOB: 18,
  DECIMAL: 19,
  TIMESTAMP_S: 20,
  TIMESTAMP_MS: 21,
  TIMESTAMP_NS: 22,
  LIST: 24,
  STRUCT: 25,
  MAP: 26,
  UUID: 27,
  UNION: 28,
  BIT: 29,
  TIME_TZ: 30,
  TIMESTAMP_TZ: 31,
  UHUGEINT: 32,
  ARRAY: 33,
  BIGNUM: 35,
  TIME_NS: 39,
} as const;

/** Converts one value of a column (null already handled by the caller). */
export type DuckdbValueConverter = (value: unknown) => unknown;

type Micros = { micros: bigint };

function integer(value: unknown): unknown {
  return typeof value === "bigint" ? int64Value(value) : value;
}

function text(value: unknown): string {
  return String(value);
}

function orText(converted: string | undefined, value: unknown): string {
  return converted ?? String(value);
}

function nullable(convert: DuckdbValueConverter): DuckdbValueConverter {
  return (value) => (value === null || value === undefined ? null : convert(value));
}

/**
 * The converter of a DuckDB type to what dlt-ts keeps: integers exact (a
 * number when safe, else a bigint), DECIMAL as its exact text, timestamps as
 * canonical text with microseconds (`…Z` for TIMESTAMPTZ, naive for
 * TIMESTAMP), DATE `YYYY-MM-DD`, TIME `HH:MM:SS.ffffff` (TIMETZ at UTC),
 * BLOB a Uint8Array, UUID and INTERVAL their text, JSON parsed, LIST/ARRAY
 * arrays, STRUCT objects, MAP an object (string keys) or `{key, value}`
 * pairs, each element converted the same way. Infinite dates and times stay
 * as DuckDB prints them.
 */
export function duckdbValueConverter(type: DuckdbTypeLike): DuckdbValueConverter {
  switch (type.typeId) {
    case TYPE.BIGINT:
    case TYPE.UBIGINT:
    case TYPE.HUGEINT:
    case TYPE.UHUGEINT:
    case TYPE.BIGNUM:
      return integer;
    case TYPE.VARCHAR:
      return type.alias?.toUpperCase() === "JSON" ? (value) => JSON.parse(value as string) : (value) => value;
    case TYPE.DECIMAL:
    case TYPE.UUID:
    case TYPE.INTERVAL:
    case TYPE.BIT:
      return text;
    case TYPE.TIMESTAMP:
      return (value) => orText(microsToNaiveText((value as Micros).micros), value);
    case TYPE.TIMESTAMP_TZ:
      return (value) => orText(microsToUtcText((value as Micros).micros), value);
    case TYPE.TIMESTAMP_S:
      return (value) => orText(microsToNaiveText((value as { seconds: bigint }).seconds * 1_000_000n), value);
    case TYPE.TIMESTAMP_MS:
      return (value) => orText(microsToNaiveText((value as { millis: bigint }).millis * 1000n), value);
    case TYPE.TIMESTAMP_NS:
      return (value) => orText(microsToNaiveText((value as { nanos: bigint }).nanos / 1000n), value);
    case TYPE.DATE:
      return (value) => orText(dateText((value as { days: number }).days), value);
    case TYPE.TIME:
      return (value) => microsOfDayText((value as Micros).micros);
    case TYPE.TIME_NS:
      return (value) => microsOfDayText((value as { nanos: bigint }).nanos / 1000n);
    case TYPE.TIME_TZ:
      return (value) => utcTimeText(String(value));
    case TYPE.BLOB:
      return (value) => (value as { bytes: Uint8Array }).bytes;
    case TYPE.LIST:
    case TYPE.ARRAY: {
      const item = nullable(duckdbValueConverter(type.valueType!));
      return (value) => (value as { items: readonly unknown[] }).items.map(item);
    }
    case TYPE.STRUCT: {
      const names = type.entryNames ?? [];
      const fields = (type.entryTypes ?? []).map((t) => nullable(duckdbValueConverter(t)));
      return (value) => {
        const entries = (value as { entries: Record<string, unknown> }).entries;
        const object: Record<string, unknown> = {};
        names.forEach((name, i) => (object[name] = fields[i]!(entries[name])));
        return object;
      };
    }
    case TYPE.MAP: {
      const key = nullable(duckdbValueConverter(type.keyType!));
      const val = nullable(duckdbValueConverter(type.valueType!));
      return (value) => {
        const pairs = (value as { entries: { key: unknown; value: unknown }[] }).entries.map((e) => ({ key: key(e.key), value: val(e.value) }));
        return pairs.every((p) => typeof p.key === "string") ? Object.fromEntries(pairs.map((p) => [p.key, p.value])) : pairs;
      };
    }
    case TYPE.UNION: {
      const tags = type.memberTags ?? [];
      const members = (type.memberTypes ?? []).map((t) => nullable(duckdbValueConverter(t)));
      return (value) => {
        const union = value as { tag: string; value: unknown };
        const index = tags.indexOf(union.tag);
        return index < 0 ? union.value : members[index]!(union.value);
      };
    }
    default:
      // Booleans, small integers, floats, VARCHAR, ENUM: already JS values.
      return (value) => value;
  }
}
