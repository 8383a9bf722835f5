import { DltException, TableNameCollisionException } from "@dlt-ts/core";
import { FieldNameCollisionException, MissingMergeKeyValue } from "../relational/relational-normalizer.js";
import { InvalidMergeHints, RootKeyMissing } from "../stage/merge-table-checks.js";

/** An error as it is posted from a worker thread. */
export interface SerializedError {
  /** The class that threw it. */
  className: string;
  name: string;
  message: string;
  stack?: string;
  /** Its own fields (e.g. `table`), where they can be posted. */
  fields: Record<string, unknown>;
}

type ErrorClass = abstract new (...args: never[]) => Error;

/** Errors of the normalize stage that callers tell apart by class: rebuilt as such in the calling thread. */
const KNOWN: ErrorClass[] = [
  InvalidMergeHints,
  RootKeyMissing,
  MissingMergeKeyValue,
  FieldNameCollisionException,
  TableNameCollisionException,
  DltException,
  TypeError,
  RangeError,
  SyntaxError,
];

export function serializeError(error: unknown): SerializedError {
  if (!(error instanceof Error)) return { className: "Error", name: "Error", message: String(error), fields: {} };
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(error)) {
    try {
      fields[key] = structuredClone(value);
    } catch {
      // A field that cannot be posted stays behind; the message says what happened.
    }
  }
  return { className: error.constructor.name, name: error.name, message: error.message, ...(error.stack ? { stack: error.stack } : {}), fields };
}

/** The error again, of its class when it is one of the stage's (else an Error of the same name and message). */
export function deserializeError(serialized: SerializedError): Error {
  const errorClass = KNOWN.find((c) => c.name === serialized.className) ?? Error;
  const error = Object.create(errorClass.prototype as object) as Error;
  Object.assign(error, serialized.fields);
  Object.defineProperty(error, "message", { value: serialized.message, writable: true, configurable: true });
  Object.defineProperty(error, "name", { value: serialized.name, writable: true, configurable: true });
  Object.defineProperty(error, "stack", { value: serialized.stack ?? `${serialized.name}: ${serialized.message}`, writable: true, configurable: true });
  return error;
}
