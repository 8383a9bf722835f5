import { mkdirSync } from "node:fs";
import * as path from "node:path";
import type { ConfiguredDestination, DestinationCapabilities, DestinationContext, JobClient, ReplaceStrategy, Schema } from "@dlt-ts/core";
import { SqlDestinationBase, type SqlDestinationOptions } from "@dlt-ts/sql";
import { duckdbCapabilities } from "./duckdb-capabilities.js";
import { DuckdbClientConfiguration } from "./duckdb-configuration.js";
import { DuckdbCredentials, PIPELINE_DATABASE } from "./duckdb-credentials.js";
import { DuckdbDatabase, MEMORY_DATABASE, type DuckdbInstanceLike } from "./duckdb-database.js";
import { DuckdbJobClient } from "./duckdb-job-client.js";
import { DuckdbSqlClient } from "./duckdb-sql-client.js";

/** Options of `duckdb()`; each wins over config files and env vars. */
export interface DuckdbDestinationOptions extends SqlDestinationOptions {
  /**
   * The database: a file path (relative to the working directory), a
   * `duckdb:///path` URL, `":memory:"`, `":pipeline:"` (`<pipeline_name>.duckdb`
   * in the pipeline's working dir), a `DuckdbCredentials`, or an open
   * `DuckDBInstance` (used as is, never closed by dlt-ts).
   * Default: `destination.<name>.credentials` from env / TOML, else
   * `<pipeline_name>.duckdb` in the working directory.
   */
  credentials?: string | DuckdbCredentials | DuckdbInstanceLike;
  /** UNIQUE constraints for `unique` columns. Default false. */
  createIndexes?: boolean;
  /** Default "truncate-and-insert". */
  replaceStrategy?: ReplaceStrategy;
  /** Default "%s_staging". */
  stagingDatasetNameLayout?: string;
  /** With `pipeline({ staging })`: delete the staged files of a package's tables before uploading its own. Default true (as dlt). */
  truncateTablesOnStagingDestinationBeforeLoad?: boolean;
  /**
   * DuckDB's `memory_limit`, e.g. "2GB". Default for a database file: 256 MB
   * per DuckDB thread, at least 1 GB (`defaultDuckdbMemoryLimit`), doubled
   * when a load runs out of memory; in memory: DuckDB's (80% of RAM).
   */
  memoryLimit?: string;
  /** DuckDB's `threads`. Default: DuckDB's (the cores). */
  threads?: number;
  /** DuckDB's `preserve_insertion_order`. Default: DuckDB's (true). */
  preserveInsertionOrder?: boolean;
  /** DuckDB's `temp_directory`. Default: DuckDB's (`<database>.tmp`). */
  tempDirectory?: string;
  /** Rows per row group of the database file (DuckDB's `ROW_GROUP_SIZE`, a multiple of 2048). Default 10240. */
  rowGroupSize?: number;
  /** Bytes per block of a new database file (DuckDB's `BLOCK_SIZE`, a power of two from 16384 to 262144). Default 65536. */
  blockSize?: number;
}

function isInstance(value: unknown): value is DuckdbInstanceLike {
  return typeof value === "object" && value !== null && typeof (value as DuckdbInstanceLike).connect === "function";
}

/** DuckDB resolved for one pipeline run. */
export class ConfiguredDuckdb implements ConfiguredDestination {
  constructor(
    private readonly config: DuckdbClientConfiguration,
    private readonly context: DestinationContext,
    private readonly database: DuckdbDatabase,
    readonly capabilities: DestinationCapabilities,
  ) {}

  get truncateTablesOnStagingDestinationBeforeLoad(): boolean {
    return this.config.truncateTablesOnStagingDestinationBeforeLoad;
  }

  /** `duckdb:///<absolute path>` (`duckdb:////tmp/x.duckdb`), or `duckdb:///:memory:`. */
  get location(): string {
    return `duckdb:///${this.database.path}`;
  }

  async createClient(schema: Schema): Promise<JobClient> {
    return new DuckdbJobClient(schema, this.newSqlClient(), {
      createIndexes: this.config.createIndexes,
      replaceStrategy: this.config.replaceStrategy,
    });
  }

  async sqlClient(): Promise<DuckdbSqlClient> {
    return this.newSqlClient();
  }

  private newSqlClient(): DuckdbSqlClient {
    const dataset = this.context.datasetName;
    return new DuckdbSqlClient(this.capabilities, dataset, this.database, {
      stagingDatasetName: this.config.stagingDatasetNameLayout.replace("%s", dataset),
    });
  }
}

/**
 * The DuckDB destination: an embedded database in one file, no server.
 * Config comes from the options, else `destination.duckdb.*` in env vars /
 * `.dlt/*.toml` (e.g. `DESTINATION__DUCKDB__CREDENTIALS=data/github.duckdb`).
 */
export class DuckdbDestination extends SqlDestinationBase<DuckdbClientConfiguration, DuckdbDestinationOptions, ConfiguredDuckdb> {
  /** In-memory (or user-given) database: lives as long as this object, so later runs and `sqlClient()` see the data. */
  private ownDatabase: DuckdbDatabase | undefined;

  constructor(options: DuckdbDestinationOptions = {}) {
    super("duckdb", DuckdbClientConfiguration, options);
    if (isInstance(options.credentials)) this.ownDatabase = DuckdbDatabase.fromInstance(options.credentials);
  }

  capabilities(): DestinationCapabilities {
    return duckdbCapabilities();
  }

  /** An open DuckDB instance given as credentials is not a config value. */
  protected override explicitConfig(): Record<string, unknown> {
    const explicit = super.explicitConfig();
    if (isInstance(explicit.credentials)) delete explicit.credentials;
    return explicit;
  }

  protected configured(config: DuckdbClientConfiguration, context: DestinationContext, capabilities: DestinationCapabilities): ConfiguredDuckdb {
    return new ConfiguredDuckdb(config, context, this.database(config, context), capabilities);
  }

  private database(config: DuckdbClientConfiguration, context: DestinationContext): DuckdbDatabase {
    if (this.ownDatabase) return this.ownDatabase;
    const location = config.credentials?.database;
    if (location === MEMORY_DATABASE) return (this.ownDatabase = DuckdbDatabase.memory(config.duckdbSettings()));
    const open = config.openOptions();
    if (location === PIPELINE_DATABASE) {
      mkdirSync(context.workingDir, { recursive: true });
      return DuckdbDatabase.file(path.join(context.workingDir, `${context.pipelineName}.duckdb`), open);
    }
    return DuckdbDatabase.file(location ?? `${context.pipelineName}.duckdb`, open);
  }
}

/**
 * Creates the DuckDB destination for `pipeline({ destination })`; also what
 * `destination: "duckdb"` resolves to.
 *
 * @example
 * import { pipeline } from "dlt-ts";
 * import { duckdb } from "@dlt-ts/destination-duckdb";
 * const p = pipeline({ pipelineName: "github", destination: duckdb({ credentials: "data/github.duckdb" }), datasetName: "github_data" });
 * await p.run(events, { tableName: "events" });
 */
export function duckdb(options: DuckdbDestinationOptions = {}): DuckdbDestination {
  return new DuckdbDestination(options);
}
