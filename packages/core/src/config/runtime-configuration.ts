import { ConfigurationException } from "./exceptions.js";
import { config } from "./config.decorator.js";
import { configSpec } from "./config-spec.decorator.js";
import type { PipelineLogger } from "./pipeline-container.js";
import type { OnResolved } from "./resolve-config.js";

const LOG_LEVELS = ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] as const;
type LogLevel = (typeof LOG_LEVELS)[number];

/** The `[runtime]` section, with dlt's key: `log_level` (env `RUNTIME__LOG_LEVEL`). */
@configSpec({ section: "runtime" })
export class RuntimeConfiguration implements OnResolved {
  /** What the pipeline's logger prints: "DEBUG", "INFO", "WARNING", "ERROR" or "CRITICAL". Default "WARNING", as dlt. */
  @config({ type: String }) logLevel: string = "WARNING";

  onResolved(): void {
    this.logLevel = this.logLevel.toUpperCase();
    if (!LOG_LEVELS.includes(this.logLevel as LogLevel)) {
      throw new ConfigurationException(`runtime.log_level must be one of ${LOG_LEVELS.join(", ")}, got "${this.logLevel}"`);
    }
  }
}

/** A logger that prints `[dlt-ts] <pipeline>: message` to stderr for the levels `logLevel` lets through. */
export function createPipelineLogger(pipelineName: string, logLevel: string): PipelineLogger {
  const threshold = LOG_LEVELS.indexOf(logLevel as LogLevel);
  const print = (level: LogLevel, message: string) => {
    if (LOG_LEVELS.indexOf(level) >= threshold) console.warn(`[dlt-ts] ${pipelineName}: ${message}`);
  };
  return {
    info: (message) => print("INFO", message),
    warn: (message) => print("WARNING", message),
  };
}
