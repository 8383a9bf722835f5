/**
 * Key naming shared by decorators, providers and error messages.
 * Code uses camelCase; TOML and env keys use snake_case, as in Python dlt.
 */

/**
 * snake_case of a camelCase (or PascalCase) identifier: `apiKey` → `api_key`,
 * `baseURL` → `base_url`, `maxParallelLoadJobs` → `max_parallel_load_jobs`.
 */
export function toSnakeCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
    .replace(/[\s-]+/g, "_")
    .toLowerCase();
}

/** Env var name of a key path: `["destination", "my_api", "api_key"]` → `DESTINATION__MY_API__API_KEY`. */
export function toEnvVarName(path: readonly string[]): string {
  return path.map((part) => part.toUpperCase()).join("__");
}

/** Dotted TOML key of a key path: `destination.my_api.api_key`. */
export function toDottedKey(path: readonly string[]): string {
  return path.join(".");
}
