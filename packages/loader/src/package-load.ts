import { promises as fs } from "node:fs";
import {
  isDltName,
  isReferenceJob,
  isTerminal,
  parseJobFileName,
  referenceJobFileName,
  Schema,
  writeReferenceJob,
  type StagingArea,
  type ConfiguredDestination,
  type JobClient,
  type LoaderParallelismStrategy,
  type LoadPackageStorage,
  type StoredSchema,
  type TableSchema,
} from "@dlt-ts/core";
import { LoadException, LoadJobNeedsStaging, LoadJobUnknownTable, type LoadFailure } from "./load-exceptions.js";
import type { LoaderOptions, LoaderSettings } from "./loader-options.js";
import type { LoadJobResult, LoadPackageResult } from "./load-result.js";
import { describeError } from "./describe-error.js";
import { largestFirstWithinTable } from "./job-order.js";

/** Package state key listing the root tables whose `completeTableChain` already ran. */
const COMPLETED_CHAINS_KEY = "completedTableChains";
/** Package state key set once the staged files of the package's tables were deleted, so a resumed package keeps what it uploaded. */
const STAGING_TRUNCATED_KEY = "stagingTruncated";

interface QueuedJob {
  fileName: string;
  table: string;
  /** Root table of the job's table chain: the unit of "table-sequential", follow-ups and rollback. */
  root: string;
  /** The parent, grandparent, ... of the job's table: their jobs all complete before this one starts. */
  ancestors: string[];
  /** Found in started_jobs: a killed run was loading it. */
  resumed: boolean;
  /** The job copies its file to the stage and queues a reference job for the destination (`pipeline({ staging })`). */
  toStage: boolean;
}

interface ChainProgress {
  /** Jobs queued or running. */
  pending: number;
  completed: number;
  /** Tables of the chain with jobs in this package. */
  tables: Set<string>;
  /** A job or the follow-up of the chain failed: its other jobs do not run and its rows of the load are removed. */
  failed: boolean;
}

/** What loading one package came to. */
export interface PackageLoadOutcome {
  result: LoadPackageResult;
  /** Set when a failed job or follow-up aborted the package (raiseOnFailedJobs). */
  abortCause?: LoadFailure;
  /** Set when a job or follow-up ran out of tries: the package stays pending for the next run. */
  retryCause?: LoadFailure;
  /** Set when a step of the package itself failed: the package stays pending for the next run. */
  stepCause?: LoadFailure;
}

/** Thrown inside {@link PackageLoad} when a package step cannot complete; becomes `stepCause`. */
class PackageStepStopped extends LoadException {
  constructor(readonly failure: LoadFailure) {
    super(failure.message);
  }
}

/**
 * Loads one package: the state machine of its jobs, retries, parallelism,
 * table-chain completion, removal of incomplete chains of an aborted package
 * and the final move to the loaded storage.
 *
 * A table chain (a root table and its nested tables) is the unit of
 * consistency: its jobs load parent tables before their nested tables, its
 * follow-up (merge or replace SQL) runs once all of them completed, and when
 * the chain cannot complete (a job or the follow-up failed terminally, or the
 * package is aborted) the rows it wrote for this load are removed through
 * `rollbackTableChain`, so no nested row is left without its parent.
 */
export class PackageLoad {
  private schema!: Schema;
  private client!: JobClient;
  private readonly results = new Map<string, LoadJobResult>();
  private readonly chains = new Map<string, ChainProgress>();
  /** Jobs queued or running, by table: a nested table's jobs wait until its ancestors have none. */
  private readonly pendingByTable = new Map<string, number>();
  private completedChains = new Set<string>();
  private readonly followupsStarted = new Set<string>();
  private abortCause: LoadFailure | undefined;
  private retryCause: LoadFailure | undefined;
  /** An error that is not a load failure (e.g. the package state could not be written): thrown, the package stays pending. */
  private fatal: unknown;
  private jobsTotal = 0;
  private stateWrites: Promise<unknown> = Promise.resolve();
  /** Jobs not started yet; a staging job adds its reference job here. */
  private queue: QueuedJob[] = [];
  /** When the package was created (its state's `createdAt`): the time of a stage's date placeholders. */
  private createdAt: Date | undefined;
  /** `<table>.<file_id>` of the reference jobs the package holds, whatever their folder. */
  private readonly referenced = new Set<string>();

