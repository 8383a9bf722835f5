import { config, configSpec, type ReplaceStrategy } from "@dlt-ts/core";
import { MssqlCredentials } from "./mssql-credentials.js";

/**
 * Config of the SQL Server destination, resolved under `destination.<name>`
 * (`destination.mssql` by default): `credentials` (a connection string or
 * a table of fields), `create_indexes`, `replace_strategy`,
 * `staging_dataset_name_layout`, `pool_size`, `bulk_load`.
 */
@configSpec()
export class MssqlClientConfiguration {
  /** Required: `destination.mssql.credentials`. */
  @config({ type: MssqlCredentials }) credentials!: MssqlCredentials;
  /**
   * UNIQUE constraints for `unique` columns. Default false (as dlt: a
   * UNIQUE column of SQL Server takes one NULL only).
   */
  @config({ type: Boolean }) createIndexes = false;
  /** How `replace` tables are replaced when they do not say. Default "truncate-and-insert" (as dlt). */
  @config({ type: String }) replaceStrategy: ReplaceStrategy = "truncate-and-insert";
  /** Staging dataset name; `%s` is the dataset name. Default "%s_staging" (as dlt). */
  @config({ type: String }) stagingDatasetNameLayout = "%s_staging";
  /** With `pipeline({ staging })`: delete the staged files of a package's tables before uploading its own. Default true (as dlt). */
  @config({ type: Boolean }) truncateTablesOnStagingDestinationBeforeLoad = true;
  /** Most connections per client. Default 10. */
  @config({ type: Number }) poolSize = 10;
  /** csv files: TDS bulk load (true) or parameterized INSERT statements (false). Default true. */
  @config({ type: Boolean }) bulkLoad = true;
}
