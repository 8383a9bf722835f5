import { coerceValue, typeName, typeOfValue } from "./coerce.js";
import type { MissingField, MissingFieldsReport, ValueSource } from "./error-messages.js";
import { ConfigFieldMissingException, ConfigValueCannotBeCoercedException, InvalidNativeValueException, NativeValueError } from "./exceptions.js";
import type { FieldType } from "./field-spec.js";
import { lookupValue } from "./lookup.js";
import { registerSecret } from "./secret-registry.js";
import type { ConfigProviders } from "./providers/config-providers.js";
import { getFieldSpecs, isSpecClass } from "./spec-metadata.js";

/*
 * The one place that turns recorded metadata into values. Decorators only
 * record; resolveConfig, resolveValue, resolveMethodParams and injectConfig all
 * end up here.
 */

/** Explicit values by property name (camelCase) or key (snake_case). */
export type ExplicitValues<T = unknown> = { [K in keyof T]?: unknown } & Record<string, unknown>;

/** A field or a parameter, as the resolver sees it. */
export interface ResolvableEntry {
  /** Name in messages: property path or `Class.method() parameter 2`. */
  readonly name: string;
  readonly key: string;
  readonly secret: boolean;
  readonly optional: boolean;
  readonly type: FieldType | undefined;
}

/** Where lookups happen and where misses are collected. */
export interface ResolveScope {
  readonly providers: ConfigProviders;
  readonly sections: readonly string[];
  /** Never-dropped sections of enclosing credentials / nested specs. */
  readonly embedded: readonly string[];
  readonly pipelineName?: string;
  /** Misses are collected here so one error can list them all. */
  readonly missing: MissingField[];
  /** Set inside credentials that accept a native value (for the fix hint). */
  readonly nativeKeyPath?: readonly string[];
}

/** Outcome of resolving one entry. */
export interface EntryResult {
  /** True when the value came from an explicit value or a provider (not a default). */
  readonly found: boolean;
  readonly value: unknown;
}

const EXPLICIT = "explicit value";

interface NativeParser {
  parseNativeRepresentation(native: string): void;
}

function hasNativeParser(cls: { prototype: object }): boolean {
  return typeof (cls.prototype as Partial<NativeParser>).parseNativeRepresentation === "function";
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}

function looksLikeJsonObject(value: string): boolean {
  return value.trim().startsWith("{");
}

/** The type a field resolves to: decorator option → design:type (unless the vague `Object`) → default value's type. */
export function effectiveType(explicitType: FieldType | undefined, designType: FieldType | undefined, current: unknown): FieldType | undefined {
  if (explicitType) return explicitType;
  if (designType && designType !== Object) return designType;
  return typeOfValue(current) ?? (designType === Object ? undefined : designType);
}

/** Explicit value of a field, by property name first, then by key; null and undefined mean "not given". */
export function pickExplicit(explicit: Record<string, unknown> | undefined, propertyKey: string | symbol, key: string): unknown {
  if (!explicit) return undefined;
  const byProperty = explicit[propertyKey as string];
  if (byProperty !== undefined && byProperty !== null) return byProperty;
  const byKey = explicit[key];
  return byKey === null ? undefined : byKey;
}

/**
 * Resolves one entry: explicit value, else the providers, else `current` (the
 * default). A miss on a required entry is recorded in `scope.missing`.
 */
export function resolveEntry(entry: ResolvableEntry, current: unknown, explicitValue: unknown, scope: ResolveScope): EntryResult {
  const keyPath = [...scope.sections, ...scope.embedded, entry.key];
  if (isSpecClass(entry.type)) return resolveNestedSpec(entry, entry.type, current, explicitValue, scope);

  if (explicitValue !== undefined) {
    const source = { provider: EXPLICIT, location: entry.name };
    return found(entry, coerceValue(explicitValue, entry.type, { keyPath, source, secret: entry.secret }));
  }
  const result = lookupValue(scope.providers, {
    key: entry.key,
    sections: scope.sections,
    embeddedSections: scope.embedded,
    pipelineName: scope.pipelineName,
    secret: entry.secret,
  });
  if (result.found) {
    const source = result.source as ValueSource;
    return found(entry, coerceValue(result.value, entry.type, { keyPath, source, secret: entry.secret }));
  }
  if (current === undefined && !entry.optional) {
    scope.missing.push({
      name: entry.name,
      keyPath,
      typeName: typeName(entry.type),
      secret: entry.secret,
      traces: result.traces,
      nativeKeyPath: scope.nativeKeyPath,
    });
  }
  return { found: false, value: current };
}

/** A value found for `entry`; a secret is registered so everything dlt-ts records about failures masks it. */
function found(entry: ResolvableEntry, value: unknown): EntryResult {
  if (entry.secret) registerSecret(value);
  return { found: true, value };
}

/**
 * A nested spec (credentials): given whole (an instance, a native string such
 * as a connection string, a JSON object, a plain object) or field by field
 * under its own never-dropped section.
 */
