// The config decorators read and write reflect-metadata: load the polyfill before any of them.
import "reflect-metadata";
// Defines Symbol.metadata where the runtime lacks it, before any user class is decorated.
import "./symbol-metadata.js";

/*
 * The public part of config & DI, re-exported by name from the package index.
 * Metadata readers, lookup, providers and message builders stay internal.
 */

// Decorators and what they take
export { config } from "./config.decorator.js";
export { secret } from "./secret.decorator.js";
export { configSpec } from "./config-spec.decorator.js";
export type { Constructor, FieldOptions, SpecOptions } from "./field-spec.js";

// Secrets and credentials
export { Secret } from "./secret.js";
export { registerSecret, maskSecrets, maskSecretsInError } from "./secret-registry.js";
export { CredentialsConfiguration } from "./credentials/credentials-configuration.js";
export { ConnectionStringCredentials } from "./credentials/connection-string-credentials.js";

// The resolver: config classes and method parameters
export { resolveConfig, injectConfig, type ResolveConfigOptions } from "./resolve-config.js";
export type { ExplicitValues } from "./spec-resolver.js";
export { resolveMethodParams } from "./method-params.js";
export { toSnakeCase } from "./naming.js";

// Providers (env, .env, .dlt/*.toml), for the pipeline that reads its settings through them
export { createConfigProviders, resolveProjectDir } from "./providers/config-providers.js";

// Exceptions
export {
  ConfigurationException,
  ConfigFieldMissingException,
  ConfigValueCannotBeCoercedException,
  ConfigDecoratorException,
  NativeValueError,
} from "./exceptions.js";
