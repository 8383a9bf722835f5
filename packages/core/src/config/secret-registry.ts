import { inspect } from "node:util";
import { Secret, SECRET_MASK } from "./secret.js";

/*
 * Every secret value the resolver handed out in this process, so text that
 * dlt-ts writes (job failure files, run info, traces, exception messages) can
 * be masked even when user code put a secret into an error of its own
 * (`throw new Error(JSON.stringify(this))`). The resolver registers values;
 * the loader and the pipeline mask what they record.
 */

/**
 * Values shorter than this are not masked: replacing every "pw" or "x" in a
 * message would garble it without protecting anything worth the name.
 */
export const MIN_MASKED_SECRET_LENGTH = 3;

/** Kept on globalThis under a registry symbol, so two installed copies of core share one registry. */
const REGISTRY_KEY = Symbol.for("dlt-ts:secret-registry");

interface SecretRegistry {
  values: Set<string>;
  /** Every printed form of every value, longest first; rebuilt after a registration. */
  forms: string[] | undefined;
}

function registry(): SecretRegistry {
  const holder = globalThis as { [REGISTRY_KEY]?: SecretRegistry };
  return (holder[REGISTRY_KEY] ??= { values: new Set(), forms: undefined });
}

/** How a value shows up in text: as is, URL-encoded (path and form style), JSON-escaped (once and twice), as util.inspect quotes it. */
function printedForms(value: string): string[] {
  const json = JSON.stringify(value).slice(1, -1);
  return [
    value,
    encodeURIComponent(value),
    new URLSearchParams({ v: value }).toString().slice(2),
    json,
    JSON.stringify(json).slice(1, -1),
    inspect(value).slice(1, -1),
  ];
}

/**
 * Records a resolved secret so {@link maskSecrets} hides it. Strings, numbers
 * and `Secret`s are recorded as their text; objects and arrays (a secret
 * given as a TOML table or JSON) by each value they hold. Values shorter than
 * {@link MIN_MASKED_SECRET_LENGTH} are ignored.
 *
 * @example
 * registerSecret("sk-live-123");
 * maskSecrets('{"apiKey":"sk-live-123"}'); // '{"apiKey":"***"}'
 */
export function registerSecret(value: unknown, depth = 0): void {
  if (value === null || value === undefined || depth > 4) return;
  if (value instanceof Secret) return registerSecret(value.reveal(), depth);
  if (typeof value === "object") {
    for (const inner of Object.values(value as Record<string, unknown>)) registerSecret(inner, depth + 1);
    return;
  }
  if (typeof value !== "string" && typeof value !== "number" && typeof value !== "bigint") return;
  const text = String(value);
  if (text.length < MIN_MASKED_SECRET_LENGTH || text === SECRET_MASK) return;
  const reg = registry();
  if (reg.values.has(text)) return;
  reg.values.add(text);
  reg.forms = undefined;
}

function forms(): string[] {
  const reg = registry();
  if (!reg.forms) {
    const all = new Set<string>();
    for (const value of reg.values) {
      for (const form of printedForms(value)) if (form.length >= MIN_MASKED_SECRET_LENGTH) all.add(form);
    }
    reg.forms = [...all].sort((a, b) => b.length - a.length);
  }
  return reg.forms;
}

/**
 * `text` with every registered secret (in any of its printed forms: raw,
 * URL-encoded, JSON-escaped) replaced by `***`. Applied to everything dlt-ts
 * records about a failure: job `.exception` files, run info, traces and the
 * messages of the exceptions it raises.
 *
 * @example
 * maskSecrets(`request failed: ${JSON.stringify(config)}`); // "request failed: {\"apiKey\":\"***\", ...}"
 */
export function maskSecrets(text: string): string {
  let masked = text;
  for (const form of forms()) {
    if (masked.includes(form)) masked = masked.split(form).join(SECRET_MASK);
  }
  return masked;
}

/**
 * Masks registered secrets in an error and its causes, in place: `message`,
 * `stack` and own string properties (what `console.error` and `util.inspect`
 * print). Used where dlt-ts hands a user's error on as the cause of its own.
 * Returns the error.
 */
export function maskSecretsInError<T>(error: T): T {
  const seen = new Set<unknown>();
  let current: unknown = error;
  // Duck-typed: errors of native addons or other realms fail `instanceof Error`.
  while (typeof current === "object" && current !== null && !seen.has(current) && seen.size < 10) {
    seen.add(current);
    const target = current as Record<string, unknown>;
    if (typeof target.message !== "string") break;
    for (const key of new Set(["message", "stack", ...Object.keys(current)])) {
      const value = target[key];
      if (typeof value !== "string") continue;
      const masked = maskSecrets(value);
      if (masked === value) continue;
      try {
        Object.defineProperty(current, key, { value: masked, writable: true, configurable: true, enumerable: key !== "message" && key !== "stack" });
      } catch {
        // A frozen error keeps its text; nothing more can be done.
      }
    }
    current = target.cause;
  }
  return error;
}
