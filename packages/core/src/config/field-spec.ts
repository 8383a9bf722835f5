/**
 * What the decorators record. Decorators only write these records; the
 * resolver reads them (see spec-metadata.ts for the reading side).
 */

/** Any class: the value types a field may declare, or a spec class. */
export type Constructor<T = unknown> = new (...args: any[]) => T;

/**
 * Type of a config value. Built-ins: `String`, `Number`, `Boolean`, `BigInt`,
 * `Date`, `Object`, `Array`, `Secret`; or a spec class (a class with
 * `@config`/`@secret` fields, e.g. a credentials class) for a nested section.
 */
export type FieldType = Function;

/** Options accepted by `@config(...)` and `@secret(...)`. */
export interface FieldOptions {
  /** Key in TOML / env (snake_case). Default: snake_case of the property name. Required on parameters. */
  key?: string;
  /**
   * Value type, used to coerce env strings and check TOML values. Default: the
   * `design:type` emitted by tsc/swc, else the type of the property's default
   * value, else "any" (strings kept as they are).
   */
  type?: FieldType;
  /** When true a missing value leaves the field undefined instead of failing. Default: false. */
  optional?: boolean;
}

/** A recorded property field. */
export interface FieldSpec {
  /** Property name on the instance. */
  readonly propertyKey: string | symbol;
  /** snake_case key used in TOML / env. */
  readonly key: string;
  /** Secrets are read from env/.env and secrets.toml only, and never printed. */
  readonly secret: boolean;
  readonly optional: boolean;
  /** The type given in the decorator options. */
  readonly explicitType?: FieldType;
  /** `design:type` when the compiler emitted it (tsc, swc; not tsx/esbuild). */
  readonly designType?: FieldType;
}

/** A recorded method parameter. */
export interface ParamSpec {
  readonly index: number;
  readonly key: string;
  readonly secret: boolean;
  readonly optional: boolean;
  readonly explicitType?: FieldType;
  /** From `design:paramtypes`, when present. */
  readonly designType?: FieldType;
}

/** Options of `@configSpec(...)`. */
export interface SpecOptions {
  /**
   * Default sections the spec is resolved under, e.g. `["destination", "my_api"]`
   * or `"sources.github"` (dots split). Default: none (keys at the top level).
   */
  section?: string | readonly string[];
}
