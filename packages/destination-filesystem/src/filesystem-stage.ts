import type { Readable } from "node:stream";
import { DestinationTerminalException, parseJobFileName, type StagingArea } from "@dlt-ts/core";
import { filesystemCapabilities } from "./filesystem-capabilities.js";
import { LocalFileStorage } from "./filesystem-local-storage.js";
import { FilesystemLayout } from "./filesystem-layout.js";
import { joinKey, type FilesystemStorage } from "./filesystem-storage.js";

/** dlt's `current_datetime`: a fixed time, or a function asked for each file. */
export type CurrentDatetime = Date | (() => Date);

/** A job file of a load package, to be put into the bucket. */
export interface StageJob {
  loadId: string;
  /** `<table>.<file_id>.<retry>.<format>`: table, file id and extension of the path come from it. */
  fileName: string;
  /** The local job file. */
  filePath: string;
  /** Fills `{schema_name}`. */
  schemaName: string;
  /** When the load package was created: `{load_package_timestamp}`, and the default time of the date placeholders. */
  loadPackageTimestamp?: Date;
}

/** Options of {@link FilesystemStage}. */
export interface FilesystemStageOptions {
  /** Files go under `<bucket>/<datasetName>/`. */
  datasetName: string;
  /** Default: dlt's `{table_name}/{load_id}.{file_id}.{ext}`. */
  layout?: FilesystemLayout;
  /** Default: the job's load package timestamp, else the time of the upload. */
  currentDatetime?: CurrentDatetime;
}

/**
 * Job files in a bucket, laid out per `layout` under `<bucket>/<dataset>/`:
 * what the filesystem destination writes its tables with, and what a SQL
 * destination's staging step uploads to (and then loads from, by URL).
 * Keys are relative to the bucket root; `urlOf` gives the full URL.
 *
 * @example
 * const stage = configured.createStage();      // from the configured filesystem destination
 * const url = await stage.upload({ loadId, fileName: "events.a1b2c3.0.parquet", filePath, schemaName: "github" });
 * // "s3://lake/github_data/events/1714557630.123456.a1b2c3.parquet"
 * await stage.removeTableFiles("github", ["events"]);   // e.g. truncate the staged files after loading
 * await stage.close();
 */
export class FilesystemStage implements StagingArea {
  readonly fileFormats: readonly string[] = filesystemCapabilities().supportedLoaderFileFormats;
  readonly datasetName: string;
  readonly layout: FilesystemLayout;
  private readonly currentDatetime: CurrentDatetime | undefined;

  constructor(
    readonly storage: FilesystemStorage,
    options: FilesystemStageOptions,
  ) {
    this.datasetName = options.datasetName;
    this.layout = options.layout ?? new FilesystemLayout();
    this.currentDatetime = options.currentDatetime;
  }

  /** The dataset folder as a URL (`s3://lake/github_data/`). */
  get datasetUrl(): string {
    return `${this.storage.urlOf(this.datasetName)}/`;
  }

  get location(): string {
    return this.datasetUrl;
  }

  /** A key inside the dataset folder: `datasetKey("_dlt_loads", "x.jsonl")` → `github_data/_dlt_loads/x.jsonl`. */
  datasetKey(...parts: string[]): string {
    return joinKey(this.datasetName, ...parts);
  }

  /** Where a job file goes: `<dataset>/<layout path>`. */
  keyOf(job: Omit<StageJob, "filePath">): string {
    const { table, fileId, format } = parseJobFileName(job.fileName);
    const relative = this.layout.path({
      schemaName: job.schemaName,
      tableName: table,
      loadId: job.loadId,
      fileId,
      ext: format,
      currentDatetime: this.timeOf(job.loadPackageTimestamp),
      ...(job.loadPackageTimestamp ? { loadPackageTimestamp: job.loadPackageTimestamp } : {}),
    });
    return this.datasetKey(relative);
  }

  urlOf(key: string): string {
    return this.storage.urlOf(key);
  }

  /** Copies a job file into the bucket (overwriting: a retried upload lands on the same key); returns its URL. */
  async upload(job: StageJob): Promise<string> {
    const key = this.keyOf(job);
    await this.storage.put(key, { filePath: job.filePath });
    return this.storage.urlOf(key);
  }

  /** The local path of a staged file when the bucket is a local folder, else undefined (read it with {@link openRead}). */
  localPath(url: string): string | undefined {
    if (!(this.storage instanceof LocalFileStorage)) return undefined;
    const key = this.storage.keyOf(url);
    return key === undefined ? undefined : this.storage.pathOf(key);
  }

  /** A staged file's bytes, streamed. */
  openRead(url: string): Promise<Readable> {
    const key = this.storage.keyOf(url);
    if (key === undefined) throw new DestinationTerminalException(`${url} is not a file of the staging bucket ${this.storage.url}`);
    return this.storage.openRead(key);
  }

  /** The prefix every key of a table starts with (`github_data/events/`). */
  tableKeyPrefix(schemaName: string, tableName: string): string {
    return `${this.datasetName}/${this.layout.tablePrefix(schemaName, tableName)}`;
  }

  /** Keys of a table's files, sorted. */
  listTableFiles(schemaName: string, tableName: string): Promise<string[]> {
    return this.storage.list(this.tableKeyPrefix(schemaName, tableName));
  }

  /** Deletes every file of the tables (dlt's truncate); returns the keys deleted. */
  async removeTableFiles(schemaName: string, tableNames: readonly string[]): Promise<string[]> {
    const keys: string[] = [];
    for (const table of tableNames) keys.push(...(await this.listTableFiles(schemaName, table)));
    await this.storage.delete(keys);
    return keys;
  }

  /** Deletes the given keys (a missing key is no error). */
  removeFiles(keys: readonly string[]): Promise<void> {
    return this.storage.delete(keys);
  }

  /** Closes the storage's connections. */
  close(): Promise<void> {
    return this.storage.close();
  }

  private timeOf(loadPackageTimestamp: Date | undefined): Date {
    if (typeof this.currentDatetime === "function") return this.currentDatetime();
    return this.currentDatetime ?? loadPackageTimestamp ?? new Date();
  }
}
