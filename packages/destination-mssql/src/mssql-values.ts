import type { TediousDataTypeLike, TediousModuleLike, TediousTypeOptions } from "./mssql-driver.js";

/**
 * A Date that reports a UTC offset of 0. tedious writes `datetimeoffset`
 * values with the offset of the machine's time zone; with this the stored
 * offset is `+00:00`, as for the ISO-8601 `…Z` text of insert_values.
 * `nanosecondDelta` carries the digits below the millisecond (in seconds,
 * as tedious reads it), so 7 fractional digits survive.
 */
export class UtcDate extends Date {
  nanosecondDelta?: number;

  override getTimezoneOffset(): number {
    return 0;
  }
}

const TIMESTAMP = /^(-?\d{4,6})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const TIME = /^(\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?$/;

/** Splits fractional second digits into milliseconds and the rest, in seconds (7 digits kept). */
function fraction(digits: string | undefined): { ms: number; delta: number } {
  if (!digits) return { ms: 0, delta: 0 };
  const padded = digits.padEnd(3, "0");
  const rest = padded.slice(3, 7);
  return { ms: Number(padded.slice(0, 3)), delta: rest ? Number(`0.000${rest}`) : 0 };
}

/**
 * Parses ISO-8601 text (`2024-05-01T10:20:30.1234567Z`, an offset, or none
 * for UTC, a date alone) into a UtcDate keeping 7 fractional digits.
 * Returns undefined when the text is not such a timestamp.
 */
export function parseTimestamp(text: string): UtcDate | undefined {
  const m = TIMESTAMP.exec(text.trim());
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map((part) => Number(part ?? 0)) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return undefined;
  const { ms, delta } = fraction(m[7]);
  const date = new UtcDate(0);
  // setUTCFullYear, unlike Date.UTC, takes years 0–99 as they are.
  date.setUTCFullYear(year, month - 1, day);
  if (date.getUTCDate() !== day) return undefined;
  date.setUTCHours(hour, minute, second, ms);
  const zone = m[8];
  if (zone && zone.toUpperCase() !== "Z") {
    const digits = zone.slice(1).replace(":", "");
    const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || 0);
    date.setTime(date.getTime() - (zone.startsWith("-") ? -1 : 1) * minutes * 60_000);
  }
  if (Number.isNaN(date.getTime())) return undefined;
  if (delta) date.nanosecondDelta = delta;
  return date;
}

/** Parses `HH:MM[:SS[.fffffff]]` into a UtcDate on 1970-01-01, as tedious takes `time` values. */
export function parseTime(text: string): UtcDate | undefined {
  const m = TIME.exec(text.trim());
  if (!m) return undefined;
  const [, hour, minute, second = "00", digits] = m;
  if (Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) return undefined;
  const { ms, delta } = fraction(digits);
  const date = new UtcDate(Date.UTC(1970, 0, 1, Number(hour), Number(minute), Number(second), ms));
  if (delta) date.nanosecondDelta = delta;
  return date;
}

const DECIMAL_TEXT = /^([+-])?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/**
 * `text` (digits with an optional sign, point and exponent) as an integer of
 * `scale` decimal places, rounded half away from zero as SQL Server rounds.
 * Returns undefined when the text is not a number.
 */
export function scaleDecimal(text: string, scale: number): bigint | undefined {
  const m = DECIMAL_TEXT.exec(text.trim());
  if (!m || (!m[2] && !m[3])) return undefined;
  const [, sign, whole = "", frac = "", exp] = m;
  let digits = `${whole}${frac}`;
  // Digits after the decimal point in `digits`.
  const point = frac.length - Number(exp ?? 0);
  let unscaled: bigint;
  if (point <= scale) {
    unscaled = BigInt(digits) * 10n ** BigInt(scale - point);
  } else {
    const drop = point - scale;
    if (drop > digits.length) digits = digits.padStart(drop, "0");
    const kept = digits.slice(0, digits.length - drop) || "0";
    unscaled = BigInt(kept) + (digits[digits.length - drop]! >= "5" ? 1n : 0n);
  }
  return sign === "-" ? -unscaled : unscaled;
}

/** Bytes of a decimal value of `precision` digits on the wire (sign byte included). */
function decimalByteLength(precision: number): number {
  if (precision <= 9) return 5;
  if (precision <= 19) return 9;
  if (precision <= 28) return 13;
  return 17;
}

interface DecimalParameter {
  value: unknown;
  precision?: number;
  scale?: number;
}

const DECIMALN_ID = 0x6a;

/**
 * A tedious data type for `decimal(p,s)` that is exact for all 38 digits.
 * tedious's own Decimal goes through a JS number (`parseFloat`), which
 * corrupts values beyond 15–16 significant digits and anything of 20 or more
 * digits (wei, decimal(38,9) sums). Values are decimal text (or numbers and
 * bigints, turned into text); the wire format is the same: sign byte, then
 * the magnitude scaled by 10^scale, little-endian.
 */
