import type { DataItem } from "@dlt-ts/core";
import type { BoundIncremental } from "./incremental/bound-incremental.js";

/** What a resource's function is called with. */
export interface ResourceArguments {
  /** The resource's incremental, bound to this run's state (when the resource declares one). */
  incremental?: BoundIncremental<any>;
}

/** Anything a resource can be made of. */
export type DataSource =
  | unknown[]
  | Record<string, unknown>
  | Iterable<unknown>
  | AsyncIterable<unknown>
  | ((args: ResourceArguments) => unknown);


/**
 * Iterates any supported data form as items: arrays, one object, sync or
 * async iterables and generators, promises, and functions returning any of
 * these. Items that are not objects are wrapped as `{ value: x }`, and null or
 * undefined items are skipped, as dlt does.
 */
export async function* iterateItems(data: unknown, args?: ResourceArguments): AsyncGenerator<DataItem> {
  let source = data;
  if (typeof source === "function") source = (source as (args: ResourceArguments) => unknown)(args ?? {});
  if (isPromise(source)) source = await source;
  if (source === null || source === undefined) return;
  if (typeof source === "string" || !isIterable(source)) {
    yield wrap(source);
    return;
  }
  for await (const item of source as AsyncIterable<unknown>) {
    // As dlt skips None: a null or undefined item is no row.
    if (item === null || item === undefined) continue;
    // A list yielded by a generator is a page of items, as in dlt.
    if (Array.isArray(item)) {
      for (const inner of item) if (inner !== null && inner !== undefined) yield wrap(inner);
    } else {
      yield wrap(item);
    }
  }
}

function wrap(item: unknown): DataItem {
  if (item !== null && typeof item === "object" && !Array.isArray(item) && !(item instanceof Date) && !(item instanceof Uint8Array)) {
    return item as DataItem;
  }
  return { value: item };
}

function isPromise(value: unknown): value is Promise<unknown> {
  return value !== null && typeof value === "object" && typeof (value as Promise<unknown>).then === "function";
}

function isIterable(value: unknown): value is Iterable<unknown> | AsyncIterable<unknown> {
  if (value === null || typeof value !== "object") return false;
  // A Map is one record, as a dict is to dlt (its entries are not rows); it becomes an object when extracted.
  if (value instanceof Date || value instanceof Uint8Array || value instanceof Map) return false;
  return Symbol.iterator in value || Symbol.asyncIterator in value;
}
