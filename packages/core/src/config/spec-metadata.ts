import "reflect-metadata";
import { CONFIG_FIELDS_KEY, CONFIG_PARAMS_KEY, CONFIG_SPEC_KEY } from "../metadata-keys.js";
import type { FieldSpec, ParamSpec, SpecOptions } from "./field-spec.js";
import { SYMBOL_METADATA } from "./symbol-metadata.js";

/*
 * Reading and writing of config metadata. Records are stored per class as
 * *own* metadata and merged along the prototype chain when read, so a subclass
 * (PostgresCredentials extends ConnectionStringCredentials) inherits its
 * parent's fields and may redeclare one to change it.
 *
 * Legacy decorators record with reflect-metadata (fields on the prototype,
 * spec options on the class); standard decorators record into the class's
 * `context.metadata` (`Class[Symbol.metadata]`). A class's metadata object
 * inherits from its parent's, so only its *own* keys are its records. The
 * readers merge both kinds per class, which also covers a standard-compiled
 * user class extending a legacy-compiled one from core's dist.
 */

/** Records one property field on `prototype`. */
export function recordField(prototype: object, field: FieldSpec): void {
  const own: Map<string | symbol, FieldSpec> =
    Reflect.getOwnMetadata(CONFIG_FIELDS_KEY, prototype) ?? new Map<string | symbol, FieldSpec>();
  own.set(field.propertyKey, field);
  Reflect.defineMetadata(CONFIG_FIELDS_KEY, own, prototype);
}

/** Records one method parameter on `prototype`. */
export function recordParam(prototype: object, method: string | symbol, param: ParamSpec): void {
  const own: Map<string | symbol, ParamSpec[]> =
    Reflect.getOwnMetadata(CONFIG_PARAMS_KEY, prototype) ?? new Map<string | symbol, ParamSpec[]>();
  const params = (own.get(method) ?? []).filter((p) => p.index !== param.index);
  params.push(param);
  params.sort((a, b) => a.index - b.index);
  own.set(method, params);
  Reflect.defineMetadata(CONFIG_PARAMS_KEY, own, prototype);
}

/** Records `@configSpec` options on a class. */
export function recordSpec(cls: object, options: SpecOptions): void {
  Reflect.defineMetadata(CONFIG_SPEC_KEY, options, cls);
}

/** Records one field into a standard decorator's `context.metadata`. */
export function recordFieldInMetadata(metadata: DecoratorMetadataObject, field: FieldSpec): void {
  // Never add to the parent class's map, which `metadata` inherits.
  const own = ownRecord<Map<string | symbol, FieldSpec>>(metadata, CONFIG_FIELDS_KEY) ?? new Map<string | symbol, FieldSpec>();
  own.set(field.propertyKey, field);
  metadata[CONFIG_FIELDS_KEY] = own;
}

/** Records `@configSpec` options into a standard decorator's `context.metadata`. */
export function recordSpecInMetadata(metadata: DecoratorMetadataObject, options: SpecOptions): void {
  metadata[CONFIG_SPEC_KEY] = options;
}

function ownRecord<T>(metadata: DecoratorMetadataObject | undefined, key: symbol): T | undefined {
  return metadata !== undefined && Object.hasOwn(metadata, key) ? (metadata[key] as T) : undefined;
}

/** The standard-decorator metadata a class defined itself (a class without decorators inherits its parent's). */
function ownClassMetadata(cls: unknown): DecoratorMetadataObject | undefined {
  if (typeof cls !== "function" || !Object.hasOwn(cls, SYMBOL_METADATA)) return undefined;
  const metadata: unknown = Reflect.get(cls, SYMBOL_METADATA);
  return typeof metadata === "object" && metadata !== null ? (metadata as DecoratorMetadataObject) : undefined;
}

/** The class a prototype belongs to, when it is that class's own prototype. */
function classOf(prototype: object): unknown {
  if (!Object.hasOwn(prototype, "constructor")) return undefined;
  const cls: unknown = (prototype as { constructor: unknown }).constructor;
  return typeof cls === "function" && cls.prototype === prototype ? cls : undefined;
}

function prototypeChain(prototype: object | null): object[] {
  const chain: object[] = [];
  for (let p = prototype; p && p !== Object.prototype; p = Object.getPrototypeOf(p)) chain.unshift(p);
  return chain;
}

/** All fields of a class (base class fields first, subclasses override by property name). */
export function getFieldSpecs(cls: { prototype: object }): FieldSpec[] {
  const merged = new Map<string | symbol, FieldSpec>();
  for (const proto of prototypeChain(cls.prototype)) {
    const legacy: Map<string | symbol, FieldSpec> | undefined = Reflect.getOwnMetadata(CONFIG_FIELDS_KEY, proto);
    legacy?.forEach((field, key) => merged.set(key, field));
    const standard = ownRecord<Map<string | symbol, FieldSpec>>(ownClassMetadata(classOf(proto)), CONFIG_FIELDS_KEY);
    standard?.forEach((field, key) => merged.set(key, field));
  }
  return [...merged.values()];
}

/** The decorated parameters of `method`, looked up along the prototype chain (nearest class wins). */
export function getParamSpecs(prototype: object, method: string | symbol): ParamSpec[] {
  for (const proto of prototypeChain(prototype).reverse()) {
    const own: Map<string | symbol, ParamSpec[]> | undefined = Reflect.getOwnMetadata(CONFIG_PARAMS_KEY, proto);
    const params = own?.get(method);
    if (params) return params;
  }
  return [];
}

/** `@configSpec` options of a class or its nearest decorated base class. */
export function getSpecOptions(cls: object): SpecOptions | undefined {
  for (let c: object | null = cls; c && c !== Function.prototype && c !== Object.prototype; c = Object.getPrototypeOf(c)) {
    const options: SpecOptions | undefined = Reflect.getOwnMetadata(CONFIG_SPEC_KEY, c) ?? ownRecord(ownClassMetadata(c), CONFIG_SPEC_KEY);
    if (options !== undefined) return options;
  }
  return undefined;
}

/** True for a class marked `@configSpec` or declaring at least one `@config`/`@secret` field. */
export function isSpecClass(value: unknown): value is { new (): object; prototype: object } {
  if (typeof value !== "function" || !value.prototype) return false;
  return getSpecOptions(value) !== undefined || getFieldSpecs(value as { prototype: object }).length > 0;
}

/** Sections from `@configSpec({ section })`, split on dots. */
export function specSections(cls: object): string[] {
  const section = getSpecOptions(cls)?.section;
  if (section === undefined) return [];
  const parts = typeof section === "string" ? [section] : [...section];
  return parts.flatMap((part) => part.split(".")).filter((part) => part.length > 0);
}
