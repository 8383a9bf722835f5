import type { FieldOptions } from "./field-spec.js";
import { fieldDecorator, type ConfigFieldDecorator } from "./field.decorator.js";

/**
 * Marks a property (or a method parameter) as a secret: like `@config`, but
 * read only from explicit values, env vars / `.env` and `secrets.toml` (a
 * secret found in a config.toml is an error), and never printed in errors.
 *
 * @example
 * class MyDestination { @secret() apiKey!: string; }                 // key api_key, required
 * class Sink { async write(items: unknown[], table: unknown, @secret("api_key") apiKey?: string) {} }
 */
export function secret(keyOrOptions?: string | FieldOptions): ConfigFieldDecorator {
  return fieldDecorator("secret", keyOrOptions);
}
