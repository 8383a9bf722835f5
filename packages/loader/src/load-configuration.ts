import { ConfigurationException, config, configSpec, resolveConfig, type LoaderParallelismStrategy, type OnResolved, type ResolveConfigOptions } from "@dlt-ts/core";
import type { LoaderSettings } from "./loader-options.js";

const STRATEGIES: readonly LoaderParallelismStrategy[] = ["parallel", "table-sequential", "sequential"];

/**
 * The `[load]` section, with dlt's keys: `workers`, `raise_on_failed_jobs`,
 * `raise_on_max_retries`, `parallelism_strategy`, plus dlt-ts's
 * `retry_backoff_ms` and `max_retry_backoff_ms` (env `LOAD__WORKERS`,
 * `<PIPELINE>__LOAD__WORKERS`, ...). The initializers are the defaults; see
 * {@link LoaderSettings} for what each does.
 */
@configSpec({ section: "load" })
export class LoadConfiguration implements LoaderSettings, OnResolved {
  /** Default 20, as dlt. */
  @config({ type: Number }) workers = 20;
  /** Default true, as dlt. */
  @config({ type: Boolean }) raiseOnFailedJobs = true;
  /** Default 5, as dlt; 0 retries without limit. */
  @config({ type: Number }) raiseOnMaxRetries = 5;
  /** Default: the destination's strategy. */
  @config({ type: String, optional: true }) parallelismStrategy?: LoaderParallelismStrategy;
  /** Default 100. */
  @config({ type: Number }) retryBackoffMs = 100;
  /** Default 2000. */
  @config({ type: Number }) maxRetryBackoffMs = 2000;

  onResolved(): void {
    if (this.parallelismStrategy !== undefined && !STRATEGIES.includes(this.parallelismStrategy)) {
      throw new ConfigurationException(
        `load.parallelism_strategy must be one of ${STRATEGIES.map((s) => `"${s}"`).join(", ")}, got "${String(this.parallelismStrategy)}"`,
      );
    }
    if (!Number.isInteger(this.workers) || this.workers < 1) {
      throw new ConfigurationException(`load.workers must be an integer >= 1, got ${String(this.workers)}`);
    }
  }
}

/**
 * Resolves `[load]` from config (explicit values win).
 *
 * @example
 * new Loader({ normalized, loaded, destination, options: { ...(await resolveLoadConfiguration({ pipelineName })), onProgress } });
 */
export function resolveLoadConfiguration(options: ResolveConfigOptions<LoadConfiguration> = {}): Promise<LoadConfiguration> {
  return resolveConfig(LoadConfiguration, options);
}
