import { DltException } from "@dlt-ts/core";
import type { LoadPackageResult } from "./load-result.js";

/** Base of errors raised by the load stage. */
export class LoadException extends DltException {}

/**
 * A job of a load package failed (terminally, or after its last retry) while
 * `raiseOnFailedJobs` was on: the package was aborted and moved to the loaded
 * storage with status "aborted". `results` holds the results of every package
 * processed in this run, the aborted one last.
 */
export class LoadClientJobFailed extends LoadException {
  constructor(
    readonly loadId: string,
    readonly fileName: string,
    readonly table: string,
    readonly failureMessage: string,
    readonly results: LoadPackageResult[],
  ) {
    super(jobFailedMessage(loadId, fileName, table, failureMessage));
  }
}

/** A job file names a table that the package's schema does not have. */
export class LoadJobUnknownTable extends LoadException {
  constructor(readonly table: string, readonly fileName: string) {
    super(`Job file "${fileName}" is for table "${table}", which is not in the package schema`);
  }
}

export function jobFailedMessage(loadId: string, fileName: string, table: string, failure: string): string {
  return (
    `Load package ${loadId} was aborted: job "${fileName}" (table "${table}") failed:\n` +
    indent(failure) +
    `\nSet load.raise_on_failed_jobs = false (env LOAD__RAISE_ON_FAILED_JOBS=false) ` +
    `to complete packages that have failed jobs instead.`
  );
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((line) => `  ${line}`)
    .join("\n");
}
