import { config, configSpec, type ReplaceStrategy } from "@dlt-ts/core";
import { DuckdbCredentials } from "./duckdb-credentials.js";

/**
 * Config of the DuckDB destination, resolved under `destination.<name>`
 * (`destination.duckdb` by default): `credentials` (the database path),
 * `create_indexes`, `replace_strategy`, `staging_dataset_name_layout`.
 */
@configSpec()
export class DuckdbClientConfiguration {
  /** The database: a path, `duckdb:///path`, `:memory:` or `:pipeline:`. Default: `<pipeline_name>.duckdb` in the working directory. */
  @config({ type: DuckdbCredentials, optional: true }) credentials?: DuckdbCredentials;
  /**
   * UNIQUE constraints for `unique` columns. Default false (as dlt): they
   * slow loading down, and DuckDB cannot add columns to a table that has them.
   */
  @config({ type: Boolean }) createIndexes = false;
  /** How `replace` tables are replaced when they do not say. Default "truncate-and-insert" (as dlt). */
  @config({ type: String }) replaceStrategy: ReplaceStrategy = "truncate-and-insert";
  /** Staging dataset name; `%s` is the dataset name. Default "%s_staging" (as dlt). */
  @config({ type: String }) stagingDatasetNameLayout = "%s_staging";
}
