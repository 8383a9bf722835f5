import type { DestinationFactoryOptions } from "@dlt-ts/core";
import { destinationFrom } from "./destination-from.js";
import type { SinkDestination } from "./sink-destination.js";
import { DEFAULT_SINK_NAME } from "./sink-options.js";

/**
 * The factory a sink is resolved by name with, like any other destination:
 * config `destination.<name>.destination_type = "sink"` and
 * `destination.<name>.destination_callable = "./sinks.js#push"` make
 * `pipeline({ destination: "<name>" })` a sink of that callable, with its
 * settings under `destination.<name>` too.
 *
 * @example
 * // .dlt/config.toml
 * // [destination.crm]
 * // destination_type = "sink"
 * // destination_callable = "./sinks.js#pushContacts"
 * pipeline({ pipelineName: "crm_push", destination: "crm" });
 */
export function sink(options: DestinationFactoryOptions = {}): SinkDestination {
  return destinationFrom(options.destinationName ?? DEFAULT_SINK_NAME);
}
