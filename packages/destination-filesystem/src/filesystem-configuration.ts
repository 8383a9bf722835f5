import { config, configSpec } from "@dlt-ts/core";
import { AwsCredentials } from "./filesystem-credentials.js";
import { DEFAULT_LAYOUT } from "./filesystem-layout.js";

/**
 * Config of the filesystem destination, resolved under `destination.<name>`
 * (`destination.filesystem` by default) with dlt's keys: `bucket_url`,
 * `credentials`, `layout`, `extra_placeholders`, `current_datetime`,
 * `max_state_files`.
 *
 * @example
 * // .dlt/config.toml
 * // [destination.filesystem]
 * // bucket_url = "s3://my-bucket/lake"
 * // layout = "{table_name}/{YYYY}/{MM}/{DD}/{load_id}.{file_id}.{ext}"
 */
@configSpec()
export class FilesystemDestinationClientConfiguration {
  /**
   * Where the files go: `file:///absolute/path`, a local path (relative to
   * the project dir) or `s3://bucket/path`. Required.
   */
  @config({ type: String }) bucketUrl!: string;
  /** S3 credentials; unused for local folders. Default: none (the AWS SDK's default chain). */
  @config({ type: AwsCredentials, optional: true }) credentials?: AwsCredentials;
  /** Path of each job file inside `<bucket_url>/<dataset_name>/`. Default `{table_name}/{load_id}.{file_id}.{ext}` (as dlt). */
  @config({ type: String }) layout: string = DEFAULT_LAYOUT;
  /**
   * Your own layout placeholders: name → text (from config) or a function
   * `(schemaName, tableName, loadId, fileId, ext) => string` (in code). Default: none.
   */
  @config({ type: Object, optional: true }) extraPlaceholders?: Record<string, unknown>;
  /**
   * The time the date/time placeholders show. Default: when the load
   * package was created (as dlt), so every file of a load gets the same time.
   */
  @config({ type: Date, optional: true }) currentDatetime?: Date;
  /** Pipeline state files kept per pipeline; 0 or less keeps all. Default 100 (as dlt). */
  @config({ type: Number }) maxStateFiles = 100;
}
