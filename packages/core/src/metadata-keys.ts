/**
 * Every metadata key dlt-ts uses, in one place.
 *
 * Keys are `Symbol.for(...)` (the global symbol registry) so that two installed
 * copies of `@dlt-ts/core` still read each other's metadata.
 *
 * Legacy decorators (`experimentalDecorators`) store under these keys with
 * reflect-metadata, on the class or its prototype as noted. Standard (TC39)
 * decorators store under the same keys as own properties of the class's
 * `context.metadata` object (`Class[Symbol.metadata]`), holding the same values.
 */

/** Class-level: `SpecOptions` recorded by `@configSpec()`. */
export const CONFIG_SPEC_KEY = Symbol.for("dlt-ts:config-spec");

/** Prototype-level (own, per class; standard: own key of the class's metadata): `Map<propertyKey, FieldSpec>` recorded by `@config()` / `@secret()` on properties. */
export const CONFIG_FIELDS_KEY = Symbol.for("dlt-ts:config-fields");

/** Prototype-level (own, per class): `Map<methodName, ParamSpec[]>` recorded by `@config()` / `@secret()` on method parameters (legacy only: standard decorators have no parameter decorators). */
export const CONFIG_PARAMS_KEY = Symbol.for("dlt-ts:config-params");

/** Class-level: true on a class that is built by the pipeline's container with constructor injection (see pipeline-container.ts). */
export const CONSTRUCTOR_INJECTION_KEY = Symbol.for("dlt-ts:constructor-injection");
