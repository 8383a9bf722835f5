import { int64Value } from "./int64-value.js";
import { naiveTimestampText, timeText, utcTimeText, utcTimestampText } from "./temporal-text.js";

/** The part of `pg.types` used here. */
export interface PgTypesLike {
  getTypeParser(oid: number, format?: string): (value: string) => unknown;
}

/** Type OIDs of the Postgres types read differently from `pg`'s defaults. */
const OID = {
  int8: 20,
  numeric: 1700,
  money: 790,
  date: 1082,
  time: 1083,
  timetz: 1266,
  timestamp: 1114,
  timestamptz: 1184,
  interval: 1186,
  textArray: 1009,
  int8Array: 1016,
  dateArray: 1182,
  timeArray: 1183,
  timetzArray: 1270,
  timestampArray: 1115,
  timestamptzArray: 1185,
  intervalArray: 1187,
} as const;

function identity(text: string): string {
  return text;
}

type Nested<T> = T | Nested<T>[];

function mapNested<T>(value: Nested<string | null>, convert: (text: string) => T): Nested<T | null> {
  if (Array.isArray(value)) return value.map((inner) => mapNested(inner, convert));
  return value === null ? null : convert(value);
}

/**
 * Type parsers of a source connection (the global `pg.types` are left
 * alone): int8 exact (a number when safe, else a bigint), numeric and money
 * as their text, dates and times as text (`YYYY-MM-DD`, `HH:MM:SS.ffffff`,
 * `timetz` at UTC), timestamps as canonical text with microseconds
 * (`…Z` for `timestamptz`, naive for `timestamp`), intervals as ISO 8601
 * text, and arrays of these element by element. Everything else as `pg`
 * parses it: json/jsonb parsed, bytea as a Buffer (a Uint8Array), int2/int4
 * and floats as numbers, booleans.
 *
 * The text forms assume the session settings the connection sets:
 * `TimeZone=UTC`, `DateStyle=ISO`, `IntervalStyle=iso_8601` (and
 * `standard_conforming_strings=on`, which COPY's inlined literals rely on).
 */
export function sourceTypeParsers(types: PgTypesLike): PgTypesLike {
  const textArray = types.getTypeParser(OID.textArray, "text") as (value: string) => Nested<string | null>;
  const arrayOf =
    <T>(convert: (text: string) => T) =>
    (value: string) =>
      mapNested(textArray(value), convert);
  const parsers = new Map<number, (value: string) => unknown>([
    [OID.int8, int64Value],
    [OID.numeric, identity],
    [OID.money, identity],
    [OID.date, identity],
    [OID.time, timeText],
    [OID.timetz, utcTimeText],
    [OID.timestamp, naiveTimestampText],
    [OID.timestamptz, utcTimestampText],
    [OID.interval, identity],
    [OID.int8Array, arrayOf(int64Value)],
    [OID.dateArray, arrayOf(identity)],
    [OID.timeArray, arrayOf(timeText)],
    [OID.timetzArray, arrayOf(utcTimeText)],
    [OID.timestampArray, arrayOf(naiveTimestampText)],
    [OID.timestamptzArray, arrayOf(utcTimestampText)],
    [OID.intervalArray, arrayOf(identity)],
  ]);
  return {
    getTypeParser(oid: number, format?: string) {
      if (format === undefined || format === "text") {
        const parser = parsers.get(oid);
        if (parser) return parser;
      }
      return types.getTypeParser(oid, format ?? "text");
    },
  };
}

/** Session settings the text forms above rely on, sent in the startup packet. */
export const SOURCE_SESSION_OPTIONS = "-c TimeZone=UTC -c DateStyle=ISO -c IntervalStyle=iso_8601 -c standard_conforming_strings=on";
