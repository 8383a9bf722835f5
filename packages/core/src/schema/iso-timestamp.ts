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
  if (!ISO_TIMESTAMP.test(value)) return undefined;
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
