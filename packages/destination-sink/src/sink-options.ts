import { checkOptionNames, toSnakeCase, type LoaderParallelismStrategy, type TableSchema } from "@dlt-ts/core";
import { SINK_CONFIGURATION_DEFAULTS, type SinkConfiguration } from "./sink-configuration.js";
import { SinkOptionsException } from "./sink-exceptions.js";

/** A row as a sink receives it: a plain object, nested values intact (jsonl) or as read back from parquet. */
export type SinkItem = Record<string, unknown>;

/** File formats a sink can receive its data in. */
export type SinkFileFormat = "jsonl" | "parquet";

/**
 * Options of `@destination(...)`, `destination(fn, ...)` and `destinationFrom(...)`.
 * Each becomes a capability of the destination, so the normalizer writes what
 * the sink wants. All but `name` are also config (see SinkConfiguration):
 * `DESTINATION__<NAME>__BATCH_SIZE=100` sets batchSize when the code does not.
 */
export interface SinkOptions {
  /** Items per write() call; 0 = one call per load job, with the job file's path. Default 10. */
  batchSize?: number;
  /** Format of the job files: "jsonl" (items as JSON-parsed objects) or "parquet" (rows read back by hyparquet). Default "jsonl". */
  loaderFileFormat?: SinkFileFormat;
  /** Destination name: config section `destination.<name>`. Default: snake_case of the class or function name. */
  name?: string;
  /** Naming convention of table and column names. Default "direct" (names as in the data). */
  namingConvention?: string;
  /** Depth of nested tables; 0 keeps nested lists and objects inside the item. Default 0. */
  /**
   * Depth of nested tables when neither the resource, the source nor the
   * schema sets one; 0 keeps nested lists and objects inside the item; null
   * leaves it to them (else 1000, as any destination). Default 0.
   */
  maxTableNesting?: number | null;
  /** Skip `_dlt_*` tables and strip `_dlt_*` columns from items and table schemas. Default true. */
  skipDltColumnsAndTables?: boolean;
  /** Most write() calls in flight at once (one per job). Default 20, dlt's loader workers. */
  maxParallelLoadJobs?: number;
  /** "parallel", "table-sequential" (one job per table chain at a time) or "sequential" (file order). Default "parallel". */
  loaderParallelismStrategy?: LoaderParallelismStrategy;
}

/** Options with every default filled in; maxTableNesting is undefined when the sink leaves nesting to the data's hints. */
export type ResolvedSinkOptions = Required<Omit<SinkOptions, "maxTableNesting">> & { maxTableNesting: number | undefined };

export const DEFAULT_SINK_NAME = "sink";

/** Every option name of {@link SinkOptions}. */
export const SINK_OPTION_NAMES: readonly string[] = ["name", ...Object.keys(SINK_CONFIGURATION_DEFAULTS)];

/** Throws UnknownOptionException naming the closest valid option when `options` holds a name SinkOptions does not have. */
export function checkSinkOptionNames(options: object | undefined, where: string, extra: readonly string[] = []): void {
  checkOptionNames(options, [...SINK_OPTION_NAMES, ...extra], where);
}

/** The sink's name: the option, else snake_case of the class or function name. */
export function sinkName(options: SinkOptions, fallbackName: string | undefined): string {
  return options.name ?? (fallbackName ? toSnakeCase(fallbackName) : DEFAULT_SINK_NAME);
}

/** Fills in the defaults without reading config (what the code alone says); the name falls back to snake_case of `fallbackName`. */
export function resolveSinkOptions(options: SinkOptions, fallbackName: string | undefined): ResolvedSinkOptions {
  const given = givenOptions(options);
  const resolved = withName({ ...SINK_CONFIGURATION_DEFAULTS, ...given, maxTableNesting: given.maxTableNesting ?? 0 }, sinkName(options, fallbackName));
  return options.maxTableNesting === null ? { ...resolved, maxTableNesting: undefined } : resolved;
}

