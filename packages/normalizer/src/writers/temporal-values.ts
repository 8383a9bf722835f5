import { isCanonicalNaiveTimestamp, isCanonicalUtcTimestamp } from "@dlt-ts/core";
import { ValueConversionError } from "./value-conversion-error.js";

/**
 * Conversions of timestamp, date and time values to what the file formats
 * store. Timestamps are kept in microseconds (dlt's default precision) as a
 * bigint so ISO strings with 6 fractional digits survive; a JS Date only has
 * milliseconds. Digits beyond the 6th are truncated.
 */

const MICROS_PER_MS = 1000n;
const MS_PER_DAY = 86_400_000;

/** `YYYY-MM-DD[(T| )HH:MM[:SS[.f…]]][Z|±HH[:MM]]` */
const ISO_TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;
const ISO_DATE_PREFIX = /^(\d{4})-(\d{2})-(\d{2})/;
const ISO_TIME = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?$/;

/**
 * Microseconds since the Unix epoch (UTC). Accepts a Date, an ISO-8601 string
 * (no offset means UTC, as in dlt), or a number/bigint of seconds since the
 * epoch (dlt's coercion of numbers to timestamps).
 */
export function toEpochMicros(value: unknown): bigint {
  return BigInt(toEpochMicrosInt64(value));
}

/**
 * {@link toEpochMicros} as a number when it is a safe integer (years 1685
 * to 2254), else as a bigint: a writer of INT64 takes either, and the
 * number costs no allocation (a bigint per value was a measurable share of
 * writing parquet).
 */
export function toEpochMicrosInt64(value: unknown): number | bigint {
  if (typeof value === "string") {
    if (isCanonicalUtcTimestamp(value)) return canonicalMicros(value, value.length - 1);
    return isCanonicalNaiveTimestamp(value) ? canonicalMicros(value, value.length) : parseTimestampMicros(value);
  }
  if (value instanceof Date) return safeOrBig(validDateMillis(value) * 1000);
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new ValueConversionError("a timestamp must be finite");
    return safeOrBig(Math.round(value * 1_000_000));
  }
  if (typeof value === "bigint") return value * 1_000_000n;
  throw new ValueConversionError("expected a Date, an ISO-8601 string or epoch seconds");
}

function safeOrBig(integer: number): number | bigint {
  return Number.isSafeInteger(integer) ? integer : BigInt(integer);
}

/**
 * ISO-8601 text in UTC with a `Z` offset: `2024-05-01T10:20:30.123Z`, with
 * 6 fractional digits when the value has sub-millisecond precision
 * (`…30.123456Z`). A string already in that canonical form
 * (`2024-05-01T10:20:30Z`, 0–6 fraction digits) is returned as it is. Every
 * SQL destination and COPY parser accepts these forms.
 */
export function formatTimestamp(value: unknown): string {
  if (value instanceof Date) {
    validDateMillis(value);
    return value.toISOString();
  }
  if (typeof value === "string" && isCanonicalUtcTimestamp(value)) return value;
  return formatEpochMicros(toEpochMicros(value));
}

/**
 * A timestamp for a column hinted `timezone: false`: naive ISO-8601 text,
 * UTC wall-clock time without a zone (`2024-05-01T10:20:30.123456`). A
 * string already naive and canonical (`YYYY-MM-DDTHH:MM:SS[.f…]`, as the
 * schema evolver stores them) is returned as it is; a value with a zone is
 * converted to UTC first, as dlt does.
 */
export function formatNaiveTimestamp(value: unknown): string {
  if (typeof value === "string" && isCanonicalNaiveTimestamp(value)) return value;
  return formatTimestamp(value).slice(0, -1);
}

export function formatEpochMicros(micros: bigint): string {
  const millis = floorDiv(micros, MICROS_PER_MS);
  const sub = micros - millis * MICROS_PER_MS;
  const iso = new Date(Number(millis)).toISOString();
  return sub === 0n ? iso : `${iso.slice(0, -1)}${sub.toString().padStart(3, "0")}Z`;
}

/**
 * Days since the Unix epoch. A string gives its calendar date as written
 * (`2024-05-01`, or the date part of a timestamp string); a Date its UTC date;
 * a number is epoch seconds.
 */
export function toEpochDays(value: unknown): number {
  if (value instanceof Date) return Math.floor(validDateMillis(value) / MS_PER_DAY);
  if (typeof value === "string") {
    const match = ISO_DATE_PREFIX.exec(value);
    if (!match) throw new ValueConversionError("expected a YYYY-MM-DD date");
    return utcMillis(Number(match[1]), Number(match[2]), Number(match[3]), 0, 0, 0) / MS_PER_DAY;
  }
  if (typeof value === "number" && Number.isFinite(value)) return Math.floor(value / 86_400);
  throw new ValueConversionError("expected a Date or a YYYY-MM-DD string");
}

