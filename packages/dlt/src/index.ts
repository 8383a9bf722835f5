import "reflect-metadata";

export * from "@dlt-ts/core";
export {
  destination,
  destinationFrom,
  DestinationBase,
  LoadClientJobFailed,
  type DestinationFromOptions,
  type FunctionSinkOptions,
  type LoadJobResult,
  type LoadPackageResult,
} from "@dlt-ts/loader";
export { pipeline, Pipeline, newLoadId, type PipelineOptions, type RunOptions, type RunData } from "./pipeline/pipeline.js";
export { PipelineStepFailed } from "./pipeline/pipeline-exceptions.js";
export { PipelineSqlClient } from "./pipeline/pipeline-sql-client.js";
export { resolveDestination, UnknownDestinationException, type DestinationReference } from "./pipeline/destination-reference.js";
export type { PipelineState } from "./pipeline/pipeline-state.js";
export { resource, DltResource, type ResourceOptions, type TableHintOptions, type WriteDispositionConfig, type ColumnsHint } from "./extract/resource.js";
export { source, DltSource, type SourceOptions } from "./extract/source.js";
export type { DataItem, DataSource } from "./extract/data-items.js";
export type { ExtractInfo } from "./extract/extractor.js";
export { LoadInfo } from "./run-info/load-info.js";
export { NormalizeInfo } from "./run-info/normalize-info.js";
export type { PipelineTrace, TraceStep } from "./run-info/trace.js";
export type { ProgressMode } from "./run-info/progress.js";
