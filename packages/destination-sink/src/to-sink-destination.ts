import type { Destination } from "@dlt-ts/core";
import { describeSinkValue, SinkDestination } from "./sink-destination.js";

/**
 * What `pipeline({ destination })` uses to recognise a sink: a `@destination`
 * class, an instance of one, or a SinkDestination (`destination(fn)`,
 * `destinationFrom(...)`). Anything else gives undefined (a destination name or
 * factory is resolved elsewhere).
 *
 * @example
 * const dest = toSinkDestination(MyDestination) ?? resolveNamedDestination(value);
 */
export function toSinkDestination(value: unknown): Destination | undefined {
  if (value instanceof SinkDestination) return value;
  const init = describeSinkValue(value, false);
  return init ? new SinkDestination(init) : undefined;
}

/** True for a class decorated with `@destination`. */
export function isSinkClass(value: unknown): boolean {
  return typeof value === "function" && describeSinkValue(value, false) !== undefined;
}