/** Resolved config and the sink's name, checked. */
export function withName(config: Omit<SinkConfiguration, never>, name: string): ResolvedSinkOptions {
  const resolved: ResolvedSinkOptions = {
    batchSize: config.batchSize,
    loaderFileFormat: config.loaderFileFormat,
    name,
    namingConvention: config.namingConvention,
    maxTableNesting: config.maxTableNesting,
    skipDltColumnsAndTables: config.skipDltColumnsAndTables,
    maxParallelLoadJobs: config.maxParallelLoadJobs,
    loaderParallelismStrategy: config.loaderParallelismStrategy,
  };
  validate(resolved);
  return resolved;
}

/**
 * The options that win over config: those given in code, except one equal to
 * its default (dlt drops those, so `@destination({ batchSize: 10 })` still
 * lets `DESTINATION__<NAME>__BATCH_SIZE` decide).
 */
export function explicitSinkOptions(options: SinkOptions): Partial<SinkConfiguration> {
  const defaults = SINK_CONFIGURATION_DEFAULTS as unknown as Record<string, unknown>;
  return Object.fromEntries(
    Object.entries(givenOptions(options)).filter(([key, value]) => key !== "name" && value !== null && defaults[key] !== value),
  ) as Partial<SinkConfiguration>;
}

const STRATEGIES: readonly LoaderParallelismStrategy[] = ["parallel", "table-sequential", "sequential"];
const FORMATS: readonly SinkFileFormat[] = ["jsonl", "parquet"];

function validate(o: ResolvedSinkOptions): void {
  const problem = (option: string, expected: string, value: unknown): never => {
    throw new SinkOptionsException(o.name, option, expected, value);
  };
  if (!Number.isInteger(o.batchSize) || o.batchSize < 0) problem("batchSize", "an integer >= 0", o.batchSize);
  if (!FORMATS.includes(o.loaderFileFormat)) problem("loaderFileFormat", FORMATS.map((f) => `"${f}"`).join(" or "), o.loaderFileFormat);
  if (!Number.isInteger(o.maxTableNesting) || o.maxTableNesting! < 0) problem("maxTableNesting", "an integer >= 0", o.maxTableNesting);
  if (!Number.isInteger(o.maxParallelLoadJobs) || o.maxParallelLoadJobs < 1) {
    problem("maxParallelLoadJobs", "an integer >= 1", o.maxParallelLoadJobs);
  }
  if (!STRATEGIES.includes(o.loaderParallelismStrategy)) {
    problem("loaderParallelismStrategy", STRATEGIES.map((s) => `"${s}"`).join(", "), o.loaderParallelismStrategy);
  }
  if (!/^[A-Za-z0-9_]+$/.test(o.name)) problem("name", "letters, digits and underscores (it is a config section)", o.name);
}

/** The options that were given (undefined ones dropped), to lay over another set. */
export function givenOptions(options: SinkOptions): SinkOptions {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as SinkOptions;
}

/** What a sink's write() is called with: a batch (or a job file's path when batchSize is 0) and its table. */
export type SinkWrite = (items: SinkItem[] | string, table: TableSchema, batch: SinkBatch) => Promise<void>;

/**
 * Which batch a write() call delivers. `id` is the same on every attempt
 * to deliver that batch — a retry, or a run resuming after a crash — so a
 * receiver that dedupes by it (an `Idempotency-Key` header, a unique key)
 * applies each batch once: delivery is at least once, its effect exactly once.
 */
export interface SinkBatch {
  /**
   * Stable across retries and resumes: `<loadId>.<jobId>.<index>`; with a
   * state store (`pipeline({ stateStore })`) a digest of the batch's rows
   * and the last committed load instead, so the same rows extracted again
   * on a fresh machine keep it.
   */
  readonly id: string;
  readonly loadId: string;
  /** The job file without its retry count: `<table>.<file_id>`. */
  readonly jobId: string;
  /** Position of the batch in its job file, from 0 (0 for a whole file when batchSize is 0). */
  readonly index: number;
}
