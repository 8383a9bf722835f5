/**
 * Every reflect-metadata key dlt-ts uses, in one place.
 *
 * Keys are `Symbol.for(...)` (the global symbol registry) so that two installed
 * copies of `@dlt-ts/core` still read each other's metadata.
 */

/** Class-level: `SpecOptions` recorded by `@configSpec()`. */
export const CONFIG_SPEC_KEY = Symbol.for("dlt-ts:config-spec");

/** Prototype-level (own, per class): `Map<propertyKey, FieldSpec>` recorded by `@config()` / `@secret()` on properties. */
export const CONFIG_FIELDS_KEY = Symbol.for("dlt-ts:config-fields");

/** Prototype-level (own, per class): `Map<methodName, ParamSpec[]>` recorded by `@config()` / `@secret()` on method parameters. */
export const CONFIG_PARAMS_KEY = Symbol.for("dlt-ts:config-params");