  constructor(
    private readonly loadId: string,
    private readonly normalized: LoadPackageStorage,
    private readonly loaded: LoadPackageStorage,
    private readonly destination: ConfiguredDestination,
    private readonly settings: LoaderSettings,
    private readonly onProgress: LoaderOptions["onProgress"],
    private readonly staging: StagingArea | undefined,
  ) {}

  /**
   * Loads the package. A failed job or follow-up with raiseOnFailedJobs
   * aborts it (`abortCause`); one out of tries leaves it pending in
   * `normalized` (`retryCause`), as does a failed package step
   * (`stepCause`); other errors are thrown and leave it pending too.
   */
  async run(): Promise<PackageLoadOutcome> {
    const startedAt = new Date();
    const { loadId, normalized } = this;
    const stored = await normalized.readJson<StoredSchema>(loadId, "schema.json");
    if (!stored) throw new LoadException(`Load package ${loadId} has no schema.json in ${normalized.packagePath(loadId)}`);
    this.schema = Schema.fromStored(stored);
    const updates = (await normalized.readJson<Record<string, TableSchema>>(loadId, "schema_updates.json")) ?? {};
    const state = await normalized.readState(loadId);
    if (typeof state.createdAt === "string") this.createdAt = new Date(state.createdAt);
    this.completedChains = new Set((state[COMPLETED_CHAINS_KEY] as string[] | undefined) ?? []);

    let stepCause: LoadFailure | undefined;
    this.client = await this.destination.createClient(this.schema);
    try {
      await this.packageStep("schema update", async () => {
        await this.client.initializeStorage();
        await this.client.updateStoredSchema(updates);
      });
      this.queue = await this.collectJobs();
      if (this.staging && !state[STAGING_TRUNCATED_KEY]) await this.truncateStagedTables();
      if (!this.stopping()) {
        await this.completeReadyChains();
        await this.schedule();
        await this.completeReadyChains();
      }
      if (this.fatal !== undefined) throw this.fatal;
      if (this.abortCause) {
        await this.failRemainingJobs(this.abortCause);
        this.abortCause.removedChains = await this.rollbackChains();
      } else if (!this.retryCause) {
        await this.rollbackChains();
        await this.packageStep("completion of the load", () => this.client.completeLoad(loadId));
      }
    } catch (error) {
      if (!(error instanceof PackageStepStopped)) throw error;
      stepCause = error.failure;
    } finally {
      await this.client.close();
    }
    await this.stateWrites;
    const status = stepCause || this.retryCause ? "pending" : this.abortCause ? "aborted" : "loaded";
    if (status !== "pending") {
      await normalized.updateState(loadId, { status });
      await normalized.movePackage(loadId, this.loaded);
    }
    const finishedAt = new Date();
    const result: LoadPackageResult = {
      loadId,
      schemaName: this.schema.name,
      status,
      jobs: [...this.results.values()],
      startedAt,
      finishedAt,
      elapsedMs: finishedAt.getTime() - startedAt.getTime(),
    };
    if (stepCause) return { result, stepCause };
    if (this.retryCause) return { result, retryCause: this.retryCause };
    if (this.abortCause) return { result, abortCause: this.abortCause };
    return { result };
  }

