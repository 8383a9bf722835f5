import {
  DatabaseException,
  DatabaseTerminalException,
  DatabaseTransientException,
  DatabaseUndefinedRelation,
  maskSecrets,
  maskSecretsInError,
} from "@dlt-ts/core";

/**
 * Classifies a DuckDB error by the kind DuckDB puts before its message:
 * "Catalog Error: Table with name ... does not exist" →
 * DatabaseUndefinedRelation; "IO Error" (a file lock held by another
 * process, a busy disk) and interrupts → DatabaseTransientException; any
 * other (binder, conversion, parser) → DatabaseTerminalException. The message
 * says what was read (`context`) and masks registered secrets.
 */
export function classifyDuckdbSourceError(error: unknown, context: string): DatabaseException {
  if (error instanceof DatabaseException) return error;
  maskSecretsInError(error);
  const text = error instanceof Error ? error.message : String(error);
  const message = maskSecrets(`${context}: ${text}`);
  if (/^Catalog Error:.*does not exist/s.test(text)) return new DatabaseUndefinedRelation(message, { cause: error });
  if (/^(IO Error|Interrupt(ion)? Error)/.test(text)) return new DatabaseTransientException(message, { cause: error });
  return new DatabaseTerminalException(message, { cause: error });
}
