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
import { batchReaderFor } from "./sink-item-readers.js";
import type { ResolvedSinkOptions, SinkItem, SinkWrite } from "./sink-options.js";

/**
 * The job client of a sink: no storage, no schema to migrate; each job file
 * is read in batches and handed to write().
 */
export class SinkJobClient implements JobClient {
  constructor(
    readonly capabilities: DestinationCapabilities,
    private readonly options: ResolvedSinkOptions,
    private readonly write: SinkWrite,
  ) {}

  async initializeStorage(): Promise<void> {}

  async updateStoredSchema(): Promise<void> {}

  createLoadJob(request: LoadJobRequest): LoadJob {
    if (this.options.skipDltColumnsAndTables && isDltName(request.table.name)) return { run: async () => {} };
    return new SinkLoadJob(request, this.options, this.write);
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
  ) {}

  async run(): Promise<void> {
    const { loadId, fileName, filePath, packages } = this.request;
    const table = this.tableForSink();
    const progress = await packages.readJobProgress(loadId, fileName);
    let delivered = progress.itemsDelivered;

    if (this.options.batchSize === 0) {
      // One call with the file path; progress 1 marks the file as handed over.
      if (delivered > 0) return;
      await this.write(filePath, table);
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
    const strip = this.options.skipDltColumnsAndTables;
    for await (const batch of read(filePath, delivered, this.options.batchSize)) {
      await this.write(strip ? stripDltColumns(batch) : batch, table);
      delivered += batch.length;
      await packages.writeJobProgress(loadId, fileName, { itemsDelivered: delivered });
    }
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
