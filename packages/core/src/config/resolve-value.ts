import { coerceValue } from "./coerce.js";
import type { LookupTrace, ValueSource } from "./error-messages.js";
import type { FieldType } from "./field-spec.js";
import { lookupValue } from "./lookup.js";
import { registerSecret } from "./secret-registry.js";
import { createConfigProviders, type ConfigProviders, type ProviderOptions } from "./providers/config-providers.js";

/** Options of `resolveValue`. */
export interface ResolveValueOptions extends ProviderOptions {
  /** Sections, dropped right to left on a miss. Default: none. */
  sections?: readonly string[];
  /** Sections never dropped (e.g. `["credentials"]`). Default: none. */
  embeddedSections?: readonly string[];
  /** Pipeline name, tried as the outermost section first. Default: none. */
  pipelineName?: string;
  /** Type to coerce the value to (`Number`, `Boolean`, ...). Default: none (value as found). */
  type?: FieldType;
  /** Read only from env and secrets.toml. Default: false. */
  secret?: boolean;
  /** Providers to reuse. Default: new ones from `projectDir` / `env`. */
  providers?: ConfigProviders;
}

/** What `resolveValue` found. */
export interface ResolvedValue<T = unknown> {
  readonly found: boolean;
  /** The coerced value, undefined when not found. */
  readonly value: T | undefined;
  /** Provider and location of the hit. */
  readonly source?: ValueSource;
  /** Every (provider, key) tried, in order. */
  readonly traces: readonly LookupTrace[];
}

/**
 * Looks up a single value, for settings that are not part of a spec class.
 *
 * @example
 * const r = await resolveValue<boolean>("raise_on_max_retries", { sections: ["load"], type: Boolean });
 * // env LOAD__RAISE_ON_MAX_RETRIES=true → { found: true, value: true, ... }
 */
export async function resolveValue<T = unknown>(key: string, options: ResolveValueOptions = {}): Promise<ResolvedValue<T>> {
  const providers = options.providers ?? createConfigProviders(options);
  const sections = options.sections ?? [];
  const secret = options.secret ?? false;
  const embedded = options.embeddedSections ?? [];
  const result = lookupValue(providers, { key, sections, embeddedSections: embedded, pipelineName: options.pipelineName, secret });
  if (!result.found) return { found: false, value: undefined, traces: result.traces };
  const source = result.source as ValueSource;
  const value = coerceValue(result.value, options.type, { keyPath: [...sections, ...embedded, key], source, secret }) as T;
  if (secret) registerSecret(value);
  return { found: true, value, source, traces: result.traces };
}
