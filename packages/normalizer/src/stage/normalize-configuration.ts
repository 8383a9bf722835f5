import { availableParallelism } from "node:os";
import { config, configSpec, ConfigurationException, type OnResolved } from "@dlt-ts/core";
import { DEFAULT_FILE_MAX_ITEMS } from "../writers/buffered-data-writer-pool.js";

/**
 * The job-file writers' settings, dlt's `[data_writer]` keys: found as
 * `normalize.data_writer.<key>` first, then `data_writer.<key>`
 * (env `DATA_WRITER__FILE_MAX_ITEMS`, `NORMALIZE__DATA_WRITER__FILE_MAX_ITEMS`).
 */
@configSpec({ section: "data_writer" })
export class DataWriterConfiguration implements OnResolved {
  /**
   * Rows of one table held in memory before its first file write (a table's
   * columns change most in its first rows; csv, insert_values and parquet
   * files fix their columns). Default 1000 (dlt's 5000 buffers every write).
   */
  @config({ type: Number }) bufferMaxItems = 1000;
  /**
   * A job file is closed after this many rows. Default 100 000 (dlt: no
   * limit); files of bounded size let the loader work in parallel and retry less.
   */
  @config({ type: Number }) fileMaxItems = DEFAULT_FILE_MAX_ITEMS;
  /** A job file is closed after about this many bytes. Default: the destination's recommended file size, else 100 MiB. */
  @config({ type: Number, optional: true }) fileMaxBytes?: number;

  onResolved(): void {
    for (const [key, value] of [
      ["buffer_max_items", this.bufferMaxItems],
      ["file_max_items", this.fileMaxItems],
      ["file_max_bytes", this.fileMaxBytes],
    ] as const) {
      if (value !== undefined && (!Number.isInteger(value) || value < 1)) {
        throw new ConfigurationException(`data_writer.${key} must be an integer >= 1, got ${String(value)}`);
      }
    }
  }
}

/**
 * Default of `normalize.workers`: 2, or 1 on a single-core machine. Two
 * workers normalized the GitHub events bench 1.7x faster than one on two
 * cores; four (oversubscribed) were 15% slower than two (docs/performance.md).
 */
export const DEFAULT_NORMALIZE_WORKERS = Math.min(2, availableParallelism());

/**
 * The `[normalize]` section: dlt's `normalize.workers` (env `NORMALIZE__WORKERS`)
 * and the writers' settings under `normalize.data_writer`.
 */
@configSpec({ section: "normalize" })
export class NormalizeConfiguration implements OnResolved {
  /**
   * Worker threads that normalize an extracted package's files, each file
   * or line range of a big file apart; their schema changes are merged in
   * file order, so the schema equals the one a single worker infers.
   * 1 normalizes in the calling thread and starts no worker. Applies to
   * `normalize()` of extracted packages; `run()` normalizes while it
   * extracts, in one thread. Default {@link DEFAULT_NORMALIZE_WORKERS}
   * (2; dlt's is 1): see docs/performance.md for when more workers win.
   */
  @config({ type: Number }) workers = DEFAULT_NORMALIZE_WORKERS;
  @config({ type: DataWriterConfiguration }) dataWriter = new DataWriterConfiguration();

  onResolved(): void {
    if (!Number.isInteger(this.workers) || this.workers < 1) {
      throw new ConfigurationException(`normalize.workers must be an integer >= 1, got ${String(this.workers)}`);
    }
  }
}