  /**
   * Jobs to run (resumed first, then new, each in file order, or new ones
   * by {@link largestFirstWithinTable} where the destination asks); jobs finished
   * by an earlier run go straight to the results. A failed job left by a run
   * killed while aborting the package aborts it again (with raiseOnFailedJobs).
   */
  private async collectJobs(): Promise<QueuedJob[]> {
    const { loadId, normalized } = this;
    const started = await normalized.listJobs(loadId, "started_jobs");
    let fresh = await normalized.listJobs(loadId, "new_jobs");
    if (this.client.capabilities.loadLargerFilesFirst) fresh = await largestFirstWithinTable(fresh, (f) => normalized.jobPath(loadId, "new_jobs", f));
    const completed = await normalized.listJobs(loadId, "completed_jobs");
    const failed = await normalized.listJobs(loadId, "failed_jobs");
    this.jobsTotal = started.length + fresh.length + completed.length + failed.length;
    for (const fileName of [...started, ...fresh, ...completed, ...failed]) {
      if (isReferenceJob(fileName)) this.referenced.add(jobKey(fileName));
    }

    for (const fileName of completed) {
      const job = this.describeJob(fileName, false);
      this.chainOf(job).completed += 1;
      this.results.set(job.fileName, await this.earlierResult(job, "completed"));
    }
    for (const fileName of failed) {
      const job = this.describeJob(fileName, false);
      this.chainOf(job).failed = true;
      const failureMessage = (await normalized.readFailureMessage(loadId, fileName)) ?? "failed in an earlier run";
      this.results.set(job.fileName, { ...(await this.earlierResult(job, "failed")), failureMessage });
      if (this.settings.raiseOnFailedJobs) this.abortCause ??= { ...this.jobFailure(job, fileName, failureMessage), tries: 0 };
    }
    const queue = [
      ...started.map((f) => this.describeJob(f, true)),
      ...fresh.map((f) => this.describeJob(f, false)),
    ];
    for (const job of queue) {
      this.chainOf(job).pending += 1;
      this.pendingByTable.set(job.table, (this.pendingByTable.get(job.table) ?? 0) + 1);
    }
    return queue;
  }

  private describeJob(fileName: string, resumed: boolean): QueuedJob {
    // The schema's tables give a long table name back from its shortened form in the file name.
    const { table, format } = parseJobFileName(fileName, this.schema.tables);
    const known = this.schema.tables[table];
    const root = known ? this.schema.rootTableOf(table).name : table;
    const ancestors: string[] = [];
    for (let parent = known?.parent; parent !== undefined && !ancestors.includes(parent); parent = this.schema.tables[parent]?.parent) {
      ancestors.push(parent);
    }
    const toStage = this.staging !== undefined && this.staging.fileFormats.includes(format);
    return { fileName, table, root, ancestors, resumed, toStage };
  }

  private chainOf(job: QueuedJob): ChainProgress {
    let chain = this.chains.get(job.root);
    if (!chain) {
      chain = { pending: 0, completed: 0, tables: new Set(), failed: false };
      this.chains.set(job.root, chain);
    }
    chain.tables.add(job.table);
    return chain;
  }

  private async earlierResult(job: QueuedJob, state: LoadJobResult["state"]): Promise<LoadJobResult> {
    const folder = state === "completed" ? "completed_jobs" : "failed_jobs";
    return {
      fileName: job.fileName,
      table: job.table,
      state,
      fileSize: await fileSize(this.normalized.jobPath(this.loadId, folder, job.fileName)),
      elapsedMs: 0,
      retries: parseJobFileName(job.fileName).retry,
    };
  }

