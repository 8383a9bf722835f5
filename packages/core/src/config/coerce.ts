import type { ValueSource } from "./error-messages.js";
import { ConfigValueCannotBeCoercedException } from "./exceptions.js";
import type { FieldType } from "./field-spec.js";
import { Secret } from "./secret.js";

/** How a type is named in messages: `string`, `number`, `Date`, `PostgresCredentials`, `any`. */
export function typeName(type: FieldType | undefined): string {
  switch (type) {
    case undefined:
      return "any";
    case String:
      return "string";
    case Number:
      return "number";
    case Boolean:
      return "boolean";
    case BigInt:
      return "bigint";
    case Object:
      return "object";
    case Array:
      return "array";
    default:
      return type.name || "anonymous class";
  }
}

/** The type a default value implies, used when neither the decorator nor the compiler gave one. */
export function typeOfValue(value: unknown): FieldType | undefined {
  switch (typeof value) {
    case "string":
      return String;
    case "number":
      return Number;
    case "boolean":
      return Boolean;
    case "bigint":
      return BigInt;
    case "object":
      if (value === null) return undefined;
      if (Array.isArray(value)) return Array;
      if (value instanceof Date) return Date;
      return Object.getPrototypeOf(value) === Object.prototype ? Object : value.constructor;
    default:
      return undefined;
  }
}

/** Context for error messages. */
export interface CoercionContext {
  readonly keyPath: readonly string[];
  readonly source: ValueSource;
  readonly secret: boolean;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date) && !(value instanceof Secret);
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const INTEGER = /^[+-]?\d+$/;

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/**
 * Coerces a found value to the field type. Env values are strings ("5" → 5,
 * "true" → true, JSON for objects and arrays, ISO-8601 → Date, "9007199254740993"
 * → bigint); TOML and explicit values are checked the same way.
 *
 * @throws ConfigValueCannotBeCoercedException naming key, source and expected
 * type (never the value of a secret)
 */
export function coerceValue(value: unknown, type: FieldType | undefined, ctx: CoercionContext): unknown {
  const fail = (reason?: string): never => {
    throw new ConfigValueCannotBeCoercedException(ctx.keyPath, ctx.source, typeName(type), ctx.secret, value, reason);
  };
  const text = typeof value === "string" ? value.trim() : undefined;

  switch (type) {
    case undefined: {
      // No type known (tsx without explicit type, `any` fields): keep strings, but
      // take JSON objects/arrays as what they obviously are.
      if (text !== undefined && /^[[{]/.test(text)) {
        const parsed = parseJson(text);
        if (parsed.ok) return parsed.value;
      }
      return value instanceof Date ? new Date(value.getTime()) : value;
    }
    case String:
      if (typeof value === "string") return value;
      if (value instanceof Secret) return value.reveal();
      if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean") return String(value);
      return fail();
    case Secret:
      if (value instanceof Secret) return value;
      if (typeof value === "string") return new Secret(value);
      if (typeof value === "number" || typeof value === "bigint") return new Secret(String(value));
      return fail();
    case Number: {
      if (typeof value === "number") return value;
      if (typeof value === "bigint") {
        if (value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER)) return Number(value);
        return fail("too large for a number; declare the field as BigInt");
      }
      if (text) {
        const n = Number(text);
        if (Number.isFinite(n)) return n;
      }
      return fail();
    }
    case BigInt:
      if (typeof value === "bigint") return value;
      if (typeof value === "number" && Number.isInteger(value)) return BigInt(value);
      if (text !== undefined && INTEGER.test(text)) return BigInt(text);
      return fail("expected an integer");
    case Boolean:
      if (typeof value === "boolean") return value;
      if (text !== undefined) {
        const lower = text.toLowerCase();
        if (lower === "true" || lower === "1") return true;
        if (lower === "false" || lower === "0") return false;
      }
      return fail('expected "true" or "false"');
    case Date: {
      if (value instanceof Date && !Number.isNaN(value.getTime())) return new Date(value.getTime());
      if (text !== undefined && ISO_DATE.test(text)) {
        const date = new Date(text);
        if (!Number.isNaN(date.getTime())) return date;
      }
      return fail("expected an ISO-8601 date, e.g. 2024-01-31T12:00:00Z");
    }
    case Object: {
      if (isPlainObject(value)) return value;
      if (text !== undefined) {
        const parsed = parseJson(text);
        if (parsed.ok && isPlainObject(parsed.value)) return parsed.value;
      }
      return fail("expected a TOML table or a JSON object");
    }
    case Array: {
      if (Array.isArray(value)) return value;
      if (text !== undefined) {
        const parsed = parseJson(text);
        if (parsed.ok && Array.isArray(parsed.value)) return parsed.value;
      }
      return fail("expected a TOML array or a JSON array");
    }
    default:
      if (value instanceof type) return value;
      return fail();
  }
}
