import { config, configSpec, type ReplaceStrategy } from "@dlt-ts/core";
import { PostgresCredentials } from "./postgres-credentials.js";

/**
 * Config of the Postgres destination, resolved under `destination.<name>`
 * (`destination.postgres` by default): `credentials` (a connection string or
 * a table of fields), `create_indexes`, `replace_strategy`,
 * `staging_dataset_name_layout`, `pool_size`.
 */
@configSpec()
export class PostgresClientConfiguration {
  /** Required: `destination.postgres.credentials`. */
  @config({ type: PostgresCredentials }) credentials!: PostgresCredentials;
  /** UNIQUE constraints for `unique` columns, indexes on primary and root keys. Default true (as dlt). */
  @config({ type: Boolean }) createIndexes = true;
  /** How `replace` tables are replaced when they do not say. Default "truncate-and-insert" (as dlt). */
  @config({ type: String }) replaceStrategy: ReplaceStrategy = "truncate-and-insert";
  /** Staging dataset name; `%s` is the dataset name. Default "%s_staging" (as dlt). */
  @config({ type: String }) stagingDatasetNameLayout = "%s_staging";
  /** With `pipeline({ staging })`: delete the staged files of a package's tables before uploading its own. Default true (as dlt). */
  @config({ type: Boolean }) truncateTablesOnStagingDestinationBeforeLoad = true;
  /** Most connections per client. Default 10. */
  @config({ type: Number }) poolSize = 10;
}
