import * as os from "node:os";
import { config, configSpec, ConfigurationException, type ReplaceStrategy } from "@dlt-ts/core";
import { DuckdbCredentials } from "./duckdb-credentials.js";
import type { DuckdbOpenOptions } from "./duckdb-database.js";
import { AdaptiveMemoryLimit } from "./duckdb-memory-limit.js";

/**
 * Config of the DuckDB destination, resolved under `destination.<name>`
 * (`destination.duckdb` by default): `credentials` (the database path),
 * `create_indexes`, `replace_strategy`, `staging_dataset_name_layout`, and
 * DuckDB's own `memory_limit`, `threads`, `preserve_insertion_order`,
 * `temp_directory` (env `DESTINATION__DUCKDB__MEMORY_LIMIT=512MB`) and the
 * file's `row_group_size` and `block_size`.
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
   * manager holds before it spills to `temp_directory`. Default: 256 MB per
   * thread DuckDB runs, at least 1 GB (1 GB up to 4 cores; see
   * {@link defaultDuckdbMemoryLimit}), doubled each time a load runs out of
   * memory (see `AdaptiveMemoryLimit`). DuckDB's own default (80% of RAM)
   * let a load grow with the data: 2.4 GB of RSS at 100k GitHub events,
   * 4.25 GB at 500k. A configured limit is kept as it is.
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
  /**
   * Rows per row group of a database file (DuckDB's `ROW_GROUP_SIZE`, a
   * multiple of 2048). Default 10240 (DuckDB's: 122880). DuckDB keeps the
   * row group it appends to uncompressed in memory, one block per column:
   * on a wide table (600 columns of GitHub events) 10240 rows loaded in 512
   * MB, 20480 did not, and DuckDB's default needed 1 GB and more. Smaller
   * groups compress less (the file of 100k events: 62 MB against 54 MB);
   * queries on it measured as fast.
   */
  @config({ type: Number, optional: true }) rowGroupSize?: number;
  /**
   * Bytes per block of a new database file (DuckDB's ATTACH option
   * `BLOCK_SIZE`, a power of two from 16384 to 262144); a file that exists
   * keeps its own. Default 65536 (DuckDB's: 262144). DuckDB gives each
   * column of the row group it appends to a block of its own: on 600
   * columns of GitHub events, 256 KB blocks held 1.2 GB of RSS while 100k
   * events loaded, 64 KB blocks 0.8 GB, at the same speed and a smaller
   * file (59 MB against 63 MB); 16 KB ones loaded slower into a larger file.
   */
  @config({ type: Number, optional: true }) blockSize?: number;

  /** How a database file is opened: settings, row group and block size, and the default memory_limit unless one is configured. */
  openOptions(): DuckdbOpenOptions {
    return {
      settings: this.duckdbSettings(),
      rowGroupSize: this.resolvedRowGroupSize(),
      blockSize: this.resolvedBlockSize(),
      memoryLimit: this.adaptiveMemoryLimit(),
    };
  }

  /** Rows per row group of the database file: the configured size or {@link DEFAULT_ROW_GROUP_SIZE}. */
  resolvedRowGroupSize(): number {
    const size = this.rowGroupSize ?? DEFAULT_ROW_GROUP_SIZE;
    if (!Number.isInteger(size) || size <= 0 || size % ROW_GROUP_SIZE_MULTIPLE !== 0) {
      throw new ConfigurationException(
        `destination.duckdb.row_group_size is ${size}: DuckDB needs a positive multiple of ${ROW_GROUP_SIZE_MULTIPLE} (its vector size), e.g. ${DEFAULT_ROW_GROUP_SIZE}`,
      );
    }
    return size;
  }

  /** Bytes per block of a new database file: the configured size or {@link DEFAULT_BLOCK_SIZE}. */
  resolvedBlockSize(): number {
    const size = this.blockSize ?? DEFAULT_BLOCK_SIZE;
    const powerOfTwo = Number.isInteger(size) && size > 0 && (size & (size - 1)) === 0;
    if (!powerOfTwo || size < MIN_BLOCK_SIZE || size > MAX_BLOCK_SIZE) {
      throw new ConfigurationException(
        `destination.duckdb.block_size is ${size}: DuckDB needs a power of two from ${MIN_BLOCK_SIZE} to ${MAX_BLOCK_SIZE}, e.g. ${DEFAULT_BLOCK_SIZE}`,
      );
    }
    return size;
  }

  /** The memory_limit the database opens with when none is configured, raised on out-of-memory; undefined when configured. */
  adaptiveMemoryLimit(): AdaptiveMemoryLimit | undefined {
    if (this.memoryLimit !== undefined) return undefined;
    return new AdaptiveMemoryLimit(defaultDuckdbMemoryLimitMb(this.threads ?? os.availableParallelism()));
  }

  /** The settings DuckDB opens the database with: those configured, the allocator's and the file cache's. */
  duckdbSettings(): Record<string, string> {
    const settings: Record<string, string> = { ...ALLOCATOR_SETTINGS, ...FILE_CACHE_SETTINGS };
    if (this.memoryLimit !== undefined) settings.memory_limit = this.memoryLimit;
    if (this.threads !== undefined) settings.threads = String(this.threads);
    if (this.preserveInsertionOrder !== undefined) settings.preserve_insertion_order = String(this.preserveInsertionOrder);
    if (this.tempDirectory !== undefined) settings.temp_directory = this.tempDirectory;
    return settings;
  }
}

