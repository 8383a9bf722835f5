import { existsSync } from "node:fs";
import * as path from "node:path";
import { Worker, type WorkerOptions } from "node:worker_threads";
import { DltException } from "@dlt-ts/core";
import type { PartResult } from "../stage/package-normalizer.js";
import type { FromWorker, PartTask, ToWorker } from "./normalize-worker-messages.js";
import { deserializeError } from "./worker-errors.js";

interface Job {
  id: number;
  /** Builds the task when a worker takes it, so it carries the tables as merged by then. */
  task: () => PartTask;
  onRows?: (count: number) => void;
  resolve: (result: PartResult) => void;
  reject: (error: unknown) => void;
}

/**
 * Up to `size` worker threads running normalize-worker, started as jobs
 * arrive; each takes the next queued job when it is free. close()
 * terminates them: a pool lives as long as one package's normalize.
 */
export class NormalizeWorkerPool {
  private readonly idle: Worker[] = [];
  private readonly running = new Map<Worker, Job>();
  private readonly queue: Job[] = [];
  private started = 0;
  /** Workers that died: they are not replaced. */
  private lost = 0;
  private nextId = 0;
  private closed = false;

  constructor(private readonly size: number) {}

  /**
   * Runs a part in a worker. `first` puts it before the queued parts (a
   * part to normalize again, which the merge waits for).
   */
  run(task: () => PartTask, onRows?: (count: number) => void, first = false): Promise<PartResult> {
    return new Promise<PartResult>((resolve, reject) => {
      const job: Job = { id: this.nextId++, task, ...(onRows ? { onRows } : {}), resolve, reject };
      if (first) this.queue.unshift(job);
      else this.queue.push(job);
      this.pump();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const workers = [...this.idle, ...this.running.keys()];
    this.idle.length = 0;
    for (const job of this.running.values()) job.reject(new DltException("normalize worker pool closed while a part was running"));
    this.running.clear();
    await Promise.all(workers.map((worker) => worker.terminate()));
  }

  private pump(): void {
    if (this.lost === this.size) this.failQueued(new DltException("every normalize worker thread of the pool died"));
    while (!this.closed && this.queue.length > 0) {
      const worker = this.idle.pop() ?? (this.started < this.size ? this.startWorker() : undefined);
      if (!worker) return;
      const job = this.queue.shift()!;
      this.running.set(worker, job);
      let task: PartTask;
      try {
        task = job.task();
      } catch (error) {
        this.running.delete(worker);
        this.idle.push(worker);
        job.reject(error);
        continue;
      }
      worker.postMessage({ type: "part", id: job.id, task } satisfies ToWorker);
    }
  }

  private startWorker(): Worker {
    this.started++;
    const { script, options } = workerEntry();
    const worker = new Worker(script, options);
    worker.on("message", (message: FromWorker) => {
      const job = this.running.get(worker);
      if (!job || job.id !== message.id) return;
      if (message.type === "rows") {
        job.onRows?.(message.count);
        return;
      }
      this.running.delete(worker);
      this.idle.push(worker);
      if (message.type === "done") job.resolve(message.result);
      else job.reject(deserializeError(message.error));
      this.pump();
    });
    // A worker that dies (it failed to load, ran out of memory) fails its part; the pool goes on without it.
    let dead = false;
    const lost = (error: unknown) => {
      if (dead) return;
      dead = true;
      this.lost++;
      const job = this.running.get(worker);
      this.running.delete(worker);
      const at = this.idle.indexOf(worker);
      if (at !== -1) this.idle.splice(at, 1);
      job?.reject(error);
      if (this.lost === this.size) this.failQueued(error);
    };
    worker.on("error", lost);
    worker.on("exit", (code) => {
      if (!this.closed) lost(new DltException(`normalize worker thread exited with code ${code}`));
    });
    return worker;
  }

  /** With no worker left, queued parts would wait forever: they fail with the reason. */
  private failQueued(error: unknown): void {
    for (const job of this.queue.splice(0)) job.reject(error);
  }
}

/**
 * How to start normalize-worker: the compiled `normalize-worker.js` next to
 * this file (an installed package, or a build), else from the TypeScript
 * sources through tsx (tests and scripts run from a checkout).
 */
function workerEntry(): { script: string; options: WorkerOptions } {
  const compiled = path.join(__dirname, "normalize-worker.js");
  if (existsSync(compiled)) return { script: compiled, options: {} };
  const source = path.join(__dirname, "normalize-worker.ts");
  let tsx: string;
  try {
    tsx = require.resolve("tsx/cjs/api");
  } catch {
    throw new DltException(
      `normalize.workers > 1 runs ${source} in worker threads from TypeScript sources, which needs tsx installed: ` +
        `install tsx, build the package (tsc -b), or set normalize.workers to 1`,
    );
  }
  // The worker takes none of this thread's loader flags: tsx is registered once, here.
  return { script: `require(${JSON.stringify(tsx)}).register();\nrequire(${JSON.stringify(source)});`, options: { eval: true, execArgv: [] } };
}
