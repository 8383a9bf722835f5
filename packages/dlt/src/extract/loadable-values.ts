import { types } from "node:util";
import type { DataItem } from "@dlt-ts/core";
import { UNSUPPORTED_REASONS, UnsupportedValueException } from "./unsupported-value-exception.js";

/**
 * Deeper nesting is left as it is: the normalizer keeps it as json and the
 * json writer reports a cycle there, as it did before values were converted.
 */
const MAX_DEPTH = 1000;

/** Returned by the walk when a value needs no change, so unchanged items are never copied. */
const UNCHANGED: unique symbol = Symbol("unchanged");
type Converted = unknown;
type ToJson = (this: unknown, key: string) => unknown;

/** Where an item comes from, named by an {@link UnsupportedValueException}. */
export interface ItemSite {
  resource: string;
  table: string;
}

/**
 * An item with every JS value turned into one the later stages know (plain
 * objects, arrays, strings, numbers, bigints, booleans, Dates, Uint8Arrays),
 * as a JS user would expect from JSON.stringify, but without its silent losses:
 * - `toJSON()` is honoured (Date and binary keep their own handling);
 * - boxed primitives (`new Number(1)`, `new String("a")`, ...) are unboxed;
 * - ArrayBuffer, typed arrays, DataView → binary (a Uint8Array over the same bytes);
 * - Map → object (string keys; number, bigint and boolean keys as their text);
 * - Set → list;
 * - RegExp → its literal text (`/ab+c/g`);
 * - Error → `{ name, message, ...own fields, cause }` (no stack: it differs per run and machine);
 * - other class instances → objects of their enumerable fields, as before;
 * - functions, symbols, Promises, WeakMaps/WeakSets/WeakRefs and iterators
 *   → {@link UnsupportedValueException} naming resource, table and path.
 *
 * Returns the item itself when nothing changes (the common case: one walk,
 * no copy), a converted copy otherwise, `{ value: x }` when the item itself
 * converts to something that is not an object, and undefined when it
 * converts to null or undefined (skipped, as null items are).
 */
export function toLoadableItem(item: DataItem, site: ItemSite): DataItem | undefined {
  let converted: Converted;
  try {
    converted = convertValue(item, "", 0);
  } catch (error) {
    if (error instanceof UnsupportedValue) throw new UnsupportedValueException(site.resource, site.table, error.path(), error.reason);
    throw error;
  }
  if (converted === UNCHANGED) return item;
  if (converted === null || converted === undefined) return undefined;
  if (typeof converted === "object" && !Array.isArray(converted) && !(converted instanceof Date) && !(converted instanceof Uint8Array)) {
    return converted as DataItem;
  }
  return { value: converted };
}

/** Thrown inside the walk; each level adds its key on the way out, so the path costs nothing until a value fails. */
class UnsupportedValue {
  private readonly segments: Array<string | number> = [];
  constructor(readonly reason: string) {}

  at(key: string | number): this {
    this.segments.push(key);
    return this;
  }

  path(): string {
    let path = "";
    for (let i = this.segments.length - 1; i >= 0; i--) {
      const segment = this.segments[i]!;
      path += typeof segment === "number" ? `[${segment}]` : path === "" ? segment : `.${segment}`;
    }
    return path;
  }
}

function convertValue(value: unknown, key: string, depth: number): Converted {
  if (typeof value !== "object") {
    if (typeof value === "function") throw new UnsupportedValue(UNSUPPORTED_REASONS.function);
    if (typeof value === "symbol") throw new UnsupportedValue(UNSUPPORTED_REASONS.symbol);
    return UNCHANGED;
  }
  if (value === null) return UNCHANGED;
  if (Array.isArray(value)) return convertArray(value, depth + 1);
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype === Object.prototype || prototype === null) return convertRecord(value as Record<string, unknown>, key, depth + 1);
  return convertInstance(value, key, depth);
}

/**
 * Members are tested inline: primitives, nearly every value, cost two typeof
 * checks and no call.
 */
function convertRecord(record: Record<string, unknown>, ownKey: string, depth: number): Converted {
  if (depth > MAX_DEPTH) return UNCHANGED;
  let copy: Record<string, unknown> | undefined;
  let toJson: ToJson | undefined;
  let key = "";
  try {
    for (key in record) {
      const member = record[key];
      if (typeof member !== "object" || member === null) {
        if (typeof member !== "function" && typeof member !== "symbol") continue;
        // A plain object may carry its own toJSON: JSON.stringify would write its result.
        if (key === "toJSON" && typeof member === "function") {
          toJson = member as ToJson;
          break;
        }
      }
      const converted = convertValue(member, key, depth);
      if (converted === UNCHANGED) continue;
      copy ??= copyRecord(record);
      setMember(copy, key, converted);
    }
  } catch (error) {
    if (error instanceof UnsupportedValue) error.at(key);
    throw error;
  }
  if (toJson) return fromToJson(record, toJson, ownKey, depth);
  return copy ?? UNCHANGED;
}

