import { DltException } from "../common/dlt-exception.js";

/** The parts of a job file name `<table>.<file_id>.<retry>.<format>`. */
export interface JobFileName {
  table: string;
  fileId: string;
  retry: number;
  format: string;
}

export function formatJobFileName(job: JobFileName): string {
  return `${job.table}.${job.fileId}.${job.retry}.${job.format}`;
}

/** Parses from the right, so table names containing dots (direct naming) still work. */
export function parseJobFileName(fileName: string): JobFileName {
  const parts = fileName.split(".");
  if (parts.length < 4) {
    throw new DltException(
      `Job file name "${fileName}" is not <table>.<file_id>.<retry>.<format>`,
    );
  }
  const format = parts.pop()!;
  const retry = Number(parts.pop());
  const fileId = parts.pop()!;
  if (!Number.isInteger(retry)) {
    throw new DltException(`Job file name "${fileName}" has a retry count that is not a number`);
  }
  return { table: parts.join("."), fileId, retry, format };
}
