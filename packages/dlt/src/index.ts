import "reflect-metadata";

/*
 * What a dlt-ts user imports. Everything here is public API; the stages'
 * internals (normalizer, loader, SQL kit) stay in their own packages.
 */

// Pipelines, resources, sources
export { pipeline, Pipeline, newLoadId, type PipelineOptions, type RunOptions, type RunData } from "./pipeline/pipeline.js";
export { PipelineStepFailed } from "./pipeline/pipeline-exceptions.js";
export { PipelineSqlClient } from "./pipeline/pipeline-sql-client.js";
export { Dataset } from "./dataset/dataset.js";
export { Relation, type WhereOperator } from "./dataset/relation.js";
export { resolveDestination, type DestinationReference } from "./pipeline/destination-reference.js";
export type { PipelineState } from "./pipeline/pipeline-state.js";
export { resource, DltResource, type ResourceOptions } from "./extract/resource.js";
export { source, DltSource, type SourceOptions } from "./extract/source.js";
export { incremental, Incremental, type IncrementalOptions, type LastValueFunc } from "./extract/incremental/incremental.js";
export type { BoundIncremental, IncrementalState } from "./extract/incremental/bound-incremental.js";
export {
  IncrementalException,
  IncrementalCursorPathMissing,
  IncrementalCursorInvalidCoercion,
  IncrementalPrimaryKeyMissing,
  IncrementalOptionsException,
} from "./extract/incremental/incremental-exceptions.js";
export type { DataSource, ResourceArguments } from "./extract/data-items.js";
export type { ExtractInfo } from "./extract/extractor.js";
export { UnsupportedValueException } from "./extract/unsupported-value-exception.js";

// Run info
export { LoadInfo } from "./run-info/load-info.js";
export { NormalizeInfo } from "./run-info/normalize-info.js";
export type { PipelineTrace, TraceStep } from "./run-info/trace.js";
export type { ProgressMode } from "./run-info/progress.js";
export {
  LoadClientJobFailed,
  LoadClientJobRetry,
  LoadConfiguration,
  LoadPackageException,
  LoadPackageStepFailed,
  type LoadJobResult,
  type LoadPackageResult,
} from "@dlt-ts/loader";
export { NormalizeConfiguration, DataWriterConfiguration } from "@dlt-ts/normalizer";

// Your code as a destination
export {
  destination,
  destinationFrom,
  DestinationBase,
  DestinationCallableNotFound,
  InvalidSinkCallable,
  SinkOptionsException,
  type DestinationFromOptions,
  type FunctionSinkOptions,
  type SinkBatch,
  type SinkOptions,
  type SinkItem,
} from "@dlt-ts/destination-sink";

// Config, secrets and credentials
export {
  config,
  configSpec,
  secret,
  resolveConfig,
  RuntimeConfiguration,
  Secret,
  ConnectionStringCredentials,
  CredentialsConfiguration,
  type ExplicitValues,
  type FieldOptions,
  type ResolveConfigOptions,
  type SpecOptions,
} from "@dlt-ts/core";

// The pipeline's DI container: your services and the pipeline context, injected into a destination class
export {
  inject,
  PIPELINE_CONTEXT,
  PIPELINE_NAME,
  type DependencyContainer,
  type InjectionToken,
  type PipelineContext,
  type PipelineLogger,
} from "@dlt-ts/core";

// Destinations by name
export {
  registerDestination,
  unregisterDestination,
  registeredDestinations,
  resolveDestinationByName,
  findInstalledDestinations,
  type Destination,
  type DestinationCapabilities,
  type DestinationFactory,
  type DestinationFactoryOptions,
  type InstalledDestination,
} from "@dlt-ts/core";

// Exceptions
export {
  DltException,
  ConfigurationException,
  ConfigFieldMissingException,
  ConfigValueCannotBeCoercedException,
  ConfigDecoratorException,
  DestinationException,
  DestinationTerminalException,
  DestinationTransientException,
  DatabaseException,
  DatabaseTerminalException,
  DatabaseTransientException,
  DatabaseUndefinedRelation,
  UnknownDestinationException,
  UnknownOptionException,
  InjectionException,
} from "@dlt-ts/core";

// Data and schema types
export {
  Schema,
  type ColumnHints,
  type ColumnSchema,
  type ColumnsHint,
  type DataItem,
  type DataType,
  type LoaderFileFormat,
  type MergeStrategy,
  type ReplaceStrategy,
  type SqlClient,
  type SqlQueryResult,
  type SqlRow,
  type TableHintOptions,
  type TableSchema,
  type WriteDisposition,
  type WriteDispositionConfig,
} from "@dlt-ts/core";
