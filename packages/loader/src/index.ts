export * from "./load/loader.js";
export * from "./load/loader-options.js";
export * from "./load/load-result.js";
export * from "./load/load-exceptions.js";
export { describeError } from "./load/describe-error.js";
export { destination, DestinationBase, type FunctionSinkOptions } from "./sink/destination.decorator.js";
export { destinationFrom, type DestinationFromOptions } from "./sink/destination-from.js";
export {
  SinkDestination,
  ConfiguredSinkDestination,
  sinkCapabilities,
  DESTINATION_CALLABLE_KEY,
  type SinkClass,
  type SinkFunction,
  type SinkWriter,
  type SinkTarget,
  type SinkDestinationInit,
} from "./sink/sink-destination.js";
export { SinkJobClient, SinkLoadJob } from "./sink/sink-job-client.js";
export { toSinkDestination, isSinkClass } from "./sink/to-sink-destination.js";
export { DestinationCallableNotFound, InvalidSinkCallable, SinkOptionsException } from "./sink/sink-exceptions.js";
export type { SinkItem, SinkOptions, SinkFileFormat, ResolvedSinkOptions } from "./sink/sink-options.js";
export * from "./sql/sql-job-client.js";
export * from "./sql/sql-load-job.js";
export * from "./sql/sql-followup-sql.js";
export * from "./sql/insert-values-reader.js";
export * from "./sql/sql-destination-config.js";
export { resolveLoaderSettings, type ResolveLoaderSettingsOptions } from "./load/loader-config.js";
