import { DltException } from "../common/dlt-exception.js";

/** Base of errors raised while talking to a destination. */
export class DestinationException extends DltException {}

/**
 * The job cannot succeed by retrying (bad data, constraint violation, auth):
 * the loader fails the job at once. Sink authors extend this for such errors.
 */
export class DestinationTerminalException extends DestinationException {}

/** Retrying may succeed (connection dropped, deadlock, timeout). */
export class DestinationTransientException extends DestinationException {}

/** Base for errors a SQL client classified from a driver error. */
export class DatabaseException extends DestinationException {
  /** The driver's own code (SQLSTATE, error number) when it has one. */
  readonly dbCode?: string;
  constructor(message: string, options?: { cause?: unknown; dbCode?: string }) {
    super(message, options);
    this.dbCode = options?.dbCode;
  }
}

/** A table, view or schema does not exist. */
export class DatabaseUndefinedRelation extends DatabaseException {}

/** The statement can never succeed as written (syntax, constraint, type). */
export class DatabaseTerminalException extends DatabaseException {}

/** The statement may succeed if retried (connection lost, deadlock, serialization). */
export class DatabaseTransientException extends DatabaseException {}

/** True for errors the loader should not retry. */
export function isTerminal(error: unknown): boolean {
  return (
    error instanceof DestinationTerminalException ||
    error instanceof DatabaseTerminalException ||
    error instanceof DatabaseUndefinedRelation
  );
}
