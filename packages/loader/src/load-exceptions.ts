import { DltException } from "@dlt-ts/core";
import type { LoadPackageResult } from "./load-result.js";

/** Base of errors raised by the load stage. */
export class LoadException extends DltException {}

/**
 * What stopped the load of a package: a job, the follow-up of a table chain
 * (merge or replace SQL) or a step of the package itself (schema update,
 * completion, removal of an aborted chain's rows).
 */
export interface LoadFailure {
  /**
   * What failed, as messages name it: `load job "events.x.0.csv" of table "events"`,
   * `merge of table chain "orders" (orders, orders__lines)`, `schema update`.
   */
  step: string;
  /** The job file; for a follow-up `<root>.<merge|replace|completion>.<retries>.sql` (no such file exists); "" for a package step. */
  fileName: string;
  /** The job's table or the chain's root table; "" for a package step. */
  table: string;
  /** The error with its causes, secrets masked. */
  message: string;
  /** Tries in this run. */
  tries: number;
  /** Root tables of the chains whose rows of this load were removed because the package was aborted. */
  removedChains?: string[];
}

/**
 * The load of a package stopped. `results` holds the results of every
 * package processed in this run, the stopped one last. Carries no `cause`:
 * the failure's text (secrets masked) is `failureMessage`.
 */
export abstract class LoadPackageException extends LoadException {
  /** What failed (see {@link LoadFailure.step}). */
  readonly step: string;
  /** The error with its causes, secrets masked. */
  readonly failureMessage: string;

  constructor(
    message: string,
    readonly loadId: string,
    failure: LoadFailure,
    readonly results: LoadPackageResult[],
  ) {
    super(message);
    this.step = failure.step;
    this.failureMessage = failure.message;
  }
}

/** A job or a table chain's follow-up stopped the load of a package. */
export abstract class LoadClientJobException extends LoadPackageException {
  /** The job file, or the follow-up's name (see {@link LoadFailure.fileName}). */
  readonly fileName: string;
  /** The job's table, or the root table of the chain. */
  readonly table: string;

  constructor(message: string, loadId: string, failure: LoadFailure, results: LoadPackageResult[]) {
    super(message, loadId, failure, results);
    this.fileName = failure.fileName;
    this.table = failure.table;
  }
}

/**
 * A job or a chain's follow-up failed terminally while `raiseOnFailedJobs`
 * was on: the package was aborted (moved to the loaded storage with status
 * "aborted", its jobs that had not run moved to failed_jobs, the rows it had
 * written to table chains that did not complete removed). Rerunning does not
 * load it again.
 */
export class LoadClientJobFailed extends LoadClientJobException {
  constructor(loadId: string, failure: LoadFailure, results: LoadPackageResult[]) {
    super(jobFailedMessage(loadId, failure), loadId, failure, results);
  }
}

/**
 * A job or a chain's follow-up ran out of tries (`raiseOnMaxRetries`) on
 * errors that are not terminal. The package stays pending: the next run
 * resumes it where it stopped (a sink at the first undelivered batch).
 */
export class LoadClientJobRetry extends LoadClientJobException {
  readonly tries: number;

  constructor(loadId: string, failure: LoadFailure, results: LoadPackageResult[]) {
    super(jobRetryMessage(loadId, failure), loadId, failure, results);
    this.tries = failure.tries;
  }
}

/**
 * A step of the package itself (schema update, completion of the load,
 * removal of an aborted chain's rows) failed terminally or ran out of tries.
 * The package stays pending for the next run.
 */
export class LoadPackageStepFailed extends LoadPackageException {
  readonly tries: number;

  constructor(loadId: string, failure: LoadFailure, results: LoadPackageResult[]) {
    super(packageStepMessage(loadId, failure), loadId, failure, results);
    this.tries = failure.tries;
  }
}

/** A job file names a table that the package's schema does not have. */
export class LoadJobUnknownTable extends LoadException {
  constructor(readonly table: string, readonly fileName: string) {
    super(`Job file "${fileName}" is for table "${table}", which is not in the package schema`);
  }
}

/** A reference job (its rows are in a stage) in a run without `pipeline({ staging })`. */
export class LoadJobNeedsStaging extends LoadException {
  constructor(readonly fileName: string, readonly loadId: string) {
    super(
      `Job file "${fileName}" of load package ${loadId} refers to files in a staging destination, ` +
        `but this run has none: run the pipeline with the staging it was loading with (pipeline({ staging }))`,
    );
  }
}

export function jobFailedMessage(loadId: string, failure: LoadFailure): string {
  return (
    `Load package ${loadId} was aborted: ${failure.step} failed:\n` +
    indent(failure.message) +
    (failure.removedChains?.length
      ? `\nTable chains that did not complete keep no rows of this package: removed from ${failure.removedChains.map((t) => `"${t}"`).join(", ")}.`
      : "") +
    `\nSet load.raise_on_failed_jobs = false (env LOAD__RAISE_ON_FAILED_JOBS=false) ` +
    `to complete packages that have failed jobs instead.`
  );
}

export function jobRetryMessage(loadId: string, failure: LoadFailure): string {
  return (
    `Load package ${loadId} is not complete: ${failure.step} failed ${times(failure.tries)} in this run, the last time with:\n` +
    indent(failure.message) +
    `\nThe package stays pending; run the pipeline again to resume it where it stopped. ` +
    `Tries per run: load.raise_on_max_retries (env LOAD__RAISE_ON_MAX_RETRIES; 0 retries without limit).`
  );
}

export function packageStepMessage(loadId: string, failure: LoadFailure): string {
  return (
    `Load package ${loadId} is not complete: ${failure.step} failed ${times(failure.tries)} in this run, the last time with:\n` +
    indent(failure.message) +
    `\nThe package stays pending; run the pipeline again once the cause is fixed, or drop the pending package.`
  );
}

function times(tries: number): string {
  return `${tries} ${tries === 1 ? "time" : "times"}`;
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((line) => `  ${line}`)
    .join("\n");
}
