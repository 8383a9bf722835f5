/*
 * @dlt-ts/destination-sink: user code as a destination. A class decorated
 * with @destination, a function, or a "module#export" reference becomes a
 * destination like any other (destination_type "sink").
 */

// Making a destination of a class or a function
export { destination, DestinationBase, type FunctionSinkOptions } from "./destination.decorator.js";
export { destinationFrom, type DestinationFromOptions } from "./destination-from.js";
export type { SinkBatch, SinkFileFormat, SinkItem, SinkOptions } from "./sink-options.js";

// What the pipeline calls on whatever it was given as destination
export { toSinkDestination } from "./to-sink-destination.js";

// Recording delivered batches beyond the working dir (the pipeline's state store provides it)
export { SINK_DELIVERY_JOURNAL, type SinkDeliveryJournal, type OpenSinkDeliveryJournal } from "./sink-delivery-journal.js";

// Errors
export { SinkOptionsException, DestinationCallableNotFound, InvalidSinkCallable } from "./sink-exceptions.js";

// Resolved by name: destination.<name>.destination_type = "sink"
export { sink } from "./sink-by-name.js";
export { sink as default } from "./sink-by-name.js";
export { SinkConfiguration, SinkCallableConfiguration } from "./sink-configuration.js";