  /**
   * Runs the queue with at most `limit` jobs in flight, honouring the
   * parallelism strategy. A job starts only when no job of an ancestor table
   * is queued or running; jobs of a failed chain are failed without running.
   */
  private schedule(): Promise<void> {
    const queue = this.queue;
    const strategy: LoaderParallelismStrategy =
      this.settings.parallelismStrategy ?? this.client.capabilities.loaderParallelismStrategy;
    const limit =
      strategy === "sequential"
        ? 1
        : Math.max(1, Math.min(this.settings.workers, this.client.capabilities.maxParallelLoadJobs));
    const busyChains = new Set<string>();
    let running = 0;
    // An upload to the stage writes no table: only loads wait for their ancestor tables.
    const ready = (job: QueuedJob): boolean =>
      (strategy !== "table-sequential" || !busyChains.has(job.root)) &&
      (job.toStage || job.ancestors.every((t) => !this.pendingByTable.get(t)));

    return new Promise<void>((resolve) => {
      const start = (job: QueuedJob, work: Promise<void>): void => {
        running += 1;
        busyChains.add(job.root);
        work
          .catch((error: unknown) => {
            this.fatal ??= error;
          })
          .finally(() => {
            running -= 1;
            busyChains.delete(job.root);
            pump();
          });
      };
      const pump = (): void => {
        while (!this.stopping() && running < limit) {
          const skipped = queue.findIndex((job) => this.chains.get(job.root)!.failed);
          if (skipped >= 0) {
            const [job] = queue.splice(skipped, 1) as [QueuedJob];
            start(job, this.skipJob(job));
            continue;
          }
          let index = queue.findIndex(ready);
          // Cannot happen with a schema whose parents are known; never wait forever on it.
          if (index < 0 && running === 0 && queue.length > 0) index = 0;
          if (index < 0) break;
          const [job] = queue.splice(index, 1) as [QueuedJob];
          start(job, this.runJob(job));
        }
        if (running === 0 && (this.stopping() || queue.length === 0)) resolve();
      };
      pump();
    });
  }

  private stopping(): boolean {
    return this.abortCause !== undefined || this.retryCause !== undefined || this.fatal !== undefined;
  }

  /** Wait before try `retry + 1` of a job, a follow-up or a package step. */
  private backoff(retry: number): number {
    return Math.min(this.settings.maxRetryBackoffMs, this.settings.retryBackoffMs * 2 ** retry);
  }

  private outOfTries(tries: number): boolean {
    return this.settings.raiseOnMaxRetries > 0 && tries >= this.settings.raiseOnMaxRetries;
  }

  private jobFailure(job: QueuedJob, fileName: string, message: string): Omit<LoadFailure, "tries"> {
    return { step: `load job "${fileName}" of table "${job.table}"`, fileName, table: job.table, message };
  }

  /**
   * One job through its tries: started → completed | failed, or back to
   * new_jobs with the retry count in its name raised. Each run gives a job
   * `raiseOnMaxRetries` tries; out of tries it stays in new_jobs and the
   * package stops, to be resumed by the next run.
   */
  private async runJob(job: QueuedJob): Promise<void> {
    const { loadId, normalized, settings } = this;
    let fileName = job.fileName;
    if (!job.resumed) await normalized.startJob(loadId, fileName);
    const size = await fileSize(normalized.jobPath(loadId, "started_jobs", fileName));
    const startedAt = performance.now();
    const result = (state: LoadJobResult["state"], failureMessage?: string): LoadJobResult => ({
      fileName,
      table: job.table,
      state,
      ...(failureMessage === undefined ? {} : { failureMessage }),
      fileSize: size,
      elapsedMs: performance.now() - startedAt,
      retries: parseJobFileName(fileName).retry,
    });
    for (let tries = 1; ; tries++) {
      try {
        const table = this.loadTable(job.table, fileName);
        const filePath = normalized.jobPath(loadId, "started_jobs", fileName);
        if (job.toStage) await this.stageJob(job, fileName, filePath);
        else {
          if (isReferenceJob(fileName) && !this.staging) throw new LoadJobNeedsStaging(fileName, loadId);
          const staging = this.staging ? { staging: this.staging } : {};
          await this.client.createLoadJob({ loadId, fileName, filePath, table, packages: normalized, ...staging }).run();
        }
        await normalized.completeJob(loadId, fileName);
        this.finishJob(job, result("completed"));
        await this.onChainJobDone(job, true);
        return;
      } catch (error) {
        const terminal = isTerminal(error) || error instanceof LoadJobUnknownTable || error instanceof LoadJobNeedsStaging;
        if (terminal || this.abortCause) {
          // A package being aborted does not retry: it fails what it was running.
          const message = describeError(error);
          await normalized.failJob(loadId, fileName, message);
          this.finishJob(job, result("failed", message));
          if (settings.raiseOnFailedJobs) this.abortCause ??= { ...this.jobFailure(job, fileName, message), tries };
          await this.onChainJobDone(job, false);
          return;
        }
        fileName = await normalized.retryJob(loadId, fileName);
        const retry = parseJobFileName(fileName).retry - 1;
        if (this.outOfTries(tries) || this.stopping()) {
          const message = describeError(error);
          this.finishJob(job, result("retry", message));
          if (this.outOfTries(tries)) this.retryCause ??= { ...this.jobFailure(job, fileName, message), tries };
          return;
        }
        await sleep(this.backoff(retry));
        if (this.stopping()) {
          this.finishJob(job, result("retry", describeError(error)));
          return;
        }
        await normalized.startJob(loadId, fileName);
      }
    }
  }

