import type { LoaderParallelismStrategy } from "@dlt-ts/core";
import { LoadConfiguration } from "./load-configuration.js";
import type { LoadProgress } from "./load-result.js";

/** Settings of the load stage; config keys under `[load]` in snake_case. */
export interface LoaderSettings {
  /**
   * Abort a package (and throw `LoadClientJobFailed`) when one of its jobs
   * fails. When false the package completes and failed jobs are only reported.
   * Config `load.raise_on_failed_jobs`. Default true.
   */
  raiseOnFailedJobs: boolean;
  /**
   * How many times a job is tried before it fails, when its errors are not
   * terminal. 0 retries without limit, as dlt. Config `load.raise_on_max_retries`
   * (env `LOAD__RAISE_ON_MAX_RETRIES`). Default 5.
   */
  raiseOnMaxRetries: number;
  /** Upper bound of jobs in flight; the destination's `maxParallelLoadJobs` caps it further. Config `load.workers`. Default 20. */
  workers: number;
  /** Overrides the destination's `loaderParallelismStrategy`. Config `load.parallelism_strategy`. Default: the destination's. */
  parallelismStrategy?: LoaderParallelismStrategy;
  /** Wait before the first retry of a job; doubles on every further retry. Config `load.retry_backoff_ms`. Default 100. */
  retryBackoffMs: number;
  /** Longest wait between two tries of a job. Config `load.max_retry_backoff_ms`. Default 2000. */
  maxRetryBackoffMs: number;
}

export interface LoaderOptions extends Partial<LoaderSettings> {
  /** Called after every job that finished (completed or failed), e.g. to drive a progress bar. */
  onProgress?: (progress: LoadProgress) => void;
}

/** The settings of a load stage nobody configured: LoadConfiguration's defaults. */
export function defaultLoaderSettings(): LoaderSettings {
  return { ...new LoadConfiguration() };
}
