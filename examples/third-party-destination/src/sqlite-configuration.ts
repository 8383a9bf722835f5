import { config, configSpec, type ReplaceStrategy } from "@dlt-ts/core";
import { SqliteCredentials } from "./sqlite-credentials.js";

/**
 * Config of the SQLite destination, resolved under `destination.<name>`
 * (`destination.sqlite` by default), e.g. env `DESTINATION__SQLITE__CREDENTIALS=data/shop.sqlite`
 * or in `.dlt/config.toml`:
 *
 * ```toml
 * [destination.sqlite]
 * credentials = "data/shop.sqlite"
 * replace_strategy = "insert-from-staging"
 * ```
 */
@configSpec()
export class SqliteClientConfiguration {
  /** The main database file. Default: `<pipeline_name>.sqlite` in the working directory. */
  @config({ type: SqliteCredentials, optional: true }) credentials?: SqliteCredentials;
  /** How `replace` tables are replaced when they do not say. Default "truncate-and-insert". */
  @config({ type: String }) replaceStrategy: ReplaceStrategy = "truncate-and-insert";
  /** Staging dataset name; `%s` is the dataset name. Default "%s_staging". */
  @config({ type: String }) stagingDatasetNameLayout = "%s_staging";
}