/**
 * jemalloc (DuckDB's allocator) keeps what a statement freed for reuse,
 * outside memory_limit: loading 1M GitHub events, RSS grew to 1.2 GB under
 * a 512 MB limit. Flushing after every task that peaked above 8 MB, with
 * background threads that purge, kept it at 0.9 GB, and the load was no
 * slower (105 s against 120 s).
 */
const ALLOCATOR_SETTINGS = { allocator_flush_threshold: "8MB", allocator_background_threads: "true" };

/**
 * DuckDB keeps the files it reads in its buffer pool, for the next query of
 * the same file; a load reads each job file once. Loading 1M GitHub events
 * (parquet, in a process that only loads) held 290 MB of them at the peak:
 * off, the peak fell from 1.47 GB to 1.26 GB at the same speed.
 */
const FILE_CACHE_SETTINGS = { enable_external_file_cache: "false" };

/** Rows per row group when none is configured (see `DuckdbClientConfiguration.rowGroupSize`). */
export const DEFAULT_ROW_GROUP_SIZE = 10_240;
/** DuckDB's vector size: a row group holds whole vectors. */
const ROW_GROUP_SIZE_MULTIPLE = 2048;

/** Bytes per block of a new database file when none is configured (see `DuckdbClientConfiguration.blockSize`). */
export const DEFAULT_BLOCK_SIZE = 65_536;
/** The block sizes DuckDB accepts. */
const MIN_BLOCK_SIZE = 16_384;
const MAX_BLOCK_SIZE = 262_144;

/**
 * The `memory_limit` (MB) a database starts with when none is configured:
 * 256 MB per DuckDB thread, at least 1 GB. Not lower, because an INSERT
 * pins blocks of every column of the row group it appends to (a 600-column
 * table of GitHub events loads from parquet in 512 MB with row groups of
 * 10240 rows, fails at 400 MB), and because a checkpoint that runs out of
 * memory leaves the database unusable until it is opened again — raising
 * the limit cannot save that run (the same table from csv, whose reader
 * holds larger buffers, failed so at 512 MB and loaded at 768 MB); growing
 * with the threads, because each thread appends its own row group.
 */
export function defaultDuckdbMemoryLimitMb(threads: number): number {
  return Math.max(1024, 256 * threads);
}

/** {@link defaultDuckdbMemoryLimitMb} as a DuckDB setting ("512MB"). */
export function defaultDuckdbMemoryLimit(threads: number): string {
  return `${defaultDuckdbMemoryLimitMb(threads)}MB`;
}
