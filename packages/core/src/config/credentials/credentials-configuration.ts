import { inspect, type InspectOptions } from "node:util";
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
    if (typeof value === "string") credentials.parseNativeRepresentation(value);
    else Object.assign(credentials, value);
    return credentials;
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
