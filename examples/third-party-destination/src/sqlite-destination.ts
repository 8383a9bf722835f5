import * as path from "node:path";
import type { ConfiguredDestination, DestinationCapabilities, DestinationContext, JobClient, ReplaceStrategy, Schema } from "@dlt-ts/core";
import { SqlDestinationBase, type SqlDestinationOptions } from "@dlt-ts/sql";
import { sqliteCapabilities } from "./sqlite-capabilities.js";
import { SqliteClientConfiguration } from "./sqlite-configuration.js";
import type { SqliteCredentials } from "./sqlite-credentials.js";
import { SqliteJobClient } from "./sqlite-job-client.js";
import { SqliteSqlClient } from "./sqlite-sql-client.js";

/** Options of `sqlite()`; each wins over config files and env vars. */
export interface SqliteDestinationOptions extends SqlDestinationOptions {
  /**
   * The main database file: a path or `sqlite:///path`. Default:
   * `destination.<name>.credentials` from env / TOML, else
   * `<pipeline_name>.sqlite` in the working directory.
   */
  credentials?: string | SqliteCredentials;
  /** Default "truncate-and-insert". */
  replaceStrategy?: ReplaceStrategy;
  /** Default "%s_staging". */
  stagingDatasetNameLayout?: string;
}

/** SQLite resolved for one pipeline run. */
export class ConfiguredSqlite implements ConfiguredDestination {
  constructor(
    private readonly config: SqliteClientConfiguration,
    private readonly context: DestinationContext,
    private readonly database: string,
    readonly capabilities: DestinationCapabilities,
  ) {}

  /** `sqlite:///<absolute path>` (no secrets in a file path). */
  get location(): string {
    return `sqlite:///${this.database}`;
  }

  async createClient(schema: Schema): Promise<JobClient> {
    return new SqliteJobClient(schema, this.newSqlClient(), { replaceStrategy: this.config.replaceStrategy });
  }

  async sqlClient(): Promise<SqliteSqlClient> {
    return this.newSqlClient();
  }

  private newSqlClient(): SqliteSqlClient {
    const dataset = this.context.datasetName;
    return new SqliteSqlClient(this.capabilities, dataset, {
      database: this.database,
      stagingDatasetName: this.config.stagingDatasetNameLayout.replace("%s", dataset),
    });
  }
}

/**
 * The SQLite destination: an embedded database in a file, through
 * node-sqlite3-wasm (SQLite compiled to WebAssembly: no native build).
 */
export class SqliteDestination extends SqlDestinationBase<SqliteClientConfiguration, SqliteDestinationOptions, ConfiguredSqlite> {
  constructor(options: SqliteDestinationOptions = {}) {
    super("sqlite", SqliteClientConfiguration, options);
  }

  capabilities(): DestinationCapabilities {
    return sqliteCapabilities();
  }

  protected configured(config: SqliteClientConfiguration, context: DestinationContext, capabilities: DestinationCapabilities): ConfiguredSqlite {
    const database = path.resolve(config.credentials?.database ?? `${context.pipelineName}.sqlite`);
    return new ConfiguredSqlite(config, context, database, capabilities);
  }
}

/**
 * Creates the SQLite destination; also what `destination: "sqlite"` resolves
 * to once this package is installed (package.json `"dlt-ts": { "destination": "sqlite" }`).
 *
 * @example
 * import { pipeline } from "dlt-ts";
 * import { sqlite } from "dlt-ts-destination-sqlite";
 * const p = pipeline({ pipelineName: "shop", destination: sqlite({ credentials: "data/shop.sqlite" }) });
 * await p.run(orders, { tableName: "orders" });
 */
export function sqlite(options: SqliteDestinationOptions = {}): SqliteDestination {
  return new SqliteDestination(options);
}
