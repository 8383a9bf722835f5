import type { FieldOptions } from "./field-spec.js";
import { fieldDecorator, type ConfigFieldDecorator } from "./field.decorator.js";

/**
 * Marks a property (or a method parameter) as a secret: like `@config`, but
 * read only from explicit values, env vars / `.env` and `secrets.toml` (a
 * secret found in a config.toml is an error), and never printed in errors.
 * Works with standard (TC39) decorators and with `experimentalDecorators`.
 *
 * Parameter injection (`@secret("api_key")` on a write() parameter) exists only with
 * `experimentalDecorators`: standard decorators have no parameter decorators (the compiler
 * rejects them). There, use a `@secret()` property, or the `spec` option of the function
 * form `destination(fn, { spec })`.
 *
 * @example
 * class MyDestination { @secret() apiKey!: string; }                 // key api_key, required
 * // experimentalDecorators only:
 * class Sink { async write(items: unknown[], table: unknown, @secret("api_key") apiKey?: string) {} }
 */
export function secret(keyOrOptions?: string | FieldOptions): ConfigFieldDecorator {
  return fieldDecorator("secret", keyOrOptions);
}
