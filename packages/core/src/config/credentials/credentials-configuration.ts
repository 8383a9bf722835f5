import { inspect, type InspectOptions } from "node:util";
import { formatInitValueMessage } from "../error-messages.js";
import { CredentialsInitValueException, NativeValueError } from "../exceptions.js";
import { SECRET_MASK } from "../secret.js";
import { getFieldSpecs } from "../spec-metadata.js";

/**
 * Base of credentials specs. A credentials class is a config spec (its fields
 * carry `@config`/`@secret`) that may also be given whole in a native form
 * (a connection string), and that never prints its secrets: `toString()`,
 * `JSON.stringify` and `util.inspect` all mask `@secret` fields.
 *
 * A spec field holding credentials stays grouped under its key when looked up:
 * `destination.postgres.credentials.password`, never `destination.password`.
 *
 * A concrete class may take the native form (or field values) in its
 * constructor, as dlt's `ConnectionStringCredentials("postgresql://...")`
 * does, by calling {@link applyInitValue} after `super()`. Its constructor
 * must also work with no argument: the resolver builds an empty instance and
 * fills it.
 */
export abstract class CredentialsConfiguration {
  /**
   * Fills fields from the native form. Sets only what the native value holds,
   * so class defaults (e.g. a port) survive.
   *
   * @throws NativeValueError when the value has the wrong shape (message must not contain the value)
   */
  abstract parseNativeRepresentation(native: string): void;

  /** The native form with real secrets, for drivers. Never log it. */
  abstract toNativeRepresentation(): string;

  /**
   * Creates credentials of this class from a native value or field values.
   *
   * @example
   * const creds = ConnectionStringCredentials.from("postgresql://loader:pw@localhost:5432/dlt_data");
   */
  static from<T extends CredentialsConfiguration>(this: new () => T, value: string | Partial<T>): T {
    const credentials = new this();
    credentials.applyInitValue(value, this);
    return credentials;
  }

  /**
   * Applies a constructor argument as dlt does with its `init_value`: a string
   * is the native form (parsed by `parseNativeRepresentation`), an object gives
   * field values, `undefined` leaves the instance empty for the resolver.
   *
   * Call it in the constructor of `owner`, the class whose constructor it is,
   * after `super()`: JS runs a class's field initializers only after its base
   * constructor returns, so a value applied by a base constructor would be
   * overwritten by a subclass's defaults (`port = 5432`) and redeclared fields.
   *
   * @example
   * constructor(value?: string | Partial<MyDbCredentials>) {
   *   super();
   *   this.applyInitValue(value, MyDbCredentials);
   * }
   * @throws NativeValueError when the string cannot be parsed (the message never holds the value)
   * @throws CredentialsInitValueException when `this` is an instance of a subclass of `owner`
   *   that has no constructor applying the value itself
   */
  protected applyInitValue(value: string | object | undefined, owner: abstract new (...args: never[]) => object): void {
    if (value === undefined || value === null) return;
    if (this.constructor !== owner) throw new CredentialsInitValueException(this.constructor.name, owner.name);
    if (typeof value === "object") {
      Object.assign(this, value);
      return;
    }
    try {
      this.parseNativeRepresentation(value);
    } catch (error) {
      if (error instanceof NativeValueError) {
        throw new NativeValueError(formatInitValueMessage({ className: owner.name, reason: error.message }), { cause: error });
      }
      throw error;
    }
  }

  /** Decorated fields with `@secret` values replaced by `***` (undefined ones left out). */
  protected maskedFields(): Record<string, unknown> {
    const fields: Record<string, unknown> = {};
    for (const field of getFieldSpecs(this.constructor as { prototype: object })) {
      if (typeof field.propertyKey !== "string") continue;
      const value: unknown = (this as Record<string, unknown>)[field.propertyKey];
      if (value === undefined) continue;
      fields[field.propertyKey] = field.secret ? SECRET_MASK : value;
    }
    return fields;
  }

  toJSON(): Record<string, unknown> {
    return this.maskedFields();
  }

  toString(): string {
    const parts = Object.entries(this.maskedFields()).map(([k, v]) => `${k}=${typeof v === "object" ? JSON.stringify(v) : String(v)}`);
    return `${this.constructor.name}(${parts.join(", ")})`;
  }

  [inspect.custom](_depth: number, options: InspectOptions): string {
    return `${this.constructor.name} ${inspect(this.maskedFields(), options)}`;
  }
}
