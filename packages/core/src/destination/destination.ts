import type { DependencyContainer } from "tsyringe";
import type { ConfigProviders } from "../config/providers/config-providers.js";
import type { DestinationCapabilities } from "./capabilities.js";
import type { Schema } from "../schema/schema.js";
import type { LoadPackageStorage } from "../storage/load-package-storage.js";
import type { StoredSchema, TableSchema } from "../schema/schema-types.js";
import type { SqlClient } from "./sql-client.js";
import type { StagingArea } from "./staging.js";
import type { Readable } from "node:stream";

/** What a destination needs to know about the pipeline that uses it. */
export interface DestinationContext {
  pipelineName: string;
  /** Dataset (SQL schema) name; `<pipeline_name>_dataset` by default. */
  datasetName: string;
  /** Pipeline working dir (`~/.dlt-ts/pipelines/<name>`). */
  workingDir: string;
  /** Project dir holding `.dlt/` (cwd by default). */
  projectDir?: string;
  /**
   * The config providers of this run (files read once): resolve with them so
   * every setting of a run comes from the same reading. Default: new ones.
   */
  providers?: ConfigProviders;
  /**
   * The pipeline's DI container: resolved configs, the pipeline context and
   * the user's registrations. Classes a destination constructs for the user
   * (a `@destination` class) are built through it. Default: none.
   */
  container?: DependencyContainer;
}

/**
 * A destination: the factory object users pass to `pipeline({ destination })`.
 * The pipeline calls `configure()` once per run, before it reads any data:
 * config and credentials are resolved there, and a missing value fails the
 * run before any work starts.
 */
export interface Destination {
  /** The kind of destination: "postgres", "duckdb", "sink", ... */
  readonly destinationType: string;
  /** Config section under `destination.`; defaults to the type. */
  readonly destinationName: string;
  capabilities(): DestinationCapabilities;
  configure(context: DestinationContext): Promise<ConfiguredDestination>;
}

export interface ConfiguredDestination {
  readonly capabilities: DestinationCapabilities;
  /** Where data goes, with every secret masked: shown in LoadInfo and traces. */
  readonly location: string;
  /** A client for one schema in the configured dataset. Callers must close() it. */
  createClient(schema: Schema): Promise<JobClient>;
  /**
   * SQL destinations only: a SQL client on the configured dataset, for reading
   * back what was loaded (`pipeline.sqlClient()`). Callers must close() it.
   */
  sqlClient?(): Promise<SqlClient>;
  /**
   * Destinations that can be a stage for another destination's files only
   * (the filesystem destination): a new connection to the stage under the
   * configured dataset. `pipeline({ staging })` needs it. The caller closes it.
   */
  createStagingArea?(): StagingArea;
  /**
   * Destinations that load from a stage: whether the loader deletes the staged
   * files of a package's tables before it uploads the package's own (dlt's
   * `truncate_tables_on_staging_destination_before_load`). Default true.
   */
  readonly truncateTablesOnStagingDestinationBeforeLoad?: boolean;
}

/** One job file of a load package, handed to `JobClient.createLoadJob`. */
export interface LoadJobRequest {
  loadId: string;
  /** `<table>.<file_id>.<retry>.<format>` */
  fileName: string;
  /** Absolute path of the file (in started_jobs). */
  filePath: string;
  /** The table as the package's schema describes it. */
  table: TableSchema;
  /** The package's storage: jobs that deliver in batches record progress there. */
  packages: LoadPackageStorage;
  /** The stage of `pipeline({ staging })`: reference jobs (`<table>.<file_id>.<retry>.reference`) read their staged files through it. */
  staging?: StagingArea;
  /**
   * Set when the job's bytes are not a local file (a staged file in a bucket):
   * opens them as a stream, and `filePath` only names the file. Jobs that
   * stream their file use it when present.
   */
  openRead?: () => Promise<Readable>;
}

export interface LoadJob {
  /**
   * Loads the file. Throws a DestinationTerminalException (or a database
   * terminal error) when retrying cannot help; anything else is retried.
   */
  run(): Promise<void>;
}

/** The table chain of a root table: the root followed by its nested tables. */
export type TableChain = TableSchema[];

/** What the loader drives for one load package. */
export interface JobClient {
  readonly capabilities: DestinationCapabilities;
  /** Creates the dataset (and system tables) when missing. */
  initializeStorage(): Promise<void>;
  /**
   * Brings destination tables up to the schema: `update` holds the tables and
   * columns the package added (new tables whole, existing tables with only
   * their new columns).
   */
  updateStoredSchema(update: Record<string, TableSchema>): Promise<void>;
  createLoadJob(request: LoadJobRequest): LoadJob;
  /**
   * Called once every job of a table chain completed: merge and replace
   * through staging run here. Optional.
   */
  completeTableChain?(loadId: string, chain: TableChain): Promise<void>;
  /**
   * Removes every row the load `loadId` wrote to the destination tables of
   * `chain` (the root followed by all its nested tables), so a table chain
   * whose jobs or follow-up did not all complete keeps nothing of the load.
   * The loader calls it for such chains of an aborted package (and for a
   * chain with a failed job when `raise_on_failed_jobs` is off); it loads a
   * nested table's jobs only once its parent table's jobs completed, so the
   * rows of a load can be found from the root's `_dlt_load_id` down the
   * `_dlt_parent_id` links. Must be idempotent. Optional: without it rows
   * that committed stay.
   */
  rollbackTableChain?(loadId: string, chain: TableChain): Promise<void>;
  /** Every job of the package is done: record the load (e.g. `_dlt_loads`). */
  completeLoad(loadId: string): Promise<void>;
  /** The newest pipeline state stored at the destination, for restore on a fresh machine. */
  getStoredState?(pipelineName: string): Promise<StoredPipelineState | undefined>;
  /**
   * The newest schema named `schemaName` stored at the destination (`_dlt_version`
   * on SQL destinations), for restore on a fresh machine. Optional.
   */
  getStoredSchema?(schemaName: string): Promise<StoredSchema | undefined>;
  /**
   * Drops `tables` (each nested table listed too) from the dataset and its
   * staging dataset, and deletes every stored version of this client's
   * schema, which no longer describes the destination; the next load stores
   * the schema again (dlt's `drop_tables(..., delete_schema=True)`). One
   * transaction where DDL is transactional. A missing table or dataset is no
   * error. Optional: `dlt-ts pipeline <name> drop` needs it.
   */
  dropTables?(tables: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

export interface StoredPipelineState {
  version: number;
  engineVersion: number;
  pipelineName: string;
  /** The state document, as the pipeline serialized it. */
  state: string;
  createdAt: Date;
  versionHash: string;
  loadId: string;
}
