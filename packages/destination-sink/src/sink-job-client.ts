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

  constructor(
    readonly capabilities: DestinationCapabilities,
    private readonly options: ResolvedSinkOptions,
    private readonly write: SinkWrite,
  ) {}

  async initializeStorage(): Promise<void> {}

  async updateStoredSchema(): Promise<void> {}

  createLoadJob(request: LoadJobRequest): LoadJob {
    if (this.options.skipDltColumnsAndTables && isDltName(request.table.name)) return { run: async () => {} };
    return new SinkLoadJob(request, this.options, this.write, this.readGate);
  }

  async completeLoad(): Promise<void> {}

  async close(): Promise<void> {}
}

/**
 * Delivers one job file. After every batch the number of items delivered is
 * committed to the package (`writeJobProgress`, atomic), so a retry or a run
 * after a crash starts at the first undelivered item and never sends a
 * delivered batch again. A process killed after write() returned but before
 * the commit re-sends that one batch.
 */
export class SinkLoadJob implements LoadJob {
  constructor(
    private readonly request: LoadJobRequest,
    private readonly options: ResolvedSinkOptions,
    private readonly write: SinkWrite,
    private readonly readGate = new ReadGate(1),
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
    const batches = read(filePath, this.request.table, delivered, this.options.batchSize);
    try {
      // Batches start at multiples of batchSize (a resumed job starts at its first undelivered one): the index names the batch.
      for (
        let count = await this.deliverNext(batches, table, this.batch(Math.floor(delivered / this.options.batchSize)));
        count > 0;
        count = await this.deliverNext(batches, table, this.batch(Math.floor(delivered / this.options.batchSize)))
      ) {
        delivered += count;
        await packages.writeJobProgress(loadId, fileName, { itemsDelivered: delivered });
      }
    } finally {
      await batches.return(undefined);
    }
  }

  /**
   * Reads and writes one batch; returns its size, 0 at the end of the file.
   * The batch is not referenced once this returns, so jobs waiting on their
   * progress commit hold no parsed items.
   */
  private async deliverNext(batches: AsyncGenerator<SinkItem[]>, table: TableSchema, context: SinkBatch): Promise<number> {
    const next = await this.readGate.run(() => batches.next());
    if (next.done) return 0;
    const batch = next.value;
    await this.write(this.options.skipDltColumnsAndTables ? stripDltColumns(batch) : batch, table, context);
    return batch.length;
  }

  private batch(index: number): SinkBatch {
    const { loadId, fileName } = this.request;
    const { table, fileId } = parseJobFileName(fileName);
    const jobId = `${table}.${fileId}`;
    return { id: `${loadId}.${jobId}.${index}`, loadId, jobId, index };
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