function resolveNestedSpec(
  entry: ResolvableEntry,
  cls: { new (): object; prototype: object },
  current: unknown,
  explicitValue: unknown,
  scope: ResolveScope,
): EntryResult {
  const keyPath = [...scope.sections, ...scope.embedded, entry.key];
  const nativeParser = hasNativeParser(cls);
  let nested: object = current instanceof cls ? current : new cls();
  // Values that must not be looked up again: given in code or in the native value.
  let fixed: Record<string, unknown> = {};
  let found = false;

  const applyNative = (value: string, source: ValueSource): void => {
    if (looksLikeJsonObject(value)) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(value);
      } catch {
        throw new InvalidNativeValueException(keyPath, source, cls.name, "invalid JSON object");
      }
      if (!isPlainObject(parsed)) throw new InvalidNativeValueException(keyPath, source, cls.name, "expected a JSON object");
      fixed = { ...parsed };
      return;
    }
    const before = { ...(nested as Record<string, unknown>) };
    try {
      (nested as NativeParser).parseNativeRepresentation(value);
    } catch (error) {
      if (error instanceof NativeValueError) throw new InvalidNativeValueException(keyPath, source, cls.name, error.message);
      throw error;
    }
    // What the native value set is fixed; what it left alone can still come from providers.
    for (const [prop, v] of Object.entries(nested)) if (v !== before[prop]) fixed[prop] = v;
  };

  if (explicitValue instanceof cls) {
    nested = explicitValue;
    fixed = Object.fromEntries(Object.entries(explicitValue).filter(([, v]) => v !== undefined));
    found = true;
  } else if (typeof explicitValue === "string" && (nativeParser || looksLikeJsonObject(explicitValue))) {
    applyNative(explicitValue, { provider: EXPLICIT, location: entry.name });
    found = true;
  } else if (isPlainObject(explicitValue)) {
    fixed = { ...explicitValue };
    found = true;
  } else if (explicitValue !== undefined) {
    throw new ConfigValueCannotBeCoercedException(keyPath, { provider: EXPLICIT, location: entry.name }, cls.name, entry.secret, explicitValue);
  } else {
    const hasSecrets = getFieldSpecs(cls).some((f) => f.secret);
    const result = lookupValue(scope.providers, {
      key: entry.key,
      sections: scope.sections,
      embeddedSections: scope.embedded,
      pipelineName: scope.pipelineName,
      // A native value (connection string) of credentials holds their secrets.
      secret: entry.secret || hasSecrets,
      // Tables are not native values: their keys are found field by field below.
      accept: (v) => typeof v === "string" && (nativeParser || looksLikeJsonObject(v)),
    });
    if (result.found) {
      applyNative(result.value as string, result.source as ValueSource);
      found = true;
    }
  }

  const inner: ResolveScope = {
    ...scope,
    embedded: [...scope.embedded, entry.key],
    missing: entry.optional ? [] : scope.missing,
    nativeKeyPath: nativeParser ? keyPath : scope.nativeKeyPath,
  };
  const foundInside = fillSpec(nested, cls, fixed, inner, `${entry.name}.`);
  if (entry.optional) {
    // An optional group nobody configured stays unset; a half-configured one still reports its gaps.
    if (!found && !foundInside) return { found: false, value: current };
    scope.missing.push(...inner.missing);
  }
  return { found: found || foundInside, value: nested };
}

/**
 * Fills the decorated properties of `instance` (values already on it are the
 * defaults). Misses go to `scope.missing`.
 *
 * @returns true when at least one value came from an explicit value or a provider
 */
export function fillSpec(
  instance: object,
  cls: { prototype: object },
  explicit: Record<string, unknown> | undefined,
  scope: ResolveScope,
  namePrefix = "",
): boolean {
  let anyFound = false;
  const target = instance as Record<string | symbol, unknown>;
  for (const field of getFieldSpecs(cls)) {
    const current = target[field.propertyKey];
    const entry: ResolvableEntry = {
      name: namePrefix + String(field.propertyKey),
      key: field.key,
      secret: field.secret,
      optional: field.optional,
      type: effectiveType(field.explicitType, field.designType, current),
    };
    const result = resolveEntry(entry, current, pickExplicit(explicit, field.propertyKey, field.key), scope);
    if (result.found) {
      anyFound = true;
      target[field.propertyKey] = result.value;
    } else if (result.value !== current) {
      target[field.propertyKey] = result.value;
    }
  }
  return anyFound;
}

/** Throws the single missing-values error when `scope.missing` is not empty. */
export function throwIfMissing(scope: ResolveScope, specName: string): void {
  if (scope.missing.length === 0) return;
  const report: MissingFieldsReport = {
    specName,
    sections: scope.sections,
    pipelineName: scope.pipelineName,
    fields: scope.missing,
    files: scope.providers.files,
    secretsTomlPath: scope.providers.secretsTomlPath,
    configTomlPath: scope.providers.configTomlPath,
  };
  throw new ConfigFieldMissingException(report);
}
