/**
 * ISO-8601 date-times as dlt's `iso_timestamp` detection accepts them: a full
 * date, a `T` or space, hours and minutes, optional seconds and fraction, and
 * an optional zone (`Z` or ±hh[:mm]). Dates alone are not timestamps.
 */
const ISO_TIMESTAMP =
  /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?$/i;

export function isIsoTimestamp(value: string): boolean {
  return parseIsoTimestamp(value) !== undefined;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

export function isIsoDate(value: string): boolean {
  return ISO_DATE.test(value) && !Number.isNaN(Date.parse(value));
}

const ISO_TIME = /^\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?$/;

export function isIsoTime(value: string): boolean {
  return ISO_TIME.test(value);
}

/** The form APIs send most (`2022-01-27T08:07:08Z`, GitHub's): Date parses it as is. */
const CANONICAL_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?Z$/;

/** Parses an ISO timestamp; values without a zone are taken as UTC, as dlt does. */
export function parseIsoTimestamp(value: string): Date | undefined {
  // Cheap guards first: most strings are not dates and this runs per value.
  if (value.length < 16 || value.length > 40 || value.charCodeAt(4) !== 45 /* - */) return undefined;
  if (!ISO_TIMESTAMP.test(value) || !isCalendarDate(value)) return undefined;
  const date = new Date(CANONICAL_UTC.test(value) ? value : normalizeIso(value));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function normalizeIso(value: string): string {
  let s = value.replace(" ", "T").replace(",", ".");
  if (!/(Z|[+-]\d{2}(:?\d{2})?)$/i.test(s)) s += "Z";
  // Date.parse wants ±hh:mm; accept ±hh and ±hhmm too.
  s = s.replace(/([+-]\d{2})(\d{2})$/, "$1:$2").replace(/([+-]\d{2})$/, "$1:00");
  return s;
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
  if (length < 20 || length > 27 || length === 21 || value.charCodeAt(length - 1) !== 90 /* Z */) return false;
  if (value.charCodeAt(4) !== 45 || value.charCodeAt(7) !== 45 || value.charCodeAt(10) !== 84 /* T */) return false;
  if (value.charCodeAt(13) !== 58 || value.charCodeAt(16) !== 58) return false;
  if (length > 20 && value.charCodeAt(19) !== 46 /* . */) return false;
  if (!isCalendarDate(value)) return false;
  const hours = digits(value, 11, 13);
  const minutes = digits(value, 14, 16);
  const seconds = digits(value, 17, 19);
  if (hours < 0 || hours > 23 || minutes < 0 || minutes > 59 || seconds < 0 || seconds > 59) return false;
  return length === 20 || digits(value, 20, length - 1) >= 0;
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
