import { promises as fs } from "node:fs";
import { parseJobFileName, type LoadJob, type LoadJobRequest } from "@dlt-ts/core";
import { UnsupportedJobFileFormat } from "./filesystem-exceptions.js";
import type { FilesystemJobClient } from "./filesystem-job-client.js";

/**
 * Copies one job file to the bucket, to the path the layout gives it. A
 * retry writes the same key again, so a job that failed half-way leaves no
 * second copy. For a replace table, the chain's earlier files are deleted
 * first (once per load). An empty file (a replace with no rows) only
 * deletes.
 */
export class FilesystemLoadJob implements LoadJob {
  /**
   * @param replaceRoot the root table whose chain is replaced; undefined for append (and merge, appended as dlt does)
   */
  constructor(
    private readonly client: FilesystemJobClient,
    private readonly request: LoadJobRequest,
    private readonly replaceRoot?: string,
  ) {}

  async run(): Promise<void> {
    const { loadId, fileName, filePath, packages } = this.request;
    const { format } = parseJobFileName(fileName);
    const supported = this.client.capabilities.supportedLoaderFileFormats;
    if (!(supported as string[]).includes(format)) throw new UnsupportedJobFileFormat(fileName, format, supported);
    if (this.replaceRoot !== undefined) await this.client.truncateChainOnce(loadId, this.replaceRoot, packages);
    if ((await fs.stat(filePath)).size === 0) return;
    const loadPackageTimestamp = await this.client.packageTimestamp(loadId, packages);
    await this.client.stage.upload({
      loadId,
      fileName,
      filePath,
      schemaName: this.client.schema.name,
      ...(loadPackageTimestamp ? { loadPackageTimestamp } : {}),
    });
  }
}
