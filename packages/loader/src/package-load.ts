import { promises as fs } from "node:fs";
import {
  isTerminal,
  parseJobFileName,
  Schema,
  type ConfiguredDestination,
  type JobClient,
  type LoaderParallelismStrategy,
  type LoadPackageStorage,
  type StoredSchema,
  type TableSchema,
} from "@dlt-ts/core";
import { LoadException, LoadJobUnknownTable } from "./load-exceptions.js";
import type { LoaderOptions, LoaderSettings } from "./loader-options.js";
import type { LoadJobResult, LoadPackageResult } from "./load-result.js";
import { describeError } from "./describe-error.js";

/** Package state key listing the root tables whose `completeTableChain` already ran. */
const COMPLETED_CHAINS_KEY = "completedTableChains";

interface QueuedJob {
  fileName: string;
  table: string;
  /** Root table of the job's table chain: the unit of "table-sequential". */
  root: string;
  /** Found in started_jobs: a killed run was loading it. */
  resumed: boolean;
}

interface ChainProgress {
  pending: number;
  completed: number;
  tables: Set<string>;
}

/** The job that stopped the package: the first terminal failure, or the first job out of tries. */
export interface StopCause {
  fileName: string;
  table: string;
  message: string;
  /** Tries of the job in this run. */
  tries: number;
}

/** What loading one package came to. */
export interface PackageLoadOutcome {
  result: LoadPackageResult;
  /** Set when a failed job aborted the package (raiseOnFailedJobs). */
  abortCause?: StopCause;
  /** Set when a job ran out of tries: the package stays pending for the next run. */
  retryCause?: StopCause;
}

/**
 * Loads one package: the state machine of its jobs, retries, parallelism,
 * table-chain completion and the final move to the loaded storage.
 */
