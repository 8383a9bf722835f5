/*
 * @dlt-ts/core: what destinations, the stages and the pipeline share.
 * Everything here is public API; what is not named here is internal.
 */

// Base exception, bigint as JSON digits
export { DltException } from "./common/dlt-exception.js";
export { bigintAsDigits } from "./common/json-bigint.js";

// Config, secrets, credentials and DI
export {
  config,
  secret,
  configSpec,
  Secret,
  registerSecret,
  maskSecrets,
  maskSecretsInError,
  CredentialsConfiguration,
  ConnectionStringCredentials,
  resolveConfig,
  injectConfig,
  resolveMethodParams,
  toSnakeCase,
  createConfigProviders,
  resolveProjectDir,
  ConfigurationException,
  ConfigFieldMissingException,
  ConfigValueCannotBeCoercedException,
  ConfigDecoratorException,
  NativeValueError,
  type Constructor,
  type ExplicitValues,
  type FieldOptions,
  type ResolveConfigOptions,
  type SpecOptions,
} from "./config/index.js";

// Schema: data types, tables and columns, hints, system tables
export type { DataType } from "./schema/data-types.js";
export type {
  ColumnHints,
  ColumnSchema,
  LoaderFileFormat,
  MergeStrategy,
  Scd2Settings,
  ReplaceStrategy,
  SchemaUpdate,
  StoredSchema,
  TableSchema,
  WriteDisposition,
} from "./schema/schema-types.js";
export { Schema, SCHEMA_ENGINE_VERSION, isDltName } from "./schema/schema.js";
export {
  normalizeTableHints,
  type ColumnsHint,
  type TableHintOptions,
  type TableHints,
  type WriteDispositionConfig,
} from "./schema/table-hints.js";
export {
  dltSystemTables,
  pipelineStateTable,
  LOADS_TABLE_NAME,
  LOAD_STATUS_LOADED,
  PIPELINE_STATE_TABLE_NAME,
  VERSION_TABLE_NAME,
} from "./schema/system-tables.js";
export { isCanonicalUtcTimestamp } from "./schema/iso-timestamp.js";
export { isCanonicalNaiveTimestamp, toNaiveTimestampText, toUtcTimestampText } from "./schema/iso-timestamp.js";

// Schema evolution and naming conventions (used by extract and normalize)
export { SchemaEvolver, TableNameCollisionException, type Row } from "./schema/schema-evolution.js";
export { ColumnSlots, slottedRowToObject, type SlottedRow } from "./schema/column-slots.js";
export type { NamingConvention } from "./schema/naming/naming-convention.js";
export { SnakeCaseNamingConvention } from "./schema/naming/snake-case.js";
export { namingConvention } from "./schema/naming/naming-registry.js";

// Destination contract: the destination, its capabilities, job client and SQL client
export type {
  ConfiguredDestination,
  Destination,
  DestinationContext,
  JobClient,
  LoadJob,
  LoadJobRequest,
  StoredPipelineState,
  TableChain,
} from "./destination/destination.js";
export {
  capabilities,
  defaultCapabilities,
  ansiEscapeIdentifier,
  ansiEscapeLiteral,
  quoteSqlString,
  type DestinationCapabilities,
  type LoaderParallelismStrategy,
} from "./destination/capabilities.js";
export type { SqlClient, SqlQueryResult, SqlRow } from "./destination/sql-client.js";
export {
  REFERENCE_FORMAT,
  isReferenceJob,
  readReferenceJob,
  referenceJobFileName,
  stagedFileFormat,
  writeReferenceJob,
  type StagedJob,
  type StagingArea,
} from "./destination/staging.js";
export {
  DestinationException,
  DestinationTerminalException,
  DestinationTransientException,
  DatabaseException,
  DatabaseTerminalException,
  DatabaseTransientException,
  DatabaseUndefinedRelation,
  isTerminal,
} from "./destination/exceptions.js";

// Destinations by name: the registry
export {
  registerDestination,
  unregisterDestination,
  registeredDestinations,
  resolveDestinationByName,
  createDestination,
  findInstalledDestinations,
  destinationPackageCandidates,
  isDestination,
  UnknownDestinationException,
  type DestinationFactory,
  type DestinationFactoryOptions,
  type InstalledDestination,
  type ResolveDestinationOptions,
} from "./destination/destination-registry.js";

// Load packages: job files, package storage, the extracted-package contract
export { formatJobFileName, parseJobFileName } from "./storage/job-file-name.js";
export {
  LoadPackageStorage,
  JOB_FOLDERS,
  type JobFolder,
  type PackageState,
} from "./storage/load-package-storage.js";
export {
  EXTRACTED_FORMAT,
  HINTS_FILE,
  type DataItem,
  type ExtractedPackageInfo,
} from "./storage/extracted-package.js";
export type { ExtractTarget } from "./storage/extract-target.js";
export { encodeTypedJson, decodeTypedJson } from "./storage/typed-json.js";

// Pipeline working dir: layout, stored schemas, atomic writes
export { PipelineLayout, defaultPipelinesDir } from "./storage/pipeline-layout.js";
export { SchemaStore } from "./storage/schema-store.js";
export { writeFileAtomic, writeJsonAtomic } from "./storage/atomic-file.js";

// Options checks, DI and resolve hooks (wave 2 resolver)
export { checkOptionNames, UnknownOptionException } from "./common/option-names.js";
export { inject, InjectionException } from "./config/inject.js";
export {
  constructInstance,
  createPipelineContainer,
  forwardConstructorInjection,
  PIPELINE_CONTEXT,
  PIPELINE_NAME,
  type PipelineContext,
  type PipelineLogger,
} from "./config/pipeline-container.js";
export type { OnResolved } from "./config/resolve-config.js";
export { RuntimeConfiguration, createPipelineLogger } from "./config/runtime-configuration.js";
export { getFieldSpecs } from "./config/spec-metadata.js";
export type { ConfigProviders } from "./config/providers/config-providers.js";
export type { DependencyContainer, InjectionToken } from "tsyringe";
export { TABLE_HINT_OPTION_NAMES } from "./schema/table-hints.js";
export { getInjectedParams } from "./config/method-params.js";