/** `YYYY-MM-DD` */
export function formatDate(value: unknown): string {
  return new Date(toEpochDays(value) * MS_PER_DAY).toISOString().slice(0, 10);
}

/**
 * Microseconds since midnight. A string is `HH:MM[:SS[.ffffff]]`; a Date gives
 * its UTC time of day.
 */
export function toTimeMicros(value: unknown): bigint {
  if (value instanceof Date) {
    const millis = validDateMillis(value);
    return BigInt(millis - Math.floor(millis / MS_PER_DAY) * MS_PER_DAY) * MICROS_PER_MS;
  }
  if (typeof value !== "string") throw new ValueConversionError("expected an HH:MM:SS string or a Date");
  const match = ISO_TIME.exec(value);
  if (!match) throw new ValueConversionError("expected HH:MM[:SS[.ffffff]]");
  const [hours, minutes, seconds] = [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)];
  if (hours > 23 || minutes > 59 || seconds > 59) throw new ValueConversionError("time of day out of range");
  const wholeSeconds = BigInt(hours * 3600 + minutes * 60 + seconds);
  return wholeSeconds * 1_000_000n + fractionMicros(match[4]);
}

/** `HH:MM:SS[.ffffff]`; a valid string is kept as written. */
export function formatTime(value: unknown): string {
  if (typeof value === "string") {
    toTimeMicros(value);
    return value;
  }
  const micros = toTimeMicros(value);
  return new Date(Number(micros / MICROS_PER_MS)).toISOString().slice(11, 23);
}

/**
 * Microseconds of a canonical string, `YYYY-MM-DDTHH:MM:SS[.f…]` ending at
 * `end` (before the `Z` of a UTC one; a naive one is read as UTC). The
 * string was checked to be a real date and time of day, so its fields are
 * read in place.
 */
function canonicalMicros(text: string, end: number): number | bigint {
  const seconds =
    daysFromCivil(digitsAt(text, 0, 4), digitsAt(text, 5, 7), digitsAt(text, 8, 10)) * 86_400 +
    digitsAt(text, 11, 13) * 3600 +
    digitsAt(text, 14, 16) * 60 +
    digitsAt(text, 17, 19);
  let fraction = 0;
  if (end > 20) {
    const last = Math.min(end, 26);
    fraction = digitsAt(text, 20, last) * 10 ** (26 - last);
  }
  const micros = seconds * 1_000_000 + fraction;
  return Number.isSafeInteger(micros) ? micros : BigInt(seconds) * 1_000_000n + BigInt(fraction);
}

/** The decimal number in text[start, end) (digits only: checked by the caller). */
function digitsAt(text: string, start: number, end: number): number {
  let number = 0;
  for (let i = start; i < end; i++) number = number * 10 + text.charCodeAt(i) - 48;
  return number;
}

/** Days from 1970-01-01 to a proleptic Gregorian date (any year, unlike Date.UTC, which moves years below 100). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

function parseTimestampMicros(text: string): bigint {
  const match = ISO_TIMESTAMP.exec(text.trim());
  // No Date.parse fallback: it reads zone-less non-ISO text in the machine's
  // local zone, so the same file would differ between machines.
  if (!match) throw new ValueConversionError("not an ISO-8601 timestamp");
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const [hours, minutes, seconds] = [Number(match[4] ?? 0), Number(match[5] ?? 0), Number(match[6] ?? 0)];
  if (hours > 24 || minutes > 59 || seconds > 60) throw new ValueConversionError("time of day out of range");
  const millis = utcMillis(year, month, day, hours, minutes, seconds);
  return BigInt(millis) * MICROS_PER_MS + fractionMicros(match[7]) - offsetMicros(match[8]);
}

/** Like Date.UTC, but years below 100 stay as written and invalid dates (02-30) are errors. */
function utcMillis(year: number, month: number, day: number, hours: number, minutes: number, seconds: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  if (month < 1 || month > 12 || date.getUTCDate() !== day) {
    throw new ValueConversionError("not a valid calendar date");
  }
  date.setUTCHours(hours, minutes, seconds, 0);
  return date.getTime();
}

function fractionMicros(digits: string | undefined): bigint {
  if (!digits) return 0n;
  return BigInt(digits.slice(0, 6).padEnd(6, "0"));
}

function offsetMicros(offset: string | undefined): bigint {
  if (!offset || offset === "Z" || offset === "z") return 0n;
  const sign = offset[0] === "-" ? -1n : 1n;
  const digits = offset.slice(1).replace(":", "");
  const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || 0);
  return sign * BigInt(minutes) * 60_000_000n;
}

function validDateMillis(date: Date): number {
  const millis = date.getTime();
  if (Number.isNaN(millis)) throw new ValueConversionError("invalid Date");
  return millis;
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}
