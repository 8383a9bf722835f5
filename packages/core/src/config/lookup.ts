import type { LookupTrace, ValueSource } from "./error-messages.js";
import { SecretInConfigTomlException } from "./exceptions.js";
import type { ConfigProviders } from "./providers/config-providers.js";

/** What to look up. */
export interface LookupRequest {
  /** The key, snake_case: `api_key`. */
  readonly key: string;
  /** Sections, dropped right to left on a miss: `["destination", "my_api"]`. */
  readonly sections: readonly string[];
  /** Sections that are never dropped (a `credentials` group): `["credentials"]`. Default: none. */
  readonly embeddedSections?: readonly string[];
  /** When set, a full pass under `<pipelineName>.` comes first. */
  readonly pipelineName?: string;
  /** Secrets skip providers that refuse them (config.toml), and finding one there is an error. */
  readonly secret: boolean;
  /** Which found values count as a hit. Default: all. */
  readonly accept?: (value: unknown) => boolean;
}

/** The outcome of a lookup. */
export interface LookupResult {
  readonly found: boolean;
  readonly value?: unknown;
  readonly source?: ValueSource;
  /** Full key path of the hit, pipeline section included. */
  readonly path?: readonly string[];
  /** Every (provider, key) tried, in order, up to and including the hit. */
  readonly traces: readonly LookupTrace[];
}

/**
 * Key paths to try, in order, as Python dlt does: first with the pipeline
 * name as the outermost section, then without; in each pass the rightmost
 * section is dropped on a miss, but embedded sections (credentials) stay.
 *
 * @example
 * candidatePaths({ key: "api_key", sections: ["destination", "x"], pipelineName: "p", secret: true })
 * // p.destination.x.api_key, p.destination.api_key, p.api_key,
 * // destination.x.api_key, destination.api_key, api_key
 */
export function candidatePaths(request: LookupRequest): string[][] {
  const prefixes = request.pipelineName ? [[request.pipelineName], []] : [[]];
  const embedded = request.embeddedSections ?? [];
  const paths: string[][] = [];
  for (const prefix of prefixes) {
    for (let n = request.sections.length; n >= 0; n--) {
      paths.push([...prefix, ...request.sections.slice(0, n), ...embedded, request.key]);
    }
  }
  return paths;
}

/** Key path without pipeline name and without eliminating anything: what a user should set. */
export function fullKeyPath(request: LookupRequest): string[] {
  return [...request.sections, ...(request.embeddedSections ?? []), request.key];
}

/**
 * Looks a value up, provider by provider (first hit wins), each provider trying
 * every candidate path.
 *
 * @throws SecretInConfigTomlException when a secret is found in a config.toml
 * before any provider that may hold it had it
 */
export function lookupValue(providers: ConfigProviders, request: LookupRequest): LookupResult {
  const paths = candidatePaths(request);
  const accept = request.accept ?? (() => true);
  const traces: LookupTrace[] = [];
  for (const provider of providers.providers) {
    if (request.secret && !provider.supportsSecrets) {
      // Not a source for secrets, but a secret put there by mistake must not pass silently.
      for (const path of paths) {
        const hit = provider.get(path);
        if (hit && accept(hit.value)) {
          throw new SecretInConfigTomlException(
            fullKeyPath(request),
            provider.locations[0]?.path ?? provider.name,
            provider.keyFor(path),
            provider.secretsTomlPath ?? providers.secretsTomlPath,
          );
        }
      }
      continue;
    }
    for (const path of paths) {
      const hit = provider.get(path);
      const found = hit !== undefined && accept(hit.value);
      traces.push({ provider: provider.name, key: provider.keyFor(path), found });
      if (found) {
        return { found: true, value: hit.value, source: { provider: provider.name, location: hit.location }, path, traces };
      }
    }
  }
  return { found: false, traces };
}
