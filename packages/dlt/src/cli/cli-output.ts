import { DltException } from "@dlt-ts/core";

/**
 * Where a command writes. Every line goes through {@link maskSecrets}, so a
 * connection string that slipped into a message or a trace never prints its
 * password.
 */
export interface CliOutput {
  /** One or more lines of a command's result, to stdout. */
  out(text: string): void;
  /** Prompts and diagnostics, to stderr. */
  err(text: string): void;
}

export const processOutput: CliOutput = {
  out: (text) => process.stdout.write(`${maskSecrets(text)}\n`),
  err: (text) => process.stderr.write(`${maskSecrets(text)}\n`),
};

const URL_PASSWORD = /([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*):([^\s@/]+)@/gi;
const KEY_VALUE_PASSWORD = /\b(password|pwd)=([^\s;&"']+)/gi;

/**
 * Masks passwords wherever they appear in `text`: in URLs
 * (`scheme://user:password@host` → `scheme://user:***@host`) and in
 * key=value connection strings (`Password=x;` → `Password=***;`).
 */
export function maskSecrets(text: string): string {
  return text.replace(URL_PASSWORD, "$1:***@").replace(KEY_VALUE_PASSWORD, "$1=***");
}

/** A failure the CLI explains in one line: printed as `error: <message>` with exit code 1, no stack. */
export class CliError extends DltException {}
