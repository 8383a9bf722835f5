/** What happened to one job file of a load package. */
export interface LoadJobResult {
  /**
   * Job file name as it ended (`<table>.<file_id>.<retry>.<format>`). A
   * table chain's follow-up that failed is listed as
   * `<root>.<merge|replace|completion>.<retries>.sql` (no such file exists).
   */
  fileName: string;
  table: string;
  /**
   * completed; failed (kept in failed_jobs with `<file>.exception`); retry: out
   * of tries in this run, back in new_jobs for the next run to resume.
   */
  state: "completed" | "failed" | "retry";
  /** The error message of a failed job, or the last error of a job left for retry; secrets masked. */
  failureMessage?: string;
  /** Size of the job file in bytes. */
  fileSize: number;
  /** Time spent running the job in this run (0 for jobs finished by an earlier run). */
  elapsedMs: number;
  /** How many times the job was retried (the retry count in its file name). */
  retries: number;
}

/** loaded and aborted packages moved to the loaded storage; a pending one stays for the next run. */
export type LoadPackageStatus = "loaded" | "aborted" | "pending";

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
  /** Jobs completed. */
  jobsDone: number;
  jobsFailed: number;
  jobsTotal: number;
}
