import type { ConfiguredDestination, DestinationCapabilities, DestinationContext, JobClient, ReplaceStrategy, Schema } from "@dlt-ts/core";
import { SqlDestinationBase, type SqlDestinationOptions } from "@dlt-ts/sql";
import { postgresCapabilities } from "./postgres-capabilities.js";
import { PostgresClientConfiguration } from "./postgres-configuration.js";
import type { PostgresCredentials } from "./postgres-credentials.js";
import { PostgresJobClient } from "./postgres-job-client.js";
import { PostgresSqlClient, type PostgresConnectionParams } from "./postgres-sql-client.js";

/** Options of `postgres()`; each wins over config files and env vars. */
export interface PostgresDestinationOptions extends SqlDestinationOptions {
  /**
   * A connection string `postgresql://user:password@host:5432/database?sslmode=require&connect_timeout=15`,
   * a `PostgresCredentials`, or its fields. Default: `destination.<name>.credentials` from env / TOML.
   */
  credentials?: string | PostgresCredentials | Partial<PostgresConnectionParams>;
  /** Default true. */
  createIndexes?: boolean;
  /** Default "truncate-and-insert". */
  replaceStrategy?: ReplaceStrategy;
  /** Default "%s_staging". */
  stagingDatasetNameLayout?: string;
  /** With `pipeline({ staging })`: delete the staged files of a package's tables before uploading its own. Default true (as dlt). */
  truncateTablesOnStagingDestinationBeforeLoad?: boolean;
  /** Connections per client. Default 10. */
  poolSize?: number;
}

/** Postgres resolved for one pipeline run. */
export class ConfiguredPostgres implements ConfiguredDestination {
  readonly capabilities: DestinationCapabilities;

  constructor(
    private readonly config: PostgresClientConfiguration,
    private readonly context: DestinationContext,
    capabilities: DestinationCapabilities,
  ) {
    this.capabilities = capabilities;
  }

  get truncateTablesOnStagingDestinationBeforeLoad(): boolean {
    return this.config.truncateTablesOnStagingDestinationBeforeLoad;
  }

  /** The connection string with the password masked. */
  get location(): string {
    return String(this.config.credentials);
  }

  async createClient(schema: Schema): Promise<JobClient> {
    return new PostgresJobClient(schema, this.newSqlClient(), {
      createIndexes: this.config.createIndexes,
      replaceStrategy: this.config.replaceStrategy,
    });
  }

  async sqlClient(): Promise<PostgresSqlClient> {
    return this.newSqlClient();
  }

  private newSqlClient(): PostgresSqlClient {
    const credentials = this.config.credentials;
    const dataset = this.context.datasetName;
    return new PostgresSqlClient(this.capabilities, dataset, {
      credentials: {
        host: credentials.host,
        port: credentials.port,
        database: credentials.database,
        username: credentials.username,
        password: credentials.password,
        connectTimeout: credentials.connectTimeout,
        sslmode: credentials.sslmode ?? credentials.query?.sslmode,
      },
      poolSize: this.config.poolSize,
      stagingDatasetName: this.config.stagingDatasetNameLayout.replace("%s", dataset),
    });
  }
}

/**
 * The Postgres destination. Config and credentials come from the options,
 * else `destination.postgres.*` in env vars / `.dlt/*.toml` (e.g.
 * `DESTINATION__POSTGRES__CREDENTIALS=postgresql://loader:pw@localhost:5432/dlt_data`).
 */
export class PostgresDestination extends SqlDestinationBase<PostgresClientConfiguration, PostgresDestinationOptions, ConfiguredPostgres> {
  constructor(options: PostgresDestinationOptions = {}) {
    super("postgres", PostgresClientConfiguration, options);
  }

  capabilities(): DestinationCapabilities {
    return postgresCapabilities();
  }

  protected configured(config: PostgresClientConfiguration, context: DestinationContext, capabilities: DestinationCapabilities): ConfiguredPostgres {
    return new ConfiguredPostgres(config, context, capabilities);
  }
}

/**
 * Creates the Postgres destination for `pipeline({ destination })`.
 *
 * @example
 * import { pipeline } from "dlt-ts";
 * import { postgres } from "@dlt-ts/destination-postgres";
 * const p = pipeline({
 *   pipelineName: "github",
 *   destination: postgres({ credentials: "postgresql://loader:pw@localhost:5432/dlt_data" }),
 *   datasetName: "github_data",
 * });
 */
export function postgres(options: PostgresDestinationOptions = {}): PostgresDestination {
  return new PostgresDestination(options);
}
