import {
  ConfigurationException,
  createConfigProviders,
  resolveValue,
  type LoaderParallelismStrategy,
  type ProviderOptions,
} from "@dlt-ts/core";
import type { LoaderSettings } from "./loader-options.js";

const STRATEGIES: readonly LoaderParallelismStrategy[] = ["parallel", "table-sequential", "sequential"];

/** Settings keys under `[load]`, as dlt names them. */
const KEYS: { [K in keyof LoaderSettings]-?: { key: string; type: NumberConstructor | BooleanConstructor | StringConstructor } } = {
  raiseOnFailedJobs: { key: "raise_on_failed_jobs", type: Boolean },
  raiseOnMaxRetries: { key: "raise_on_max_retries", type: Number },
  workers: { key: "workers", type: Number },
  parallelismStrategy: { key: "parallelism_strategy", type: String },
  retryBackoffMs: { key: "retry_backoff_ms", type: Number },
  maxRetryBackoffMs: { key: "max_retry_backoff_ms", type: Number },
};

export interface ResolveLoaderSettingsOptions extends ProviderOptions {
  /** Tried as the outermost section first (`<pipeline_name>.load.workers`). */
  pipelineName?: string;
}

/**
 * The load settings found in config (`[load]` in config.toml, env
 * `LOAD__RAISE_ON_MAX_RETRIES`, ...); keys not set anywhere are left out, so
 * the result can be laid over defaults or under explicit options.
 *
 * @example
 * new Loader({ normalized, loaded, destination, options: { ...(await resolveLoaderSettings({ pipelineName })), onProgress } });
 */
export async function resolveLoaderSettings(options: ResolveLoaderSettingsOptions = {}): Promise<Partial<LoaderSettings>> {
  const providers = createConfigProviders(options);
  const settings: Record<string, unknown> = {};
  for (const [name, { key, type }] of Object.entries(KEYS)) {
    const found = await resolveValue(key, { sections: ["load"], pipelineName: options.pipelineName, type, providers });
    if (found.found) settings[name] = found.value;
  }
  const strategy = settings["parallelismStrategy"];
  if (strategy !== undefined && !STRATEGIES.includes(strategy as LoaderParallelismStrategy)) {
    throw new ConfigurationException(
      `load.parallelism_strategy must be one of ${STRATEGIES.map((s) => `"${s}"`).join(", ")}, got "${String(strategy)}"`,
    );
  }
  return settings as Partial<LoaderSettings>;
}
