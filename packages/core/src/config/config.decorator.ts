import type { FieldOptions } from "./field-spec.js";
import { fieldDecorator, type ConfigFieldDecorator } from "./field.decorator.js";

/**
 * Marks a property (or a method parameter) as a config value, read from
 * explicit values, env vars / `.env`, `.dlt/secrets.toml` and `.dlt/config.toml`.
 *
 * - On a property the key defaults to its snake_case name (`baseUrl` → `base_url`);
 *   the property initializer is the default; no initializer = required (unless `optional`).
 * - On a parameter the key is required: `write(items, table, @config("batch_label") label: string)`.
 *   Parameters can be decorated only with `experimentalDecorators` (standard decorators
 *   have no parameter decorators; the compiler rejects them): use a `@config()` property,
 *   or the `spec` option of the function form `destination(fn, { spec })`, instead.
 * - Works with standard (TC39) decorators and with `experimentalDecorators`. Standard
 *   decorators, and scripts run by tsx/esbuild, have no `design:type`: pass `{ type: Number }`
 *   (or rely on the default value's type) so env strings are coerced.
 *
 * @example
 * class MyApi { @config() baseUrl = "https://api.example.com"; @config({ type: Number }) timeoutMs = 5000; }
 */
export function config(keyOrOptions?: string | FieldOptions): ConfigFieldDecorator {
  return fieldDecorator("config", keyOrOptions);
}
