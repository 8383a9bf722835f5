import { inspect } from "node:util";

const MASK = "***";

/**
 * A secret string that cannot be printed by accident: `toString()`, template
 * strings, `JSON.stringify` and `util.inspect` / `console.log` all show `***`.
 * Call `reveal()` (or read `.value`) where the real value is needed, e.g. when
 * handing it to a driver.
 *
 * @example
 * const key = new Secret("sk-123");
 * `${key}`;        // "***"
 * key.reveal();    // "sk-123"
 */
export class Secret {
  /** A private field: invisible to JSON.stringify, Object.keys and util.inspect. */
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** The real value. */
  reveal(): string {
    return this.#value;
  }

  /** The real value (same as `reveal()`). */
  get value(): string {
    return this.#value;
  }

  toString(): string {
    return MASK;
  }

  toJSON(): string {
    return MASK;
  }

  [Symbol.toPrimitive](): string {
    return MASK;
  }

  [inspect.custom](): string {
    return MASK;
  }
}

/** The mask printed in place of secret values. */
export const SECRET_MASK = MASK;

/** The real string behind a `Secret`, or the value itself. */
export function revealValue(value: unknown): unknown {
  return value instanceof Secret ? value.reveal() : value;
}
