import { rm } from "node:fs/promises";
import {
  decodeTypedJson,
  HINTS_FILE,
  parseJobFileName,
  type ExtractedPackageInfo,
  type LoadPackageStorage,
  type SchemaStore,
  type TableSchema,
} from "@dlt-ts/core";
import type { Row } from "../relational/relational-normalizer.js";
import { NormalizeWorkerPool } from "../worker/normalize-worker-pool.js";
import { toWorkerOptions, type PartTask, type WorkerNormalizeOptions } from "../worker/normalize-worker-messages.js";
import { PackageNormalizer, type NormalizeInfo, type NormalizeOptions, type PartResult } from "./package-normalizer.js";
import { readLineBatches, splitLines, type ByteRange } from "./read-lines.js";

export type { NormalizeInfo, NormalizeOptions } from "./package-normalizer.js";

/**
 * Smallest line range of a job file given to a worker of its own: below
 * this, starting a part (the schema posted, files opened per table) costs
 * more than the rows it spreads.
 */
const MIN_PART_BYTES = 4 * 1024 * 1024;

/** A job file of a root table, or a range of its lines: what one worker normalizes at a time. */
interface Part {
  file: string;
  rootTable: string;
  range: ByteRange;
}

/**
 * Normalize stage: turns an extracted package into a load package. The
 * extracted package is deleted only after the load package is published, so
 * a kill at any point loses and doubles nothing.
 *
 * With `workers` > 1, the package's job files, big ones cut into line
 * ranges, are normalized in worker threads, each writing its own job
 * files; their schema changes are merged in file order, and a part that
 * came to other columns than the parts before it is normalized again from
 * the merged schema, so the schema is the one a single worker infers.
 */
export class NormalizeStage {
  /** Parts normalized again because they ran alongside parts that changed the same columns (see PackageNormalizer.mergePart). */
  partsRedone = 0;

  constructor(
    private readonly extracted: LoadPackageStorage,
    private readonly normalized: LoadPackageStorage,
    private readonly schemas: SchemaStore,
    private readonly options: NormalizeOptions,
    private readonly onRows?: (count: number) => void,
    /** Smallest line range of a job file given to a worker of its own. */
    private readonly minPartBytes = MIN_PART_BYTES,
  ) {}

  async normalizePackage(loadId: string): Promise<NormalizeInfo> {
    const info = (await this.extracted.readJson<ExtractedPackageInfo>(loadId, HINTS_FILE))!;
    const writer = await PackageNormalizer.open(loadId, info, this.normalized, this.schemas, this.options);
    try {
      const files = await this.extracted.listJobs(loadId, "new_jobs");
      const parallel = await this.planParallel(loadId, writer, files, info);
      if (parallel) await this.normalizeInWorkers(loadId, info, writer, parallel.parts, parallel.options);
      else await this.normalizeHere(loadId, writer, files, info);
    } catch (error) {
      await writer.abort();
      throw error;
    }
    const result = await writer.finish();
    await this.extracted.deletePackage(loadId);
    return result;
  }

  private async normalizeHere(loadId: string, writer: PackageNormalizer, files: string[], info: ExtractedPackageInfo): Promise<void> {
    for (const fileName of files) {
      // The package's tables give a long table name back from its shortened form in the file name.
      const rootTable = parseJobFileName(fileName, info.tables).table;
      let rows = 0;
      for await (const lines of readLineBatches(this.extracted.jobPath(loadId, "new_jobs", fileName))) {
        for (const line of lines) {
          const writing = writer.add(rootTable, decodeTypedJson(line) as Row);
          if (writing) await writing;
          if (++rows % 1000 === 0) this.onRows?.(1000);
        }
      }
      this.onRows?.(rows % 1000);
    }
  }

  /**
   * The parts to give workers, or undefined to normalize here: with one
   * worker, with fewer than two parts (a worker would only add its start),
   * or when the options cannot go to a worker thread (see toWorkerOptions).
   */
  private async planParallel(
    loadId: string,
    writer: PackageNormalizer,
    files: string[],
    info: ExtractedPackageInfo,
  ): Promise<{ parts: Part[]; options: WorkerNormalizeOptions } | undefined> {
    const workers = this.options.workers ?? 1;
    if (workers <= 1) return undefined;
    const options = toWorkerOptions(this.options, writer.fileFormats());
    if (typeof options === "string") return undefined;
    const parts: Part[] = [];
    for (const fileName of files) {
      const file = this.extracted.jobPath(loadId, "new_jobs", fileName);
      const rootTable = parseJobFileName(fileName, info.tables).table;
      for (const range of await splitLines(file, workers, this.minPartBytes)) parts.push({ file, rootTable, range });
    }
    return parts.length > 1 ? { parts, options } : undefined;
  }

  private async normalizeInWorkers(
    loadId: string,
    info: ExtractedPackageInfo,
    writer: PackageNormalizer,
    parts: Part[],
    options: WorkerNormalizeOptions,
  ): Promise<void> {
    const pool = new NormalizeWorkerPool(Math.min(this.options.workers ?? 1, parts.length));
    const run = (part: Part, first = false): Promise<{ start: Record<string, TableSchema>; result: PartResult }> => {
      let start: Record<string, TableSchema> = {};
      const task = (): PartTask => {
        // Taken when a worker picks the part up: it starts from every part merged by then.
        start = writer.tablesSnapshot();
        return { loadId, info, base: writer.base, tables: start, jobsDirectory: writer.jobsDirectory, options, ...part };
      };
      return pool.run(task, this.onRows, first).then((result) => ({ start, result }));
    };
    try {
      const running = parts.map((part) => run(part));
      // Parts merged later may fail meanwhile: their error is taken when their turn comes.
      for (const pending of running) pending.catch(() => undefined);
      for (let i = 0; i < parts.length; i++) {
        let { start, result } = await running[i]!;
        while (!writer.mergePart(start, result)) {
          this.partsRedone++;
          await Promise.all(result.files.map((file) => rm(file, { force: true })));
          ({ start, result } = await run(parts[i]!, true));
        }
      }
    } finally {
      await pool.close();
    }
  }
}
