import { DltException } from "@dlt-ts/core";

/** Paths longer than this are shown by their start and end: a cycle gives a path a thousand keys long. */
const MAX_PATH_CHARS = 200;

/**
 * An item holds a value no table column can store (a function, a symbol, a
 * Promise, a WeakMap, an iterator, a Map key that cannot name a field).
 * Nothing of the run is loaded: a silently dropped value would be worse.
 */
export class UnsupportedValueException extends DltException {
  constructor(
    readonly resource: string,
    readonly table: string,
    readonly path: string,
    readonly reason: string,
  ) {
    super(unsupportedValueMessage(resource, table, path, reason));
  }
}

export function unsupportedValueMessage(resource: string, table: string, path: string, reason: string): string {
  return `resource "${resource}", table "${table}", path "${shortPath(path)}": ${reason}`;
}

function shortPath(path: string): string {
  if (path === "") return "(the item itself)";
  if (path.length <= MAX_PATH_CHARS) return path;
  const half = MAX_PATH_CHARS / 2;
  return `${path.slice(0, half)}…${path.slice(-half)}`;
}

/** Why a value of each kind cannot be stored, and what to do instead. */
export const UNSUPPORTED_REASONS = {
  function: "a function cannot be stored: call it and store its result, or leave the field out",
  symbol: "a symbol cannot be stored: store its description (symbol.description), or leave the field out",
  promise: "a Promise cannot be stored: await it before yielding the item",
  weakCollection: (kind: string) => `a ${kind} cannot be stored: its entries cannot be listed; use a Map or a Set`,
  iterator: "an iterator or generator cannot be stored: collect it into an array first (Array.from(...))",
  mapKey: (type: string) => `a Map key of type ${type} cannot become a field name: use string or number keys`,
  mapKeyCollision: (field: string) => `two keys of a Map both become the field "${field}" (e.g. 1 and "1"): one would be lost`,
};
