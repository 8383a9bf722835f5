import { DltException } from "@dlt-ts/core";
import type { LoadPackageResult } from "./load-result.js";

/** Base of errors raised by the load stage. */
export class LoadException extends DltException {}

/**
 * A job stopped the load of a package. `results` holds the results of every
 * package processed in this run, the stopped one last.
 */
export abstract class LoadClientJobException extends LoadException {
  constructor(
    message: string,
    readonly loadId: string,
    readonly fileName: string,
    readonly table: string,
    /** The job's error, with its causes. */
    readonly failureMessage: string,
    readonly results: LoadPackageResult[],
  ) {
    super(message);
  }
}

/**
 * A job failed terminally while `raiseOnFailedJobs` was on: the package was
 * aborted (moved to the loaded storage with status "aborted", its jobs that
 * had not run moved to failed_jobs). Rerunning does not load it again.
 */
export class LoadClientJobFailed extends LoadClientJobException {
  constructor(loadId: string, fileName: string, table: string, failureMessage: string, results: LoadPackageResult[]) {
    super(jobFailedMessage(loadId, fileName, table, failureMessage), loadId, fileName, table, failureMessage, results);
  }
}

/**
 * A job ran out of tries (`raiseOnMaxRetries`) on errors that are not
 * terminal. The job is back in new_jobs and the package stays pending: the
 * next run resumes it where it stopped (a sink at the first undelivered batch).
 */
export class LoadClientJobRetry extends LoadClientJobException {
  constructor(
    loadId: string,
    fileName: string,
    table: string,
    failureMessage: string,
    readonly tries: number,
    results: LoadPackageResult[],
  ) {
    super(jobRetryMessage(loadId, fileName, table, failureMessage, tries), loadId, fileName, table, failureMessage, results);
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

export function jobRetryMessage(loadId: string, fileName: string, table: string, failure: string, tries: number): string {
  return (
    `Load package ${loadId} is not complete: job "${fileName}" (table "${table}") failed ${tries} ` +
    `${tries === 1 ? "time" : "times"} in this run, the last time with:\n` +
    indent(failure) +
    `\nThe package stays pending; run the pipeline again to resume it where it stopped. ` +
    `Tries per run: load.raise_on_max_retries (env LOAD__RAISE_ON_MAX_RETRIES; 0 retries without limit).`
  );
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((line) => `  ${line}`)
    .join("\n");
}
