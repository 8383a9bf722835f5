import * as os from "node:os";
import { config, configSpec, type ReplaceStrategy } from "@dlt-ts/core";
import { DuckdbCredentials } from "./duckdb-credentials.js";

/**
 * Config of the DuckDB destination, resolved under `destination.<name>`
 * (`destination.duckdb` by default): `credentials` (the database path),
 * `create_indexes`, `replace_strategy`, `staging_dataset_name_layout`, and
 * DuckDB's own `memory_limit`, `threads`, `preserve_insertion_order`,
 * `temp_directory` (env `DESTINATION__DUCKDB__MEMORY_LIMIT=512MB`).
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
  /** With `pipeline({ staging })`: delete the staged files of a package's tables before uploading its own. Default true (as dlt). */
  @config({ type: Boolean }) truncateTablesOnStagingDestinationBeforeLoad = true;
  /**
   * DuckDB's `memory_limit` (`"512MB"`, `"2GB"`): the most its buffer
   * manager holds before it spills to `temp_directory`. Default: 384 MB per
   * thread DuckDB runs, at least 1 GB (1 GB on 2 cores) — see
   * {@link defaultDuckdbMemoryLimit}. DuckDB's own default (80% of RAM)
   * let a load grow with the data: 2.4 GB of RSS at 100k GitHub events,
   * 4.25 GB at 500k.
   */
  @config({ type: String, optional: true }) memoryLimit?: string;
  /** DuckDB's `threads`. Default: DuckDB's (the cores). Fewer threads use less memory and CPU, and load slower. */
  @config({ type: Number, optional: true }) threads?: number;
  /**
   * DuckDB's `preserve_insertion_order`. Default: DuckDB's (true). False lets
   * DuckDB load without keeping rows in order, with less memory; dlt-ts
   * needs no order (rows carry their keys).
   */
  @config({ type: Boolean, optional: true }) preserveInsertionOrder?: boolean;
  /** DuckDB's `temp_directory`, where it spills what does not fit `memory_limit`. Default: DuckDB's (`<database>.tmp`). */
  @config({ type: String, optional: true }) tempDirectory?: string;

  /** The settings DuckDB opens the database with (those set). */
  duckdbSettings(): Record<string, string> {
    const settings: Record<string, string> = {};
    settings.memory_limit = this.memoryLimit ?? defaultDuckdbMemoryLimit(this.threads ?? os.availableParallelism());
    if (this.threads !== undefined) settings.threads = String(this.threads);
    if (this.preserveInsertionOrder !== undefined) settings.preserve_insertion_order = String(this.preserveInsertionOrder);
    if (this.tempDirectory !== undefined) settings.temp_directory = this.tempDirectory;
    return settings;
  }
}

/**
 * The `memory_limit` used when none is configured: 384 MB per DuckDB thread,
 * at least 1 GB. Not lower, because an INSERT pins one 256 KiB block per
 * column per thread while it appends (a 600-column table of GitHub events
 * failed to load at 400 MB with one thread and at 512 MB with two); growing
 * with the threads, because each thread appends its own row group.
 */
export function defaultDuckdbMemoryLimit(threads: number): string {
  return `${Math.max(1024, 384 * threads)}MB`;
}
