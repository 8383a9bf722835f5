import "reflect-metadata";
import type { SinkOptions } from "./sink-options.js";

/*
 * Metadata keys of the sink decorators, as `Symbol.for` so two installed
 * copies of the package agree (core's metadata-keys.ts holds the config ones).
 */

/** Class-level: the `SinkOptions` given to `@destination(...)`. */
export const SINK_OPTIONS_KEY = Symbol.for("dlt-ts:sink-options");

/** Instance-level (non-enumerable property): explicit values given to the constructor of a `@destination` class. */
export const SINK_EXPLICIT_KEY = Symbol.for("dlt-ts:sink-explicit");

export function recordSinkOptions(cls: object, options: SinkOptions): void {
  Reflect.defineMetadata(SINK_OPTIONS_KEY, options, cls);
}

/** The `@destination` options of a class (or of its nearest decorated base class). */
export function getSinkOptions(cls: unknown): SinkOptions | undefined {
  if (typeof cls !== "function") return undefined;
  return Reflect.getMetadata(SINK_OPTIONS_KEY, cls) as SinkOptions | undefined;
}

/** Explicit values captured from `new MyDestination({ ... })`. */
export function getCapturedExplicit(instance: object): Record<string, unknown> | undefined {
  return (instance as Record<symbol, Record<string, unknown> | undefined>)[SINK_EXPLICIT_KEY];
}

export function captureExplicit(instance: object, explicit: Record<string, unknown>): void {
  Object.defineProperty(instance, SINK_EXPLICIT_KEY, { value: explicit, enumerable: false, configurable: true });
}