  /**
   * Copies a job file to the stage and puts its reference job into new_jobs
   * and the queue, in the same chain, before the staging job completes: the
   * chain's follow-up waits for the reference job. A rerun after a kill
   * uploads again (same key) and finds the reference job already there.
   */
  private async stageJob(job: QueuedJob, fileName: string, filePath: string): Promise<void> {
    const { loadId, normalized } = this;
    const url = await this.staging!.upload({
      loadId,
      fileName,
      filePath,
      schemaName: this.schema.name,
      ...(this.createdAt ? { loadPackageTimestamp: this.createdAt } : {}),
    });
    const reference = referenceJobFileName(fileName);
    if (this.referenced.has(jobKey(reference))) return;
    await writeReferenceJob(normalized.jobPath(loadId, "new_jobs", reference), [url]);
    const queued = this.describeJob(reference, false);
    this.jobsTotal += 1;
    this.chainOf(queued).pending += 1;
    this.pendingByTable.set(queued.table, (this.pendingByTable.get(queued.table) ?? 0) + 1);
    this.referenced.add(jobKey(reference));
    this.queue.push(queued);
  }

  /**
   * Before the first upload of a package: deletes the staged files of the
   * tables it has data for (dlt's `truncate_tables_on_staging_destination_before_load`,
   * on by default), so the stage holds the latest load of each table.
   * `_dlt_*` tables are left alone, as dlt does.
   */
  private async truncateStagedTables(): Promise<void> {
    if (this.destination.truncateTablesOnStagingDestinationBeforeLoad === false) return;
    // The stage lays files out by the table as the job file names it (a long name shortened), so it is found by that.
    const staged = this.queue.filter((job) => job.toStage && !isDltName(job.table)).map((job) => parseJobFileName(job.fileName).table);
    const tables = [...new Set(staged)];
    if (tables.length === 0) return;
    const step = `removal of the staged files of tables ${tables.map((t) => `"${t}"`).join(", ")} from ${this.staging!.location}`;
    await this.packageStep(step, () => this.staging!.removeTableFiles(this.schema.name, tables));
    await this.normalized.updateState(this.loadId, { [STAGING_TRUNCATED_KEY]: true });
  }

  /** A job of a chain that already failed: failed without running, so the chain loads nothing more. */
  private async skipJob(job: QueuedJob): Promise<void> {
    const { loadId, normalized } = this;
    if (!job.resumed) await normalized.startJob(loadId, job.fileName);
    const size = await fileSize(normalized.jobPath(loadId, "started_jobs", job.fileName));
    const message =
      `Not loaded: table chain "${job.root}" has a failed job or follow-up in load package ${loadId}, ` +
      `so none of its rows of this package are kept.`;
    await normalized.failJob(loadId, job.fileName, message);
    this.finishJob(job, {
      fileName: job.fileName,
      table: job.table,
      state: "failed",
      failureMessage: message,
      fileSize: size,
      elapsedMs: 0,
      retries: parseJobFileName(job.fileName).retry,
    });
    await this.onChainJobDone(job, false);
  }