function convertArray(array: unknown[], depth: number): Converted {
  if (depth > MAX_DEPTH) return UNCHANGED;
  let copy: unknown[] | undefined;
  let index = 0;
  try {
    for (; index < array.length; index++) {
      const element = array[index];
      if ((typeof element !== "object" || element === null) && typeof element !== "function" && typeof element !== "symbol") continue;
      const converted = convertValue(element, String(index), depth);
      if (converted === UNCHANGED) continue;
      copy ??= array.slice();
      copy[index] = converted;
    }
  } catch (error) {
    if (error instanceof UnsupportedValue) error.at(index);
    throw error;
  }
  return copy ?? UNCHANGED;
}

/**
 * Objects that are not plain records or arrays: the rare path, where type
 * checks are affordable. Node's brand checks (`util.types`) also know values
 * made in another realm (a vm context, a jest test), where instanceof fails.
 */
function convertInstance(value: object, key: string, depth: number): Converted {
  // A toJSON returning its own object would recurse for ever.
  if (depth > MAX_DEPTH) return UNCHANGED;
  if (value instanceof Date || value instanceof Uint8Array) return UNCHANGED;
  // The later stages know this realm's Date only.
  if (types.isDate(value)) return new Date((value as Date).getTime());
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  if (types.isAnyArrayBuffer(value)) return new Uint8Array(value);
  const toJson = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJson === "function") return fromToJson(value, toJson as ToJson, key, depth);
  if (types.isBoxedPrimitive(value)) {
    if (types.isSymbolObject(value)) throw new UnsupportedValue(UNSUPPORTED_REASONS.symbol);
    return (value as { valueOf(): unknown }).valueOf();
  }
  if (types.isMap(value)) return mapToRecord(value as Map<unknown, unknown>, depth + 1);
  if (types.isSet(value)) {
    const list = [...(value as Set<unknown>)];
    return orUnchanged(convertArray(list, depth + 1), list);
  }
  if (types.isRegExp(value)) return String(value);
  if (types.isNativeError(value) || value instanceof Error) {
    const record = errorToRecord(value as Error);
    return orUnchanged(convertRecord(record, key, depth + 1), record);
  }
  if (types.isPromise(value) || typeof (value as { then?: unknown }).then === "function") throw new UnsupportedValue(UNSUPPORTED_REASONS.promise);
  if (types.isWeakMap(value) || types.isWeakSet(value) || value instanceof WeakRef) {
    throw new UnsupportedValue(UNSUPPORTED_REASONS.weakCollection(value.constructor.name));
  }
  if (typeof (value as { next?: unknown }).next === "function" && (Symbol.iterator in value || Symbol.asyncIterator in value)) {
    throw new UnsupportedValue(UNSUPPORTED_REASONS.iterator);
  }
  // A class instance is a record of its enumerable fields, as the normalizer has always read it.
  return convertRecord(value as Record<string, unknown>, key, depth + 1);
}

/** The value toJSON gives, converted in turn (it may return anything, a Map included). */
function fromToJson(owner: object, toJson: ToJson, key: string, depth: number): Converted {
  const result: unknown = toJson.call(owner, key);
  return orUnchanged(convertValue(result, key, depth + 1), result);
}

function orUnchanged(converted: Converted, original: unknown): unknown {
  return converted === UNCHANGED ? original : converted;
}

function mapToRecord(map: Map<unknown, unknown>, depth: number): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  for (const [mapKey, member] of map) {
    const field = fieldName(mapKey);
    if (Object.prototype.hasOwnProperty.call(record, field)) throw new UnsupportedValue(UNSUPPORTED_REASONS.mapKeyCollision(field));
    let converted: Converted;
    try {
      converted = convertValue(member, field, depth);
    } catch (error) {
      if (error instanceof UnsupportedValue) error.at(field);
      throw error;
    }
    setMember(record, field, orUnchanged(converted, member));
  }
  return record;
}

/** Keys JS itself turns into property names (`obj[1]` is `obj["1"]`) keep that text; others have no faithful name. */
function fieldName(key: unknown): string {
  switch (typeof key) {
    case "string":
      return key;
    case "number":
    case "bigint":
    case "boolean":
      return String(key);
    default:
      throw new UnsupportedValue(UNSUPPORTED_REASONS.mapKey(key === null ? "null" : typeof key));
  }
}

function errorToRecord(error: Error): Record<string, unknown> {
  const record: Record<string, unknown> = { name: error.name, message: error.message };
  for (const key in error) setMember(record, key, (error as unknown as Record<string, unknown>)[key]);
  // `cause` is an own but not enumerable field of errors made with `new Error(message, { cause })`.
  if (error.cause !== undefined) record.cause = error.cause;
  return record;
}

/** Includes inherited enumerable fields, as `for...in` (what the normalizer reads) does. */
function copyRecord(record: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const key in record) setMember(copy, key, record[key]);
  return copy;
}

/** Assignment would set the prototype for a `__proto__` key: define it as a field instead. */
function setMember(record: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__") Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
  else record[key] = value;
}
