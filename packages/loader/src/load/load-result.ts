/** What happened to one job file of a load package. */
export interface LoadJobResult {
  /** Job file name as it ended (`<table>.<file_id>.<retry>.<format>`). */
  fileName: string;
  table: string;
  state: "completed" | "failed";
  /** The error message of a failed job (also kept as `<file>.exception`). */
  failureMessage?: string;
  /** Size of the job file in bytes. */
  fileSize: number;
  /** Time spent running the job in this run (0 for jobs finished by an earlier run). */
  elapsedMs: number;
  /** How many times the job was retried (the retry count in its file name). */
  retries: number;
}

export type LoadPackageStatus = "loaded" | "aborted";

/** What happened to one load package. */
export interface LoadPackageResult {
  loadId: string;
  schemaName: string;
  status: LoadPackageStatus;
  jobs: LoadJobResult[];
  startedAt: Date;
  finishedAt: Date;
  elapsedMs: number;
}

/** Progress of one package, reported after every job that finished. */
export interface LoadProgress {
  loadId: string;
  jobsDone: number;
  jobsFailed: number;
  jobsTotal: number;
}
