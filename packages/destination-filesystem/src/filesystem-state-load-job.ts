import { promises as fs } from "node:fs";
import { DestinationTerminalException, parseJobFileName, type LoadJob, type LoadJobRequest } from "@dlt-ts/core";
import type { StateRow } from "./filesystem-dlt-tables.js";
import type { FilesystemJobClient } from "./filesystem-job-client.js";

/**
 * The `_dlt_pipeline_state` job: its rows become state files
 * (`_dlt_pipeline_state/<pipeline>__<load_id>__<hash>.jsonl`), as dlt's
 * filesystem destination keeps state, instead of a data file.
 */
export class FilesystemStateLoadJob implements LoadJob {
  constructor(
    private readonly client: FilesystemJobClient,
    private readonly request: LoadJobRequest,
  ) {}

  async run(): Promise<void> {
    const { loadId, fileName, filePath } = this.request;
    const { format } = parseJobFileName(fileName);
    // The state table never names a format, so it always comes in the destination's preferred one.
    if (format !== "jsonl") {
      throw new DestinationTerminalException(
        `The filesystem destination reads pipeline state from jsonl job files, but "${fileName}" is ${format}`,
      );
    }
    const text = await fs.readFile(filePath, "utf8");
    for (const line of text.split("\n")) {
      if (line.trim() === "") continue;
      await this.client.dltTables.storeState(JSON.parse(line) as StateRow, loadId);
    }
  }
}