  /** The job's table, with the write disposition a nested table inherits from its root. */
  private loadTable(name: string, fileName: string): TableSchema {
    const table = this.schema.tables[name];
    if (!table) throw new LoadJobUnknownTable(name, fileName);
    return table.parent ? { ...table, writeDisposition: this.schema.writeDispositionOf(name) } : table;
  }

  private finishJob(job: QueuedJob, result: LoadJobResult): void {
    this.results.set(job.fileName, result);
    const states = [...this.results.values()].map((r) => r.state);
    this.onProgress?.({
      loadId: this.loadId,
      jobsDone: states.filter((state) => state === "completed").length,
      jobsFailed: states.filter((state) => state === "failed").length,
      jobsTotal: this.jobsTotal,
    });
  }

  private async onChainJobDone(job: QueuedJob, completed: boolean): Promise<void> {
    const chain = this.chains.get(job.root)!;
    chain.pending -= 1;
    this.pendingByTable.set(job.table, this.pendingByTable.get(job.table)! - 1);
    if (completed) chain.completed += 1;
    else chain.failed = true;
    try {
      await this.completeChainIfReady(job.root, chain);
    } catch (error) {
      this.fatal ??= error;
    }
  }

  private async completeReadyChains(): Promise<void> {
    try {
      for (const [root, chain] of this.chains) await this.completeChainIfReady(root, chain);
    } catch (error) {
      this.fatal ??= error;
    }
  }

  /** Whether the loader calls `completeTableChain` for the chain of `root`. */
  private hasFollowup(root: string): boolean {
    const rootTable = this.schema.tables[root];
    return this.client.completeTableChain !== undefined && rootTable !== undefined && (rootTable.writeDisposition ?? "append") !== "skip";
  }

  /**
   * Calls `completeTableChain` once per root table, when all of its jobs
   * completed, with the jobs' tries and backoff. Recorded in the package
   * state, so a resumed package does not repeat it. Skipped once the package
   * is stopping. A terminal failure fails the chain (and aborts the package
   * with raiseOnFailedJobs); out of tries the package stays pending.
   */
  private async completeChainIfReady(root: string, chain: ChainProgress): Promise<void> {
    if (chain.pending > 0 || chain.completed === 0 || chain.failed) return;
    if (this.completedChains.has(root) || this.followupsStarted.has(root)) return;
    if (this.stopping() || !this.hasFollowup(root)) return;
    this.followupsStarted.add(root);
    const rootTable = this.schema.tables[root]!;
    const disposition = rootTable.writeDisposition ?? "append";
    // Tables without jobs in this package are left out, except for replace: their
    // destination tables must be cleared too.
    const tables = this.schema
      .tableChain(root)
      .filter((t) => chain.tables.has(t.name) || disposition === "replace")
      .map((t) => (t.parent ? { ...t, writeDisposition: disposition } : t));
    const kind = disposition === "merge" || disposition === "replace" ? disposition : "completion";
    const step = `${kind} of table chain "${root}" (${tables.map((t) => t.name).join(", ")})`;
    const startedAt = performance.now();
    for (let tries = 1; ; tries++) {
      try {
        await this.client.completeTableChain!(this.loadId, tables);
        break;
      } catch (error) {
        const message = describeError(error);
        const failure: LoadFailure = { step, fileName: `${root}.${kind}.${tries - 1}.sql`, table: root, message, tries };
        const record = (state: LoadJobResult["state"]): void => {
          this.results.set(`${root}.${kind}`, {
            fileName: failure.fileName,
            table: root,
            state,
            failureMessage: message,
            fileSize: 0,
            elapsedMs: performance.now() - startedAt,
            retries: tries - 1,
          });
        };
        if (isTerminal(error)) {
          chain.failed = true;
          record("failed");
          if (this.settings.raiseOnFailedJobs) this.abortCause ??= failure;
          return;
        }
        if (this.outOfTries(tries) || this.stopping()) {
          record("retry");
          if (this.outOfTries(tries)) this.retryCause ??= failure;
          return;
        }
        await sleep(this.backoff(tries - 1));
        if (this.stopping()) {
          record("retry");
          return;
        }
      }
    }
    this.completedChains.add(root);
    const done = [...this.completedChains];
    this.stateWrites = this.stateWrites.then(() =>
      this.normalized.updateState(this.loadId, { [COMPLETED_CHAINS_KEY]: done }),
    );
    await this.stateWrites;
  }

