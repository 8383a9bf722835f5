import { promises as fs } from "node:fs";
import type { Readable } from "node:stream";
import { writeFileAtomic } from "../storage/atomic-file.js";
import { formatJobFileName, parseJobFileName } from "../storage/job-file-name.js";

/** The extension of reference jobs: a job file that names staged files instead of holding rows (dlt's `.reference`). */
export const REFERENCE_FORMAT = "reference";

/** A job file of a load package, to be copied into a stage. */
export interface StagedJob {
  loadId: string;
  /** `<table>.<file_id>.<retry>.<format>`. */
  fileName: string;
  /** The local job file. */
  filePath: string;
  /** The package's schema name (layout placeholder `{schema_name}`). */
  schemaName: string;
  /** When the load package was created (layout date placeholders). */
  loadPackageTimestamp?: Date;
}

/**
 * A storage stage (dlt's staging destination, e.g. a bucket) that job files
 * are copied to before a destination loads them from there. A configured
 * destination that can be a stage offers one through
 * {@link ConfiguredDestination.createStagingArea}; the loader uploads every job
 * file whose format is in `fileFormats`, and the destination then loads the
 * staged file through a reference job (see {@link readReferenceJob}).
 */
export interface StagingArea {
  /** Where staged files go, without secrets (`s3://bucket/path/dataset/`). */
  readonly location: string;
  /** Job file formats the stage accepts. */
  readonly fileFormats: readonly string[];
  /** Copies a job file into the stage; a repeated upload of the same job overwrites. Returns the staged file's URL. */
  upload(job: StagedJob): Promise<string>;
  /** The staged file as a local path when the stage is a local folder (`file://`), else undefined. */
  localPath(url: string): string | undefined;
  /** The staged file's bytes. */
  openRead(url: string): Promise<Readable>;
  /** Deletes every staged file of the tables (dlt's truncate on the staging destination); returns what it deleted. */
  removeTableFiles(schemaName: string, tableNames: readonly string[]): Promise<string[]>;
  /** Releases connections. */
  close(): Promise<void>;
}

/** `<table>.<file_id>.<retry>.parquet` → `<table>.<file_id>.0.reference`: the reference job of a staged job file. */
export function referenceJobFileName(stagedFileName: string): string {
  return formatJobFileName({ ...parseJobFileName(stagedFileName), retry: 0, format: REFERENCE_FORMAT });
}

export function isReferenceJob(fileName: string): boolean {
  return parseJobFileName(fileName).format === REFERENCE_FORMAT;
}

/** Writes a reference job: one staged file URL per line, as dlt's reference jobs. */
export async function writeReferenceJob(filePath: string, urls: readonly string[]): Promise<void> {
  await writeFileAtomic(filePath, urls.join("\n"));
}

/** The staged file URLs a reference job names. */
export async function readReferenceJob(filePath: string): Promise<string[]> {
  const text = await fs.readFile(filePath, "utf8");
  return text.split("\n").filter((line) => line !== "");
}

/** The job file format of a staged file, from the extension of its URL (`…/events/1714.a1b2.parquet` → parquet). */
export function stagedFileFormat(url: string): string {
  const name = url.slice(url.lastIndexOf("/") + 1);
  const dot = name.lastIndexOf(".");
  return dot < 0 ? "" : name.slice(dot + 1);
}
