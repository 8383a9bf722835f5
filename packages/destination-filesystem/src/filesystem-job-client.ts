import {
  DestinationTerminalException,
  PIPELINE_STATE_TABLE_NAME,
  type DestinationCapabilities,
  type JobClient,
  type LoadJob,
  type LoadJobRequest,
  type LoadPackageStorage,
  type PipelineLogger,
  type Schema,
  type StoredPipelineState,
  type StoredSchema,
  type TableChain,
  type TableSchema,
} from "@dlt-ts/core";
import { FilesystemDltTables } from "./filesystem-dlt-tables.js";
import { FilesystemLoadJob } from "./filesystem-load-job.js";
import { FilesystemStateLoadJob } from "./filesystem-state-load-job.js";
import type { FilesystemStage } from "./filesystem-stage.js";

/** Package file recording the replace tables whose earlier files this load deleted already. */
const TRUNCATED_TABLES_FILE = "filesystem_truncated_tables.json";

/** Options of {@link FilesystemJobClient}. */
export interface FilesystemJobClientOptions {
  /** Whose state files are pruned after a load. */
  pipelineName: string;
  /** State files kept per pipeline; ≤ 0 keeps all. Default 100. */
  maxStateFiles?: number;
  /** Where the merge warning goes. Default: console.warn. */
  logger?: PipelineLogger;
}

/**
 * The job client of the filesystem destination: each job copies its file to
 * the bucket per the layout; replace deletes a table chain's earlier files
 * once per load before the first new one lands; merge appends (with a
 * warning, as dlt); `_dlt_loads`, schema versions and pipeline state are
 * files (see {@link FilesystemDltTables}), read back by `getStoredState` and
 * `getStoredSchema` on a fresh machine.
 */
export class FilesystemJobClient implements JobClient {
  readonly dltTables: FilesystemDltTables;
  private readonly logger: PipelineLogger;
  private readonly maxStateFiles: number;
  private readonly truncations = new Map<string, Promise<void>>();
  private truncationQueue: Promise<unknown> = Promise.resolve();
  private readonly packageTimestamps = new Map<string, Promise<Date | undefined>>();
  private readonly warnedMerge = new Set<string>();

  constructor(
    readonly schema: Schema,
    readonly stage: FilesystemStage,
    readonly capabilities: DestinationCapabilities,
    private readonly options: FilesystemJobClientOptions,
  ) {
    this.dltTables = new FilesystemDltTables(stage);
    this.logger = options.logger ?? { info: () => undefined, warn: (message) => console.warn(message) };
    this.maxStateFiles = options.maxStateFiles ?? 100;
  }

  /** Creates the dataset folder's `init` file when missing. */
  async initializeStorage(): Promise<void> {
    await this.dltTables.initialize();
  }

  /** Files need no DDL: the schema is stored as a new `_dlt_version` file when this version is not stored yet. */
  async updateStoredSchema(_update: Record<string, TableSchema>): Promise<void> {
    if (!(await this.dltTables.hasSchemaVersion(this.schema))) await this.dltTables.storeSchema(this.schema);
  }

  createLoadJob(request: LoadJobRequest): LoadJob {
    if (request.table.name === PIPELINE_STATE_TABLE_NAME) return new FilesystemStateLoadJob(this, request);
    const root = this.schema.tables[request.table.name] ? this.schema.rootTableOf(request.table.name) : request.table;
    const disposition = request.table.writeDisposition ?? root.writeDisposition ?? "append";
    if (disposition === "merge") this.warnMergeOnce(root.name);
    if (disposition === "replace" && root.replaceStrategy !== undefined && root.replaceStrategy !== "truncate-and-insert") {
      const strategy = root.replaceStrategy;
      return {
        run: async () => {
          throw new DestinationTerminalException(
            `Table "${root.name}" asks for replace strategy "${strategy}", which the filesystem destination does not support (supported: truncate-and-insert)`,
          );
        },
      };
    }
    return new FilesystemLoadJob(this, request, disposition === "replace" ? root.name : undefined);
  }

