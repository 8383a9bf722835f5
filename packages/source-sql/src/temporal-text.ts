import { toNaiveTimestampText, toUtcTimestampText } from "@dlt-ts/core";

/*
 * Dates and times as the text dlt-ts keeps them in (never a JS Date, which
 * holds milliseconds only): timestamps with a zone as canonical UTC text
 * `YYYY-MM-DDTHH:MM:SS[.ffffff]Z`, timestamps without one as the same text
 * without `Z`, dates as `YYYY-MM-DD`, times as `HH:MM:SS[.ffffff]`. Those
 * forms pass the normalizer as they are. The fast paths below handle what
 * the drivers send; anything else (years BC, `infinity`) goes through the
 * core's parser, and a value even that cannot read stays as the database
 * wrote it (the normalizer then puts it in a variant column).
 */

/** At most 6 fraction digits (microseconds, dlt's precision): `.1234567` → `.123456`, `.` alone dropped. */
function fraction(text: string): string {
  if (text.length <= 1) return "";
  return text.length > 7 ? text.slice(0, 7) : text;
}

/** Whether `value` starts with `YYYY-MM-DD?HH:MM:SS` (4-digit year, any separator at 10). */
function hasIsoHead(value: string): boolean {
  return value.length >= 19 && value.charCodeAt(4) === 45 /* - */ && value.charCodeAt(7) === 45 && value.charCodeAt(13) === 58 /* : */ && value.charCodeAt(16) === 58;
}

/**
 * A `timestamp with time zone` that Postgres wrote in UTC with DateStyle ISO
 * (`2024-05-01 10:20:45.176451+00`) as canonical UTC text
 * (`2024-05-01T10:20:45.176451Z`). Other offsets and forms are converted too.
 */
export function utcTimestampText(value: string): string {
  if (hasIsoHead(value) && value.endsWith("+00")) {
    return `${value.slice(0, 10)}T${value.slice(11, 19)}${fraction(value.slice(19, -3))}Z`;
  }
  return toUtcTimestampText(value) ?? value;
}

/**
 * A timestamp without time zone (`2024-05-01 10:20:45.176451`, or
 * `2024-05-01T10:20:45.1234567` from SQL Server) as canonical naive text
 * (`2024-05-01T10:20:45.176451`).
 */
export function naiveTimestampText(value: string): string {
  if (hasIsoHead(value) && (value.length === 19 || value.charCodeAt(19) === 46 /* . */)) {
    return `${value.slice(0, 10)}T${value.slice(11, 19)}${fraction(value.slice(19))}`;
  }
  return toNaiveTimestampText(value) ?? value;
}

/** A time of day with at most 6 fraction digits (`10:20:45.1234567` → `10:20:45.123456`). */
export function timeText(value: string): string {
  return value.length > 15 && value.charCodeAt(8) === 46 /* . */ ? value.slice(0, 15) : value;
}

const TIME_WITH_ZONE = /^(\d{2}):(\d{2}):(\d{2})(\.\d+)?([+-])(\d{2})(?::?(\d{2}))?(?::?(\d{2}))?$/;

/**
 * A `time with time zone` (`10:20:45.5+02`) as the UTC time of day
 * (`08:20:45.5`): dlt's `time` has no zone. Unknown forms stay as they are.
 */
export function utcTimeText(value: string): string {
  const m = TIME_WITH_ZONE.exec(value);
  if (!m) return timeText(value);
  const sign = m[5] === "-" ? -1 : 1;
  const offset = sign * (Number(m[6]) * 3600 + Number(m[7] ?? 0) * 60 + Number(m[8] ?? 0));
  const seconds = (((Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]) - offset) % 86_400) + 86_400) % 86_400;
  const hh = String(Math.floor(seconds / 3600)).padStart(2, "0");
  const mm = String(Math.floor((seconds % 3600) / 60)).padStart(2, "0");
  const ss = String(seconds % 60).padStart(2, "0");
  return `${hh}:${mm}:${ss}${fraction(m[4] ?? "")}`;
}

const MICROS_PER_DAY = 86_400_000_000n;

/** `YYYY-MM-DDTHH:MM:SS[.ffffff]` of microseconds since the epoch (UTC), trailing zero fraction digits dropped. */
function microsText(micros: bigint): string | undefined {
  let days = micros / MICROS_PER_DAY;
  let rest = micros % MICROS_PER_DAY;
  if (rest < 0n) {
    rest += MICROS_PER_DAY;
    days -= 1n;
  }
  const date = dateText(Number(days));
  if (date === undefined) return undefined;
  return `${date}T${microsOfDayText(rest)}`;
}

/** `HH:MM:SS[.ffffff]` of microseconds since midnight. */
export function microsOfDayText(micros: bigint): string {
  const seconds = Number(micros / 1_000_000n);
  const sub = Number(micros % 1_000_000n);
  const hh = String(Math.floor(seconds / 3600)).padStart(2, "0");
  const mm = String(Math.floor((seconds % 3600) / 60)).padStart(2, "0");
  const ss = String(seconds % 60).padStart(2, "0");
  const frac = sub === 0 ? "" : `.${String(sub).padStart(6, "0").replace(/0+$/, "")}`;
  return `${hh}:${mm}:${ss}${frac}`;
}

/** Canonical UTC text of microseconds since the epoch; undefined outside years 0–9999. */
export function microsToUtcText(micros: bigint): string | undefined {
  const text = microsText(micros);
  return text === undefined ? undefined : `${text}Z`;
}

/** Canonical naive text of microseconds since the epoch (a timestamp without zone). */
export function microsToNaiveText(micros: bigint): string | undefined {
  return microsText(micros);
}

/** `YYYY-MM-DD` of days since the epoch; undefined outside years 0–9999. */
export function dateText(days: number): string | undefined {
  const date = new Date(days * 86_400_000);
  const year = date.getUTCFullYear();
  if (Number.isNaN(year) || year < 0 || year > 9999) return undefined;
  return date.toISOString().slice(0, 10);
}
