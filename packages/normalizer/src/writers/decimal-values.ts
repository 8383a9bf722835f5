import { ValueConversionError } from "./value-conversion-error.js";

/** Sign, digits, optional fraction, optional exponent: `-12.50`, `1e-7`, `.5`. */
const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
/** Guards against `1e999999999` turning into a gigabyte of zeros. */
const MAX_EXPONENT = 10_000;

/** A decimal number as digits and a scale: value = (negative ? -1 : 1) * digits / 10^scale. */
interface ParsedDecimal {
  negative: boolean;
  digits: string;
  scale: number;
}

/**
 * Exact decimal text of a decimal/wei value, never in exponent form:
 * bigint → its digits, number → plain notation (`1e-7` → `0.0000001`),
 * numeric string → normalized (`+007.50` → `7.50`; trailing zeros kept).
 */
export function toDecimalText(value: unknown): string {
  if (typeof value === "bigint") return value.toString();
  // Integral numbers (every bigint column from JSON) print exactly as they are.
  if (typeof value === "number" && Number.isInteger(value)) return exactNumberText(value);
  const { negative, digits, scale } = parseDecimal(value);
  const padded = digits.padStart(scale + 1, "0");
  const integer = padded.slice(0, padded.length - scale).replace(/^0+(?=\d)/, "");
  const text = scale > 0 ? `${integer}.${padded.slice(padded.length - scale)}` : integer;
  return negative && /[1-9]/.test(padded) ? `-${text}` : text;
}

/**
 * A finite number as text that names its exact value when it is an integer
 * beyond 2^53: `String(2 ** 62)` is `4611686018427388000` (the shortest text
 * that parses back to the same double), which a database reads as a
 * different integer (or, for -(2^63), one out of range); the digits of the
 * double's own value are `4611686018427387904`.
 */
export function exactNumberText(value: number): string {
  return Number.isInteger(value) && !Number.isSafeInteger(value) ? BigInt(value).toString() : String(value);
}

/**
 * Text of a double that keeps the sign of -0 (`String(-0)` is `0`): every
 * database here reads `-0` back as negative zero into a double column.
 */
export function doubleText(value: number): string {
  return value === 0 && 1 / value < 0 ? "-0" : exactNumberText(value);
}

/**
 * The unscaled integer of a value at `scale` fractional digits (what parquet
 * DECIMAL stores): `12.345` at scale 2 → `1235n`. Extra digits are rounded
 * half away from zero, as PostgreSQL's numeric input does.
 */
export function toUnscaledDecimal(value: unknown, scale: number): bigint {
  if (typeof value === "bigint") return value * 10n ** BigInt(scale);
  const parsed = parseDecimal(value);
  let unscaled = BigInt(parsed.digits || "0");
  if (parsed.scale <= scale) {
    unscaled *= 10n ** BigInt(scale - parsed.scale);
  } else {
    const divisor = 10n ** BigInt(parsed.scale - scale);
    const remainder = unscaled % divisor;
    unscaled /= divisor;
    if (remainder * 2n >= divisor) unscaled += 1n;
  }
  return parsed.negative ? -unscaled : unscaled;
}

function parseDecimal(value: unknown): ParsedDecimal {
  let text: string;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new ValueConversionError("a decimal must be finite");
    text = String(value);
  } else if (typeof value === "string") {
    text = value.trim();
  } else {
    throw new ValueConversionError("expected a bigint, a number or a numeric string");
  }
  const match = DECIMAL.exec(text);
  const integer = match?.[2] ?? "";
  const fraction = match?.[3] ?? "";
  if (!match || integer.length + fraction.length === 0) throw new ValueConversionError("not a decimal number");
  const exponent = Number(match[4] ?? 0);
  if (Math.abs(exponent) > MAX_EXPONENT) throw new ValueConversionError("exponent out of range");
  let digits = (integer + fraction).replace(/^0+(?=\d)/, "");
  let scale = fraction.length - exponent;
  if (scale < 0) {
    digits += "0".repeat(-scale);
    scale = 0;
  }
  return { negative: match[1] === "-", digits, scale };
}
