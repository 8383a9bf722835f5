import "reflect-metadata";
import { CONFIG_FIELDS_KEY, CONFIG_PARAMS_KEY, CONFIG_SPEC_KEY } from "../metadata-keys.js";
import type { FieldSpec, ParamSpec, SpecOptions } from "./field-spec.js";

/*
 * Reading and writing of config metadata. Records are stored per class as
 * *own* metadata and merged along the prototype chain when read, so a subclass
 * (PostgresCredentials extends ConnectionStringCredentials) inherits its
 * parent's fields and may redeclare one to change it.
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

function prototypeChain(prototype: object | null): object[] {
  const chain: object[] = [];
  for (let p = prototype; p && p !== Object.prototype; p = Object.getPrototypeOf(p)) chain.unshift(p);
  return chain;
}

/** All fields of a class (base class fields first, subclasses override by property name). */
export function getFieldSpecs(cls: { prototype: object }): FieldSpec[] {
  const merged = new Map<string | symbol, FieldSpec>();
  for (const proto of prototypeChain(cls.prototype)) {
    const own: Map<string | symbol, FieldSpec> | undefined = Reflect.getOwnMetadata(CONFIG_FIELDS_KEY, proto);
    own?.forEach((field, key) => merged.set(key, field));
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
  return Reflect.getMetadata(CONFIG_SPEC_KEY, cls);
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
