import { config, configSpec, type LoaderParallelismStrategy } from "@dlt-ts/core";
import type { SinkFileFormat } from "./sink-options.js";

/**
 * The settings of a sink, resolved under `destination.<name>` with dlt's keys
 * (`batch_size`, `loader_file_format`, `naming_convention`,
 * `max_table_nesting`, `skip_dlt_columns_and_tables`, `max_parallel_load_jobs`,
 * `loader_parallelism_strategy`), e.g. env `DESTINATION__MY_API__BATCH_SIZE=100`.
 *
 * Options given in code win, except one equal to its default: as in dlt, a
 * default passed explicitly (`@destination({ batchSize: 10 })`) still lets
 * config decide. The initializers are the defaults.
 */
@configSpec()
export class SinkConfiguration {
  /** Items per write() call; 0 = one call per load job, with the job file's path. Default 10. */
  @config({ type: Number }) batchSize = 10;
  /** "jsonl" or "parquet". Default "jsonl". */
  @config({ type: String }) loaderFileFormat: SinkFileFormat = "jsonl";
  /** Default "direct" (names as in the data). */
  @config({ type: String }) namingConvention = "direct";
  /** Default 0: nested lists and objects stay inside the item. */
  @config({ type: Number }) maxTableNesting = 0;
  /** Default true. */
  @config({ type: Boolean }) skipDltColumnsAndTables = true;
  /** Default 20, dlt's loader workers. */
  @config({ type: Number }) maxParallelLoadJobs = 20;
  /** Default "parallel". */
  @config({ type: String }) loaderParallelismStrategy: LoaderParallelismStrategy = "parallel";
}

/** The option names of {@link SinkConfiguration}, with its defaults. */
export const SINK_CONFIGURATION_DEFAULTS: Readonly<Omit<SinkConfiguration, never>> = Object.freeze({ ...new SinkConfiguration() });

/**
 * Where a sink named only by config finds its code: `destination.<name>.destination_callable`,
 * a reference `"./path/to/module#exportName"` (relative to the project dir) or `"package#exportName"`.
 */
@configSpec()
export class SinkCallableConfiguration {
  /** Required when destinationFrom() is given no callable (or the sink is resolved by name). */
  @config({ type: String }) destinationCallable!: string;
}
