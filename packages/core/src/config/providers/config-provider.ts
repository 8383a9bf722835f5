import type { ConfigFileLocation } from "../error-messages.js";

/** A value a provider found. */
export interface ProviderHit {
  readonly value: unknown;
  /** Where exactly: env var name (`... in <.env path>` for .env) or `<file>: <dotted key>`. */
  readonly location: string;
}

/**
 * A source of config values: env vars, a TOML file. Small on purpose so
 * other sources (a vault, a cloud secret manager) can be added later.
 */
export interface ConfigProvider {
  /** Name shown in traces and errors: "Environment variables", "secrets.toml", ... */
  readonly name: string;
  /** False for config.toml: secrets must not be read from it. */
  readonly supportsSecrets: boolean;
  /** Files the provider reads, and whether each exists. */
  readonly locations: readonly ConfigFileLocation[];
  /** For a provider that refuses secrets: where such a value belongs instead. */
  readonly secretsTomlPath?: string;
  /** The key path as this provider spells it (for traces). */
  keyFor(path: readonly string[]): string;
  /** The value at `path` (sections + key), or undefined. */
  get(path: readonly string[]): ProviderHit | undefined;
}
