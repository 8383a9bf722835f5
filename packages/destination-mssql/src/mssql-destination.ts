import type { ConfiguredDestination, DestinationCapabilities, DestinationContext, JobClient, ReplaceStrategy, Schema } from "@dlt-ts/core";
import { SqlDestinationBase, type SqlDestinationOptions } from "@dlt-ts/sql";
import { mssqlCapabilities, type MssqlCapabilitiesOptions } from "./mssql-capabilities.js";
import { MssqlClientConfiguration } from "./mssql-configuration.js";
import type { MssqlCredentials } from "./mssql-credentials.js";
import type { MssqlConnectionParams, MssqlPoolFactory } from "./mssql-driver.js";
import { MssqlJobClient } from "./mssql-job-client.js";
import { MssqlSqlClient } from "./mssql-sql-client.js";

/** Options of `mssql()`; each wins over config files and env vars. */
export interface MssqlDestinationOptions extends SqlDestinationOptions {
  /**
   * A connection string `mssql://user:password@host:1433/database?encrypt=yes&TrustServerCertificate=yes`,
   * an `MssqlCredentials`, or its fields. Default: `destination.<name>.credentials` from env / TOML.
   */
  credentials?: string | MssqlCredentials | Partial<Omit<MssqlConnectionParams, "encrypt" | "trustServerCertificate">> & {
    encrypt?: string | boolean;
    trustServerCertificate?: string | boolean;
  };
  /** UNIQUE constraints for `unique` columns. Default false. */
  createIndexes?: boolean;
  /** Default "truncate-and-insert". */
  replaceStrategy?: ReplaceStrategy;
  /** Default "%s_staging". */
  stagingDatasetNameLayout?: string;
  /** With `pipeline({ staging })`: delete the staged files of a package's tables before uploading its own. Default true (as dlt). */
  truncateTablesOnStagingDestinationBeforeLoad?: boolean;
  /** Connections per client. Default 10. */
  poolSize?: number;
  /** csv files: TDS bulk load (true) or parameterized INSERTs (false). Default true. */
  bulkLoad?: boolean;
  /**
   * File format the normalizer writes: "insert_values" (default, as dlt) or
   * "csv", the streaming bulk load (fastest for large loads). A run can
   * still ask for either with `loaderFileFormat`.
   */
  loaderFileFormat?: MssqlCapabilitiesOptions["preferredLoaderFileFormat"];
  /** Creates connection pools. Default: an `mssql` ConnectionPool (tests pass a fake). */
  poolFactory?: MssqlPoolFactory;
}

/** SQL Server resolved for one pipeline run. */
export class ConfiguredMssql implements ConfiguredDestination {
  constructor(
    private readonly config: MssqlClientConfiguration,
    private readonly context: DestinationContext,
    readonly capabilities: DestinationCapabilities,
    private readonly poolFactory: MssqlPoolFactory | undefined,
  ) {}

  get truncateTablesOnStagingDestinationBeforeLoad(): boolean {
    return this.config.truncateTablesOnStagingDestinationBeforeLoad;
  }

  /** The connection string with the password masked. */
  get location(): string {
    return String(this.config.credentials);
  }

  async createClient(schema: Schema): Promise<JobClient> {
    return new MssqlJobClient(schema, this.newSqlClient(), {
      createIndexes: this.config.createIndexes,
      replaceStrategy: this.config.replaceStrategy,
      bulkLoad: this.config.bulkLoad,
    });
  }

  async sqlClient(): Promise<MssqlSqlClient> {
    return this.newSqlClient();
  }

  private newSqlClient(): MssqlSqlClient {
    const credentials = this.config.credentials;
    const dataset = this.context.datasetName;
    return new MssqlSqlClient(this.capabilities, dataset, {
      credentials: {
        host: credentials.host,
        port: credentials.port,
        database: credentials.database,
        username: credentials.username,
        password: credentials.password,
        connectTimeout: credentials.connectTimeout,
        encrypt: credentials.encryptOption(),
        trustServerCertificate: credentials.trustServerCertificateOption(),
      },
      poolSize: this.config.poolSize,
      poolFactory: this.poolFactory,
      stagingDatasetName: this.config.stagingDatasetNameLayout.replace("%s", dataset),
    });
  }
}

/**
 * The SQL Server destination. Config and credentials come from the options,
 * else `destination.mssql.*` in env vars / `.dlt/*.toml` (e.g.
 * `DESTINATION__MSSQL__CREDENTIALS=mssql://loader:pw@localhost:1433/dlt_data?TrustServerCertificate=yes`).
 */
export class MssqlDestination extends SqlDestinationBase<MssqlClientConfiguration, MssqlDestinationOptions, ConfiguredMssql> {
  constructor(options: MssqlDestinationOptions = {}) {
    super("mssql", MssqlClientConfiguration, options, ["loaderFileFormat", "poolFactory"]);
  }

  capabilities(): DestinationCapabilities {
    return mssqlCapabilities({ preferredLoaderFileFormat: this.options.loaderFileFormat });
  }

  protected configured(config: MssqlClientConfiguration, context: DestinationContext, capabilities: DestinationCapabilities): ConfiguredMssql {
    return new ConfiguredMssql(config, context, capabilities, this.options.poolFactory);
  }
}

/**
 * Creates the SQL Server destination for `pipeline({ destination })`.
 *
 * @example
 * import { pipeline } from "dlt-ts";
 * import { mssql } from "@dlt-ts/destination-mssql";
 * const p = pipeline({
 *   pipelineName: "github",
 *   destination: mssql({ credentials: "mssql://loader:pw@localhost:1433/dlt_data?TrustServerCertificate=yes" }),
 *   datasetName: "github_data",
 * });
 * await p.run(events, { tableName: "events" });                           // insert_values
 * await p.run(events, { tableName: "events", loaderFileFormat: "csv" });  // streaming bulk load
 */
export function mssql(options: MssqlDestinationOptions = {}): MssqlDestination {
  return new MssqlDestination(options);
}