export const ExactDecimal = {
  id: 0x37,
  type: "DECIMAL",
  name: "Decimal",

  declaration(parameter: DecimalParameter): string {
    return `decimal(${this.resolvePrecision(parameter)}, ${this.resolveScale(parameter)})`;
  },
  resolvePrecision(parameter: DecimalParameter): number {
    return parameter.precision ?? 38;
  },
  resolveScale(parameter: DecimalParameter): number {
    return parameter.scale ?? 0;
  },
  generateTypeInfo(parameter: DecimalParameter): Buffer {
    const precision = this.resolvePrecision(parameter);
    return Buffer.from([DECIMALN_ID, decimalByteLength(precision), precision, this.resolveScale(parameter)]);
  },
  generateParameterLength(parameter: DecimalParameter): Buffer {
    if (parameter.value == null) return Buffer.from([0x00]);
    return Buffer.from([decimalByteLength(this.resolvePrecision(parameter))]);
  },
  *generateParameterData(parameter: DecimalParameter): Generator<Buffer, void> {
    if (parameter.value == null) return;
    const precision = this.resolvePrecision(parameter);
    const unscaled = scaleDecimal(String(parameter.value), this.resolveScale(parameter));
    if (unscaled === undefined) throw new TypeError("Invalid decimal.");
    let magnitude = unscaled < 0n ? -unscaled : unscaled;
    if (magnitude >= 10n ** BigInt(precision)) throw new TypeError(`Decimal value out of range for precision ${precision}.`);
    const buffer = Buffer.alloc(decimalByteLength(precision));
    buffer[0] = unscaled < 0n ? 0 : 1;
    for (let i = 1; i < buffer.length && magnitude > 0n; i++) {
      buffer[i] = Number(magnitude & 0xffn);
      magnitude >>= 8n;
    }
    yield buffer;
  },
  validate(value: unknown): string | null {
    if (value === null || value === undefined) return null;
    const text = typeof value === "string" ? value.trim() : typeof value === "number" || typeof value === "bigint" ? String(value) : "";
    if (scaleDecimal(text, 0) === undefined) throw new TypeError("Invalid decimal.");
    return text;
  },
};

/** A parameter as tedious takes it. */
export interface TypedParameter {
  type: TediousDataTypeLike;
  value: unknown;
  options?: TediousTypeOptions;
}

/** Longest nvarchar / varbinary parameter declared with a length; longer ones are (max). */
const NVARCHAR_PARAMETER_LENGTH = 4000;
const VARBINARY_PARAMETER_LENGTH = 8000;
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/**
 * The tedious parameter for a JS value of a `%s` placeholder: strings as
 * nvarchar(4000) or nvarchar(max) (two declared lengths only, so plans are
 * reused), integers as int or bigint, other numbers as float, bigints as
 * bigint (decimal(38,0) past 64 bits), booleans as bit, Dates as
 * datetimeoffset(7) in UTC, bytes as varbinary, objects as JSON text,
 * null/undefined as a NULL nvarchar.
 */
export function toTediousParameter(value: unknown, tedious: TediousModuleLike): TypedParameter {
  const T = tedious.TYPES;
  if (value === null || value === undefined) return { type: T.NVarChar!, value: null, options: { length: NVARCHAR_PARAMETER_LENGTH } };
  if (typeof value === "string") {
    return { type: T.NVarChar!, value, options: { length: value.length > NVARCHAR_PARAMETER_LENGTH ? Infinity : NVARCHAR_PARAMETER_LENGTH } };
  }
  if (typeof value === "number") {
    if (Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX) return { type: T.Int!, value };
    if (Number.isSafeInteger(value)) return { type: T.BigInt!, value: BigInt(value) };
    return { type: T.Float!, value };
  }
  if (typeof value === "bigint") {
    if (value >= -(2n ** 63n) && value < 2n ** 63n) return { type: T.BigInt!, value };
    return { type: ExactDecimal, value: String(value), options: { precision: 38, scale: 0 } };
  }
  if (typeof value === "boolean") return { type: T.Bit!, value };
  if (value instanceof Date) {
    const utc = value instanceof UtcDate ? value : new UtcDate(value.getTime());
    return { type: T.DateTimeOffset!, value: utc, options: { scale: 7 } };
  }
  if (value instanceof Uint8Array) {
    const buffer = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    return { type: T.VarBinary!, value: buffer, options: { length: buffer.length > VARBINARY_PARAMETER_LENGTH ? Infinity : VARBINARY_PARAMETER_LENGTH } };
  }
  const json = JSON.stringify(value);
  return { type: T.NVarChar!, value: json, options: { length: json.length > NVARCHAR_PARAMETER_LENGTH ? Infinity : NVARCHAR_PARAMETER_LENGTH } };
}
