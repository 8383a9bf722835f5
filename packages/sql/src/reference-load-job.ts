import { createWriteStream, promises as fs } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pipeline } from "node:stream/promises";
import {
  DestinationTerminalException,
  formatJobFileName,
  parseJobFileName,
  readReferenceJob,
  stagedFileFormat,
  type LoadJob,
  type LoadJobRequest,
} from "@dlt-ts/core";

/** What a reference job needs from its job client. */
export interface ReferenceLoadJobHost {
  /** The load job of a (staged) job file, by its format. */
  createLoadJob(request: LoadJobRequest): LoadJob;
  /** Whether the job of `format` streams its file (uses `openRead`), so a remote staged file needs no local copy. */
  streamsStagedFile(format: string): boolean;
}

/**
 * Loads a reference job (`<table>.<file_id>.<retry>.reference`, written by
 * the loader after it copied the job file to the stage) with the job the
 * staged file's format calls for: in place when the stage is a local folder
 * (DuckDB reads the file itself), as a stream when the job streams (Postgres
 * COPY), else from a temporary local copy that is deleted afterwards.
 */
export class ReferenceLoadJob implements LoadJob {
  constructor(
    private readonly host: ReferenceLoadJobHost,
    private readonly request: LoadJobRequest,
  ) {}

  async run(): Promise<void> {
    const { request } = this;
    const staging = request.staging;
    if (!staging) {
      throw new DestinationTerminalException(`Job ${request.fileName} refers to staged files, but the load has no staging destination`);
    }
    const urls = await readReferenceJob(request.filePath);
    if (urls.length !== 1) {
      throw new DestinationTerminalException(`Job ${request.fileName} names ${urls.length} staged files; one is supported`);
    }
    const url = urls[0]!;
    const format = stagedFileFormat(url);
    const fileName = formatJobFileName({ ...parseJobFileName(request.fileName), format });
    const local = staging.localPath(url);
    if (local !== undefined) return this.host.createLoadJob({ ...request, fileName, filePath: local }).run();
    if (this.host.streamsStagedFile(format)) {
      return this.host.createLoadJob({ ...request, fileName, filePath: url, openRead: () => staging.openRead(url) }).run();
    }
    const folder = await fs.mkdtemp(path.join(os.tmpdir(), "dlt-ts-staged-"));
    try {
      const copy = path.join(folder, fileName);
      await pipeline(await staging.openRead(url), createWriteStream(copy));
      await this.host.createLoadJob({ ...request, fileName, filePath: copy }).run();
    } finally {
      await fs.rm(folder, { recursive: true, force: true });
    }
  }
}
