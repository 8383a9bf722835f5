import {
  destinationPackageCandidates,
  DltException,
  isDestination,
  resolveDestinationByName,
  UnknownDestinationException,
  type Destination,
  type ResolveDestinationOptions,
} from "@dlt-ts/core";
import { toSinkDestination } from "@dlt-ts/destination-sink";

export { destinationPackageCandidates, isDestination, UnknownDestinationException };

/**
 * What `pipeline({ destination })` accepts: a Destination (e.g. `postgres({...})`),
 * a destination name ("postgres", "duckdb", a registered or third-party "foo",
 * a named destination whose `destination_type` is in config), a class
 * decorated with `@destination` or an instance of one, or a sink made by
 * `destination(fn)` / `destinationFrom(...)`.
 */
export type DestinationReference = Destination | string | object;

/**
 * Resolves a reference to a Destination. Names go through the destination
 * registry of @dlt-ts/core (see `resolveDestinationByName`); `options` give
 * the pipeline name and project dir its config lookups use.
 */
export async function resolveDestination(reference: DestinationReference, options: ResolveDestinationOptions = {}): Promise<Destination> {
  if (isDestination(reference)) return reference;
  if (typeof reference === "string") return resolveDestinationByName(reference, options);
  const sink = toSinkDestination(reference);
  if (sink) return sink;
  throw new DltException(
    "The destination given to pipeline() is not one dlt-ts knows: pass a destination name (\"postgres\"), " +
      "a destination factory result (postgres({...})), a class decorated with @destination, or destination(fn)",
  );
}
