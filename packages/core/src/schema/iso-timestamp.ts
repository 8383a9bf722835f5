/**
 * ISO-8601 date-times as dlt's `iso_timestamp` detection accepts them: a full
 * date, a `T` or space, hours and minutes, optional seconds and fraction, and
 * an optional zone (`Z` or ±hh[:mm]). Dates alone are not timestamps.
 * Groups: year, month, day, hours, minutes, seconds, fraction, zone.
 */
const ISO_TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

export function isIsoTimestamp(value: string): boolean {
  return isoTimestampText(value, true) !== undefined;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

export function isIsoDate(value: string): boolean {
  return ISO_DATE.test(value) && !Number.isNaN(Date.parse(value));
}

const ISO_TIME = /^\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?$/;

export function isIsoTime(value: string): boolean {
  return ISO_TIME.test(value);
}

/**
 * An ISO timestamp string in canonical UTC form, `YYYY-MM-DDTHH:MM:SS[.f…]Z`:
 * an offset is applied, a value without a zone is taken as UTC (as dlt
 * does), a space separator becomes `T`. The fraction keeps the digits as
 * written, at most 6 (microseconds, dlt's precision; further digits are
 * cut). No Date is involved, so microseconds survive. Undefined when the
 * string is not such a timestamp (or not a real calendar date).
 *
 * @example toUtcTimestampText("2024-05-01 10:20:45.176451+02:00") // "2024-05-01T08:20:45.176451Z"
 */
export function toUtcTimestampText(value: string): string | undefined {
  return isoTimestampText(value, true);
}

/**
 * The same instant as {@link toUtcTimestampText} without the zone, for
 * columns hinted `timezone: false` (dlt's naive timestamps): a value without
 * a zone stays as written, one with a zone becomes its UTC wall-clock time.
 *
 * @example toNaiveTimestampText("2024-05-01 10:20:45.176451") // "2024-05-01T10:20:45.176451"
 */
export function toNaiveTimestampText(value: string): string | undefined {
  return isoTimestampText(value, false);
}

function isoTimestampText(value: string, zoned: boolean): string | undefined {
  // Cheap guards first: most strings are not dates and detection runs per value.
  if (value.length < 16 || value.length > 40 || value.charCodeAt(4) !== 45 /* - */) return undefined;
  const match = ISO_TIMESTAMP.exec(value);
  if (match === null || !isCalendarDate(value)) return undefined;
  const hours = Number(match[4]);
  const minutes = Number(match[5]);
  const seconds = Number(match[6] ?? 0);
  if (hours > 23 || minutes > 59 || seconds > 59) return undefined;
  // Whole seconds go through Date (exact at that resolution); the fraction is carried as text.
  const date = new Date(0);
  date.setUTCFullYear(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  date.setUTCHours(hours, minutes - offsetMinutes(match[8]), seconds, 0);
  const year = date.getUTCFullYear();
  if (year < 0 || year > 9999) return undefined;
  const fraction = match[7] === undefined ? "" : `.${match[7].slice(0, 6)}`;
  return `${date.toISOString().slice(0, 19)}${fraction}${zoned ? "Z" : ""}`;
}

/** Minutes east of UTC of `Z`, `±hh`, `±hhmm` or `±hh:mm`; 0 when there is no zone. */
function offsetMinutes(zone: string | undefined): number {
  if (zone === undefined || zone === "Z" || zone === "z") return 0;
  const digits = zone.length === 6 ? zone.slice(1, 3) + zone.slice(4) : zone.slice(1);
  const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || 0);
  return zone.charCodeAt(0) === 45 /* - */ ? -minutes : minutes;
}

/**
 * Epoch seconds (dlt's coercion of numbers to timestamps) as canonical UTC
 * text with the fraction digits needed, at most 6.
 */
export function epochSecondsToUtcText(seconds: number): string | undefined {
  if (!Number.isFinite(seconds)) return undefined;
  const micros = Math.round(seconds * 1_000_000);
  const whole = Math.floor(micros / 1_000_000);
  const date = new Date(whole * 1000);
  const year = date.getUTCFullYear();
  if (Number.isNaN(year) || year < 0 || year > 9999) return undefined;
  const sub = micros - whole * 1_000_000;
  const fraction = sub === 0 ? "" : `.${String(sub).padStart(6, "0").replace(/0+$/, "")}`;
  return `${date.toISOString().slice(0, 19)}${fraction}Z`;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Whether a string is a UTC timestamp in the canonical form
 * `YYYY-MM-DDTHH:MM:SS[.f…]Z` (up to 6 fraction digits, dlt's precision),
 * with a real calendar date and time of day. Timestamp columns keep such
 * strings as they are: every destination reads them as written, and no Date
 * is built and formatted again for each value (the form APIs send most).
 */
export function isCanonicalUtcTimestamp(value: string): boolean {
  const length = value.length;
  return length >= 20 && value.charCodeAt(length - 1) === 90 /* Z */ && isCanonicalDateTime(value, length - 1);
}

/**
 * Whether a string is a naive timestamp in canonical form
 * `YYYY-MM-DDTHH:MM:SS[.f…]` (no zone, up to 6 fraction digits): what
 * columns hinted `timezone: false` hold.
 */
export function isCanonicalNaiveTimestamp(value: string): boolean {
  return isCanonicalDateTime(value, value.length);
}

/** Whether value[0, end) is `YYYY-MM-DDTHH:MM:SS[.f…]` with 1 to 6 fraction digits and a real date and time of day. */
function isCanonicalDateTime(value: string, end: number): boolean {
  if (end < 19 || end > 26 || end === 20) return false;
  if (value.charCodeAt(4) !== 45 || value.charCodeAt(7) !== 45 || value.charCodeAt(10) !== 84 /* T */) return false;
  if (value.charCodeAt(13) !== 58 || value.charCodeAt(16) !== 58) return false;
  if (end > 19 && value.charCodeAt(19) !== 46 /* . */) return false;
  if (!isCalendarDate(value)) return false;
  const hours = digits(value, 11, 13);
  const minutes = digits(value, 14, 16);
  const seconds = digits(value, 17, 19);
  if (hours < 0 || hours > 23 || minutes < 0 || minutes > 59 || seconds < 0 || seconds > 59) return false;
  return end === 19 || digits(value, 20, end) >= 0;
}

/** Whether the string starts with a real `YYYY-MM-DD` date (Date would roll 02-30 over to March). */
function isCalendarDate(value: string): boolean {
  const year = digits(value, 0, 4);
  const month = digits(value, 5, 7);
  const day = digits(value, 8, 10);
  if (year < 0 || month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!);
}

/** The decimal number in value[start, end), or -1 if any character is not a digit. */
function digits(value: string, start: number, end: number): number {
  let number = 0;
  for (let i = start; i < end; i++) {
    const digit = value.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    number = number * 10 + digit;
  }
  return number;
}
