import "reflect-metadata";

export { config } from "./config.decorator.js";
export { secret } from "./secret.decorator.js";
export { configSpec } from "./config-spec.decorator.js";
export type { ConfigFieldDecorator } from "./field.decorator.js";
export type { Constructor, FieldOptions, FieldSpec, FieldType, ParamSpec, SpecOptions } from "./field-spec.js";
export { getFieldSpecs, getParamSpecs, getSpecOptions, isSpecClass, specSections } from "./spec-metadata.js";
export { Secret, SECRET_MASK, revealValue } from "./secret.js";
export { toDottedKey, toEnvVarName, toSnakeCase } from "./naming.js";
export { CredentialsConfiguration } from "./credentials/credentials-configuration.js";
export { ConnectionStringCredentials } from "./credentials/connection-string-credentials.js";
export { resolveConfig, injectConfig, type ResolveConfigOptions } from "./resolve-config.js";
export { resolveValue, type ResolvedValue, type ResolveValueOptions } from "./resolve-value.js";
export { resolveMethodParams, getInjectedParams, type ResolveParamsOptions } from "./method-params.js";
export { createPipelineContainer, resolveInstance, PIPELINE_NAME, type ResolveInstanceOptions } from "./pipeline-container.js";
export type { ExplicitValues } from "./spec-resolver.js";
export { candidatePaths, type LookupRequest } from "./lookup.js";
export type { ConfigProvider, ProviderHit } from "./providers/config-provider.js";
export {
  createConfigProviders,
  resolveGlobalDir,
  resolveProjectDir,
  type ConfigProviders,
  type ProviderOptions,
} from "./providers/config-providers.js";
export { EnvironProvider } from "./providers/environ-provider.js";
export { TomlProvider } from "./providers/toml-provider.js";
export {
  ConfigDecoratorException,
  ConfigFieldMissingException,
  ConfigFileParseException,
  ConfigurationException,
  ConfigValueCannotBeCoercedException,
  InvalidNativeValueException,
  NativeValueError,
  SecretInConfigTomlException,
} from "./exceptions.js";
export {
  formatCoercionMessage,
  formatConfigFileParseMessage,
  formatDecoratorUsageMessage,
  formatInvalidNativeValueMessage,
  formatLookupScope,
  formatMissingFieldsMessage,
  formatSecretInConfigTomlMessage,
  formatValueSource,
  type ConfigFileLocation,
  type LookupTrace,
  type MissingField,
  type MissingFieldsReport,
  type ValueSource,
} from "./error-messages.js";
