import {
  DestinationTerminalException,
  isDltName,
  parseJobFileName,
  type DestinationCapabilities,
  type JobClient,
  type LoadJob,
  type LoadJobRequest,
  type TableSchema,
} from "@dlt-ts/core";
import { ReadGate } from "./read-gate.js";
import { contentBatchId, type OpenSinkDeliveryJournal, type SinkDeliveryJournal } from "./sink-delivery-journal.js";
import { batchReaderFor } from "./sink-item-readers.js";
import type { ResolvedSinkOptions, SinkBatch, SinkItem, SinkWrite } from "./sink-options.js";

/**
 * The job client of a sink: no storage, no schema to migrate; each job file
 * is read in batches and handed to write().
 */
export class SinkJobClient implements JobClient {
  /**
   * Jobs reading (and parsing) a batch at the same time. Reading is CPU bound
   * and gains nothing from more (measured: same CPU time, lower peak RSS than
   * 2); write() calls still overlap up to maxParallelLoadJobs. Keeps memory
   * at a few batches however many jobs run.
   */
  static readonly READERS = 1;
  private readonly readGate = new ReadGate(SinkJobClient.READERS);
  private openJournal: Promise<OpenSinkDeliveryJournal | undefined> | undefined;

  constructor(
    readonly capabilities: DestinationCapabilities,
    private readonly options: ResolvedSinkOptions,
    private readonly write: SinkWrite,
    private readonly journal?: SinkDeliveryJournal,
  ) {}

  async initializeStorage(): Promise<void> {}

  async updateStoredSchema(): Promise<void> {}

  createLoadJob(request: LoadJobRequest): LoadJob {
    if (this.options.skipDltColumnsAndTables && isDltName(request.table.name)) return { run: async () => {} };
    // Read once, when the first job needs it.
    this.openJournal ??= this.journal ? this.journal.open() : Promise.resolve(undefined);
    return new SinkLoadJob(request, this.options, this.write, this.readGate, this.openJournal);
  }

  async completeLoad(): Promise<void> {}

  async close(): Promise<void> {
    const journal = await this.openJournal?.catch(() => undefined);
    this.openJournal = undefined;
    await journal?.close();
  }
}

/**
 * Delivers one job file. After every batch the number of items delivered is
 * committed to the package (`writeJobProgress`, atomic), so a retry or a run
 * after a crash starts at the first undelivered item and never sends a
 * delivered batch again. A process killed after write() returned but before
 * the commit re-sends that one batch.
 *
 * With a delivery journal (a pipeline with a state store) each batch's id is
 * a digest of its content (see contentBatchId) and every delivered batch is
 * recorded there too: a fresh working dir, which extracts the same rows into
 * a new package, skips the batches the journal holds. Whole-file delivery
 * (batchSize 0) is not journaled: a file's bytes carry per-package values.
 */
export class SinkLoadJob implements LoadJob {
  constructor(
    private readonly request: LoadJobRequest,
    private readonly options: ResolvedSinkOptions,
    private readonly write: SinkWrite,
    private readonly readGate = new ReadGate(1),
    private readonly journal: Promise<OpenSinkDeliveryJournal | undefined> = Promise.resolve(undefined),
  ) {}

  async run(): Promise<void> {
    const { loadId, fileName, filePath, packages } = this.request;
    const table = this.tableForSink();
    const progress = await packages.readJobProgress(loadId, fileName);
    let delivered = progress.itemsDelivered;

    if (this.options.batchSize === 0) {
      // One call with the file path; progress 1 marks the file as handed over.
      if (delivered > 0) return;
      await this.write(filePath, table, this.batch(0));
      await packages.writeJobProgress(loadId, fileName, { itemsDelivered: 1 });
      return;
    }

    const { format } = parseJobFileName(fileName);
    const read = batchReaderFor(format);
    if (!read) {
      throw new DestinationTerminalException(
        `Sink destination "${this.options.name}" cannot read job file "${fileName}": format "${format}" is not jsonl or parquet`,
      );
    }
    const journal = await this.journal;
    const batches = read(filePath, this.request.table, delivered, this.options.batchSize);
    try {
      // Batches start at multiples of batchSize (a resumed job starts at its first undelivered one): the index names the batch.
      for (;;) {
        const index = Math.floor(delivered / this.options.batchSize);
        const count = await this.deliverNext(batches, table, index, journal);
        if (count === 0) break;
        delivered += count;
        await packages.writeJobProgress(loadId, fileName, { itemsDelivered: delivered });
      }
    } finally {
      await batches.return(undefined);
    }
  }

  /**
   * Reads and writes one batch; returns its size, 0 at the end of the file.
   * With a journal, a batch it holds (delivered by a run whose working dir
   * is gone) is not written again, and a written one is recorded there
   * before the package's own progress. The batch is not referenced once
   * this returns, so jobs waiting on their progress commit hold no parsed
   * items.
   */
  private async deliverNext(
    batches: AsyncGenerator<SinkItem[]>,
    table: TableSchema,
    index: number,
    journal: OpenSinkDeliveryJournal | undefined,
  ): Promise<number> {
    const next = await this.readGate.run(() => batches.next());
    if (next.done) return 0;
    const items = this.options.skipDltColumnsAndTables ? stripDltColumns(next.value) : next.value;
    // `_dlt_*` values differ per package (load id, row ids): a fresh machine's package has other ones.
    const contentId = journal && contentBatchId(journal.epoch, table.name, index, this.options.skipDltColumnsAndTables ? items : stripDltColumns(items));
    const context = this.batch(index, contentId);
    if (journal?.has(context.id)) return items.length;
    await this.write(items, table, context);
    await journal?.record(context);
    return items.length;
  }

  private batch(index: number, id?: string): SinkBatch {
    const { loadId, fileName } = this.request;
    const { table, fileId } = parseJobFileName(fileName);
    const jobId = `${table}.${fileId}`;
    return { id: id ?? `${loadId}.${jobId}.${index}`, loadId, jobId, index };
  }

  /** The table as the sink sees it: `_dlt_*` columns left out unless asked for. */
  private tableForSink(): TableSchema {
    const { table } = this.request;
    if (!this.options.skipDltColumnsAndTables) return table;
    const columns = Object.fromEntries(Object.entries(table.columns).filter(([name]) => !isDltName(name)));
    return { ...table, columns };
  }
}

function stripDltColumns(batch: SinkItem[]): SinkItem[] {
  return batch.map((item) => {
    let hasDlt = false;
    for (const key in item) {
      if (isDltName(key)) {
        hasDlt = true;
        break;
      }
    }
    if (!hasDlt) return item;
    const out: SinkItem = {};
    for (const key in item) if (!isDltName(key)) out[key] = item[key];
    return out;
  });
}
