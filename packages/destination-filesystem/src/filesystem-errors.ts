import {
  DestinationTerminalException,
  DestinationTransientException,
  maskSecrets,
  type DestinationException,
} from "@dlt-ts/core";

/** Node errno codes that may pass when tried again (descriptors exhausted, a busy file, the network). */
const TRANSIENT_CODES = new Set([
  "EAGAIN", "EBUSY", "EMFILE", "ENFILE", "ETIMEDOUT", "ECONNRESET", "ECONNREFUSED", "ECONNABORTED",
  "EPIPE", "EHOSTUNREACH", "ENETUNREACH", "ENETDOWN", "EAI_AGAIN", "ENOTFOUND", "EPROTO",
]);

/** S3 error codes that are worth another try although their HTTP status is 4xx. */
const TRANSIENT_S3_CODES = new Set([
  "RequestTimeout", "RequestTimeTooSkewed", "SlowDown", "Throttling", "ThrottlingException",
  "TooManyRequestsException", "RequestLimitExceeded", "InternalError", "ServiceUnavailable", "TimeoutError",
]);

/** What a too long path means here: the layout puts a table name (up to the destination's identifier length) into a folder or file name. */
const NAME_TOO_LONG_HINT =
  "a folder or file name in the path is longer than the local file system allows, 255 bytes on most: " +
  "shorten the table name (its resource's table_name), or use a layout that does not make a name of it";

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  $metadata?: { httpStatusCode?: number };
  $retryable?: unknown;
}

/**
 * Classifies an error of a storage operation (a local file system call or
 * an S3 request) into core's taxonomy: DestinationTransientException when
 * trying again may help (network errors, throttling, 5xx, exhausted file
 * descriptors), DestinationTerminalException otherwise (access denied, no
 * such bucket, a bad key, a full or read-only disk). The message names the
 * action and the URL, secrets masked; the original error is the cause.
 *
 * @example
 * classifyStorageError(error, "Cannot write s3://lake/ds/events/1.jsonl"); // DestinationTerminalException for AccessDenied
 */
export function classifyStorageError(error: unknown, action: string): DestinationException {
  if (error instanceof DestinationTerminalException || error instanceof DestinationTransientException) return error;
  const e = (typeof error === "object" && error !== null ? error : {}) as ErrorLike;
  const code = typeof e.code === "string" ? e.code : undefined;
  const name = typeof e.name === "string" ? e.name : undefined;
  const status = e.$metadata?.httpStatusCode;
  const detail = String(e.message ?? error);
  const label = code ?? (name && name !== "Error" ? name : undefined);
  const hint = code === "ENAMETOOLONG" ? ` (${NAME_TOO_LONG_HINT})` : "";
  const message = maskSecrets(`${action}: ${label ? `${label}: ` : ""}${detail}${hint}`);
  return isTransient(code, name, status, detail, e.$retryable !== undefined)
    ? new DestinationTransientException(message, { cause: error })
    : new DestinationTerminalException(message, { cause: error });
}

function isTransient(code: string | undefined, name: string | undefined, status: number | undefined, detail: string, retryable: boolean): boolean {
  if (code !== undefined && TRANSIENT_CODES.has(code)) return true;
  if (name !== undefined && TRANSIENT_S3_CODES.has(name)) return true;
  if (code !== undefined && TRANSIENT_S3_CODES.has(code)) return true;
  if (status !== undefined) return status >= 500 || status === 429 || status === 408;
  // A network error can reach us with its code lost (the SDK wraps a value from another realm
  // into "AWS SDK error wrapper for Error: connect ECONNREFUSED ..."): the code is in the text.
  for (const match of detail.matchAll(/\bE[A-Z_]+\b/g)) if (TRANSIENT_CODES.has(match[0])) return true;
  return retryable;
}