  /**
   * Deletes the files of `rootName`'s table chain (nested tables included)
   * once per load, before the first file of the load lands. Done is recorded
   * in the load package, so a resumed load never deletes what it already
   * wrote. Serialized, as chains may share folders.
   */
  truncateChainOnce(loadId: string, rootName: string, packages: LoadPackageStorage): Promise<void> {
    const key = `${loadId}\u0000${rootName}`;
    let done = this.truncations.get(key);
    if (!done) {
      done = this.truncationQueue.then(() => this.truncateChain(loadId, rootName, packages));
      this.truncationQueue = done.catch(() => undefined);
      this.truncations.set(key, done);
      done.catch(() => this.truncations.delete(key));
    }
    return done;
  }

  /** When the load package was created (its `createdAt`), read once per load. */
  packageTimestamp(loadId: string, packages: LoadPackageStorage): Promise<Date | undefined> {
    let timestamp = this.packageTimestamps.get(loadId);
    if (!timestamp) {
      timestamp = packages.readState(loadId).then(
        (state) => (typeof state.createdAt === "string" && !Number.isNaN(Date.parse(state.createdAt)) ? new Date(state.createdAt) : undefined),
        () => undefined,
      );
      this.packageTimestamps.set(loadId, timestamp);
    }
    return timestamp;
  }

  /**
   * Deletes the files the load wrote for the tables of `chain` (found through
   * `{load_id}` in their paths; a layout without it cannot tell them apart,
   * and they stay) and the state files it carried. Idempotent.
   */
  async rollbackTableChain(loadId: string, chain: TableChain): Promise<void> {
    for (const table of chain) {
      if (table.name === PIPELINE_STATE_TABLE_NAME) {
        await this.dltTables.removeStatesOfLoad(loadId);
        continue;
      }
      const matches = this.stage.layout.matcherForLoad(this.schema.name, table.name, loadId);
      if (!matches) continue;
      const datasetPrefix = `${this.stage.datasetName}/`;
      const keys = await this.stage.listTableFiles(this.schema.name, table.name);
      await this.stage.removeFiles(keys.filter((key) => matches(key.slice(datasetPrefix.length))));
    }
  }

  /** Records the load in `_dlt_loads` (which makes its state count) and prunes old state files. */
  async completeLoad(loadId: string): Promise<void> {
    await this.dltTables.storeLoad(loadId, this.schema);
    await this.dltTables.pruneStates(this.options.pipelineName, this.maxStateFiles);
  }

  getStoredState(pipelineName: string): Promise<StoredPipelineState | undefined> {
    return this.dltTables.newestState(pipelineName);
  }

  getStoredSchema(schemaName: string = this.schema.name): Promise<StoredSchema | undefined> {
    return this.dltTables.newestSchema(schemaName);
  }

  /** Deletes the tables' files and every stored version of this schema (dlt's `drop_tables(..., delete_schema=True)`). */
  async dropTables(tables: readonly string[]): Promise<void> {
    await this.stage.removeTableFiles(this.schema.name, tables);
    await this.dltTables.deleteSchemas(this.schema.name);
  }

  async close(): Promise<void> {
    await this.stage.close();
  }

  private async truncateChain(loadId: string, rootName: string, packages: LoadPackageStorage): Promise<void> {
    const done = (await packages.readJson<{ tables: string[] }>(loadId, TRUNCATED_TABLES_FILE))?.tables ?? [];
    if (done.includes(rootName)) return;
    const chain = this.schema.tableChain(rootName).map((t) => t.name);
    await this.stage.removeTableFiles(this.schema.name, chain.length > 0 ? chain : [rootName]);
    await packages.writeJson(loadId, TRUNCATED_TABLES_FILE, { tables: [...done, rootName] });
  }

  private warnMergeOnce(rootName: string): void {
    if (this.warnedMerge.has(rootName)) return;
    this.warnedMerge.add(rootName);
    this.logger.warn(
      `Table "${rootName}" has write disposition "merge", which the filesystem destination does not support: its files are appended instead (as dlt does).`,
    );
  }
}