  /**
   * Removes the rows of this load from every chain that wrote some but did
   * not complete (a failed or skipped job, a failed follow-up, or jobs that
   * never ran because the package was aborted). Returns their root tables.
   */
  private async rollbackChains(): Promise<string[]> {
    const removed: string[] = [];
    if (!this.client.rollbackTableChain) return removed;
    for (const [root, chain] of this.chains) {
      if (chain.completed === 0 || this.completedChains.has(root)) continue;
      const complete = chain.pending === 0 && !chain.failed && !this.hasFollowup(root);
      if (complete || this.schema.tables[root] === undefined) continue;
      const tables = this.schema.tableChain(root);
      const step = `removal of the rows of load package ${this.loadId} from table chain "${root}" (${tables.map((t) => t.name).join(", ")})`;
      await this.packageStep(step, () => this.client.rollbackTableChain!(this.loadId, tables));
      removed.push(root);
    }
    return removed;
  }

  /** A step of the package itself, with the jobs' tries and backoff; {@link PackageStepStopped} when it cannot complete. */
  private async packageStep<T>(step: string, work: () => Promise<T>): Promise<T> {
    for (let tries = 1; ; tries++) {
      try {
        return await work();
      } catch (error) {
        if (isTerminal(error) || this.outOfTries(tries)) {
          throw new PackageStepStopped({ step, fileName: "", table: "", message: describeError(error), tries });
        }
        await sleep(this.backoff(tries - 1));
      }
    }
  }

  /** After an abort, jobs that never ran go to failed_jobs so the package holds no pending work. */
  private async failRemainingJobs(cause: LoadFailure): Promise<void> {
    const { loadId, normalized } = this;
    const message = `Load package ${loadId} was aborted before this job ran: ${cause.step} failed.`;
    const leftover = [
      ...(await normalized.listJobs(loadId, "started_jobs")).map((fileName) => ({ fileName, started: true })),
      ...(await normalized.listJobs(loadId, "new_jobs")).map((fileName) => ({ fileName, started: false })),
    ];
    for (const { fileName, started } of leftover) {
      if (!started) await normalized.startJob(loadId, fileName);
      const size = await fileSize(normalized.jobPath(loadId, "started_jobs", fileName));
      await normalized.failJob(loadId, fileName, message);
      const job = this.describeJob(fileName, false);
      this.chainOf(job).failed = true;
      this.finishJob(job, {
        fileName,
        table: job.table,
        state: "failed",
        failureMessage: message,
        fileSize: size,
        elapsedMs: 0,
        retries: parseJobFileName(fileName).retry,
      });
    }
  }
}

/** A job without its retry count and format: a staged job file and its reference job share it. */
function jobKey(fileName: string): string {
  const { table, fileId } = parseJobFileName(fileName);
  return `${table}.${fileId}`;
}

async function fileSize(filePath: string): Promise<number> {
  return fs.stat(filePath).then(
    (s) => s.size,
    () => 0,
  );
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