export class PackageLoad {
  private schema!: Schema;
  private client!: JobClient;
  private readonly results = new Map<string, LoadJobResult>();
  private readonly chains = new Map<string, ChainProgress>();
  private completedChains = new Set<string>();
  private abortCause: StopCause | undefined;
  private retryCause: StopCause | undefined;
  /** An error that is not a job failure (e.g. completeTableChain threw): the package stays pending. */
  private fatal: unknown;
  private jobsTotal = 0;
  private stateWrites: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly loadId: string,
    private readonly normalized: LoadPackageStorage,
    private readonly loaded: LoadPackageStorage,
    private readonly destination: ConfiguredDestination,
    private readonly settings: LoaderSettings,
    private readonly onProgress: LoaderOptions["onProgress"],
  ) {}

  /**
   * Loads the package. A failed job with raiseOnFailedJobs aborts it
   * (`abortCause`); a job out of tries leaves it pending in `normalized`
   * (`retryCause`); other errors are thrown and leave it pending too.
   */
  async run(): Promise<PackageLoadOutcome> {
    const startedAt = new Date();
    const { loadId, normalized } = this;
    const stored = await normalized.readJson<StoredSchema>(loadId, "schema.json");
    if (!stored) throw new LoadException(`Load package ${loadId} has no schema.json in ${normalized.packagePath(loadId)}`);
    this.schema = Schema.fromStored(stored);
    const updates = (await normalized.readJson<Record<string, TableSchema>>(loadId, "schema_updates.json")) ?? {};
    const state = await normalized.readState(loadId);
    this.completedChains = new Set((state[COMPLETED_CHAINS_KEY] as string[] | undefined) ?? []);

    this.client = await this.destination.createClient(this.schema);
    try {
      await this.client.initializeStorage();
      await this.client.updateStoredSchema(updates);
      const queue = await this.collectJobs();
      await this.completeReadyChains();
      await this.schedule(queue);
      if (this.fatal !== undefined) throw this.fatal;
      if (this.abortCause) {
        await this.failRemainingJobs(this.abortCause);
      } else if (!this.retryCause) {
        await this.completeReadyChains();
        if (this.fatal !== undefined) throw this.fatal;
        await this.client.completeLoad(loadId);
      }
    } finally {
      await this.client.close();
    }
    await this.stateWrites;
    const status = this.abortCause ? "aborted" : this.retryCause ? "pending" : "loaded";
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
    if (this.abortCause) return { result, abortCause: this.abortCause };
    if (this.retryCause) return { result, retryCause: this.retryCause };
    return { result };
  }

  /** Jobs to run (resumed first, then new, each in file order); jobs finished by an earlier run go straight to the results. */
  private async collectJobs(): Promise<QueuedJob[]> {
    const { loadId, normalized } = this;
    const started = await normalized.listJobs(loadId, "started_jobs");
    const fresh = await normalized.listJobs(loadId, "new_jobs");
    const completed = await normalized.listJobs(loadId, "completed_jobs");
    const failed = await normalized.listJobs(loadId, "failed_jobs");
    this.jobsTotal = started.length + fresh.length + completed.length + failed.length;

    for (const fileName of completed) {
      const job = this.describeJob(fileName, false);
      this.chainOf(job).completed += 1;
      this.results.set(job.fileName, await this.earlierResult(job, "completed"));
    }
    for (const fileName of failed) {
      const job = this.describeJob(fileName, false);
      this.chainOf(job);
      const failureMessage = await normalized.readFailureMessage(loadId, fileName);
      this.results.set(job.fileName, { ...(await this.earlierResult(job, "failed")), failureMessage });
    }
    const queue = [
      ...started.map((f) => this.describeJob(f, true)),
      ...fresh.map((f) => this.describeJob(f, false)),
    ];
    for (const job of queue) this.chainOf(job).pending += 1;
    return queue;
  }

  private describeJob(fileName: string, resumed: boolean): QueuedJob {
    const { table } = parseJobFileName(fileName);
    const root = this.schema.tables[table] ? this.schema.rootTableOf(table).name : table;
    return { fileName, table, root, resumed };
  }

  private chainOf(job: QueuedJob): ChainProgress {
    let chain = this.chains.get(job.root);
    if (!chain) {
      chain = { pending: 0, completed: 0, tables: new Set() };
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

  /** Runs the queue with at most `limit` jobs in flight, honouring the parallelism strategy. */
  private schedule(queue: QueuedJob[]): Promise<void> {
    const strategy: LoaderParallelismStrategy =
      this.settings.parallelismStrategy ?? this.client.capabilities.loaderParallelismStrategy;
    const limit =
      strategy === "sequential"
        ? 1
        : Math.max(1, Math.min(this.settings.workers, this.client.capabilities.maxParallelLoadJobs));
    const busyChains = new Set<string>();
    let running = 0;

    return new Promise<void>((resolve) => {
      const pump = (): void => {
        while (!this.stopping() && running < limit) {
          const index =
            strategy === "table-sequential" ? queue.findIndex((job) => !busyChains.has(job.root)) : queue.length ? 0 : -1;
          if (index < 0) break;
          const [job] = queue.splice(index, 1) as [QueuedJob];
          running += 1;
          busyChains.add(job.root);
          this.runJob(job)
            .catch((error: unknown) => {
              this.fatal ??= error;
            })
            .finally(() => {
              running -= 1;
              busyChains.delete(job.root);
              pump();
            });
        }
        if (running === 0 && (this.stopping() || queue.length === 0)) resolve();
      };
      pump();
    });
  }

  private stopping(): boolean {
    return this.abortCause !== undefined || this.retryCause !== undefined || this.fatal !== undefined;
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
        await this.client.createLoadJob({ loadId, fileName, filePath, table, packages: normalized }).run();
        await normalized.completeJob(loadId, fileName);
        this.finishJob(job, result("completed"));
        await this.onChainJobDone(job, true);
        return;
      } catch (error) {
        const terminal = isTerminal(error) || error instanceof LoadJobUnknownTable;
        if (terminal || this.abortCause) {
          // A package being aborted does not retry: it fails what it was running.
          const message = describeError(error);
          await normalized.failJob(loadId, fileName, message);
          this.finishJob(job, result("failed", message));
          if (settings.raiseOnFailedJobs) this.abortCause ??= { fileName, table: job.table, message, tries };
          await this.onChainJobDone(job, false);
          return;
        }
        const retry = parseJobFileName(fileName).retry;
        fileName = await normalized.retryJob(loadId, fileName);
        const outOfTries = settings.raiseOnMaxRetries > 0 && tries >= settings.raiseOnMaxRetries;
        if (outOfTries || this.stopping()) {
          const message = describeError(error);
          this.finishJob(job, result("retry", message));
          if (outOfTries) this.retryCause ??= { fileName, table: job.table, message, tries };
          return;
        }
        await sleep(Math.min(settings.maxRetryBackoffMs, settings.retryBackoffMs * 2 ** retry));
        if (this.stopping()) {
          this.finishJob(job, result("retry", describeError(error)));
          return;
        }
        await normalized.startJob(loadId, fileName);
      }
    }
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
    if (completed) chain.completed += 1;
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

  /**
   * Calls `completeTableChain` once per root table, when none of its jobs is
   * pending and at least one completed. Recorded in the package state, so a
   * resumed package does not repeat it. Skipped once the package is aborting.
   */
  private async completeChainIfReady(root: string, chain: ChainProgress): Promise<void> {
    if (chain.pending > 0 || chain.completed === 0 || this.completedChains.has(root)) return;
    if (this.stopping() || !this.client.completeTableChain) return;
    const rootTable = this.schema.tables[root];
    if (!rootTable || (rootTable.writeDisposition ?? "append") === "skip") return;
    this.completedChains.add(root);
    // Tables without jobs in this package are left out, except for replace: their
    // destination tables must be cleared too.
    const tables = this.schema
      .tableChain(root)
      .filter((t) => chain.tables.has(t.name) || rootTable.writeDisposition === "replace")
      .map((t) => (t.parent ? { ...t, writeDisposition: rootTable.writeDisposition } : t));
    await this.client.completeTableChain(this.loadId, tables);
    const done = [...this.completedChains];
    this.stateWrites = this.stateWrites.then(() =>
      this.normalized.updateState(this.loadId, { [COMPLETED_CHAINS_KEY]: done }),
    );
    await this.stateWrites;
  }

  /** After an abort, jobs that never ran go to failed_jobs so the package holds no pending work. */
  private async failRemainingJobs(cause: StopCause): Promise<void> {
    const { loadId, normalized } = this;
    const message = `Load package ${loadId} was aborted before this job ran: job "${cause.fileName}" failed.`;
    for (const fileName of await normalized.listJobs(loadId, "new_jobs")) {
      await normalized.startJob(loadId, fileName);
      const size = await fileSize(normalized.jobPath(loadId, "started_jobs", fileName));
      await normalized.failJob(loadId, fileName, message);
      const job = this.describeJob(fileName, false);
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

async function fileSize(filePath: string): Promise<number> {
  return fs.stat(filePath).then(
    (s) => s.size,
    () => 0,
  );
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
