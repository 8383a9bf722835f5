import { DltException } from "../common/dlt-exception.js";
import {
  formatCoercionMessage,
  formatConfigFileParseMessage,
  formatDecoratorUsageMessage,
  formatInvalidNativeValueMessage,
  formatMissingFieldsMessage,
  formatSecretInConfigTomlMessage,
  formatSubclassInitValueMessage,
  type MissingFieldsReport,
  type ValueSource,
} from "./error-messages.js";

/** Base of every configuration / secrets error. */
export class ConfigurationException extends DltException {}

/**
 * Required config values are missing. One error lists them all, with every
 * (provider, key) tried and how to fix it; `report` holds the same as data.
 */
export class ConfigFieldMissingException extends ConfigurationException {
  constructor(readonly report: MissingFieldsReport) {
    super(formatMissingFieldsMessage(report));
  }

  /** Property paths of the missing fields, e.g. `["apiKey", "credentials.password"]`. */
  get missingFields(): string[] {
    return this.report.fields.map((f) => f.name);
  }
}

/** A value was found but does not fit the field type (e.g. env "abc" for a number). */
export class ConfigValueCannotBeCoercedException extends ConfigurationException {
  constructor(
    readonly keyPath: readonly string[],
    readonly source: ValueSource,
    readonly expected: string,
    secret: boolean,
    value: unknown,
    reason?: string,
  ) {
    super(formatCoercionMessage({ keyPath, source, expected, secret, value, reason }));
  }
}

/** A `@secret` value was put in a config.toml. */
export class SecretInConfigTomlException extends ConfigurationException {
  constructor(
    readonly keyPath: readonly string[],
    readonly file: string,
    readonly foundKey: string,
    secretsTomlPath: string,
  ) {
    super(formatSecretInConfigTomlMessage({ keyPath, file, foundKey, secretsTomlPath }));
  }
}

/** A native value (e.g. a connection string) given for a spec could not be parsed. */
export class InvalidNativeValueException extends ConfigurationException {
  constructor(keyPath: readonly string[], source: ValueSource, specName: string, reason: string) {
    super(formatInvalidNativeValueMessage({ keyPath, source, specName, reason }));
  }
}

/** A credentials subclass was given a value its constructor does not apply (see `CredentialsConfiguration.applyInitValue`). */
export class CredentialsInitValueException extends ConfigurationException {
  constructor(className: string, baseName: string) {
    super(formatSubclassInitValueMessage({ className, baseName }));
  }
}

/** A config file is not valid TOML. */
export class ConfigFileParseException extends ConfigurationException {
  constructor(readonly file: string, reason: string, line?: number, column?: number) {
    super(formatConfigFileParseMessage({ file, reason, line, column }));
  }
}

/** A config decorator was used where it cannot work (e.g. a parameter without a key). */
export class ConfigDecoratorException extends ConfigurationException {
  constructor(decorator: string, where: string, problem: string, fix: string) {
    super(formatDecoratorUsageMessage({ decorator, where, problem, fix }));
  }
}

/**
 * Thrown by `parseNativeRepresentation` implementations; the resolver rethrows
 * it as `InvalidNativeValueException` with the key and source added.
 */
export class NativeValueError extends ConfigurationException {}
