import { promises as fs } from "node:fs";
import * as path from "node:path";
import { formatJobFileName, parseJobFileName } from "./job-file-name.js";
import { readJsonFile, writeJsonAtomic } from "./atomic-file.js";

export const JOB_FOLDERS = ["new_jobs", "started_jobs", "completed_jobs", "failed_jobs"] as const;
export type JobFolder = (typeof JOB_FOLDERS)[number];

export type PackageStatus = "extracted" | "normalized" | "loaded" | "aborted";

export interface PackageState {
  loadId: string;
  status: PackageStatus;
  createdAt: string;
  /** Free-form values a stage keeps with the package (e.g. the pipeline state snapshot). */
  [key: string]: unknown;
}

/** Items a sink delivered from one job file; written after every batch. */
export interface JobProgress {
  itemsDelivered: number;
}

/**
 * Load packages of one stage, each a folder `<root>/<load_id>/` holding job
 * files that move new_jobs → started_jobs → completed_jobs | failed_jobs.
 * Every move is a rename, so a killed process leaves each file in exactly one
 * folder and the next run can pick up where it stopped.
 */
export class LoadPackageStorage {
  constructor(readonly root: string) {}

  packagePath(loadId: string): string {
    return path.join(this.root, loadId);
  }

  jobPath(loadId: string, folder: JobFolder, fileName: string): string {
    return path.join(this.root, loadId, folder, fileName);
  }

  async createPackage(loadId: string, status: PackageStatus, extra: Record<string, unknown> = {}): Promise<string> {
    const dir = this.packagePath(loadId);
    for (const folder of JOB_FOLDERS) await fs.mkdir(path.join(dir, folder), { recursive: true });
    await this.writeState(loadId, { ...extra, loadId, status, createdAt: new Date().toISOString() });
    return dir;
  }

  /** Load ids in this stage, oldest first (load ids sort by creation time). */
  async listPackages(): Promise<string[]> {
    const entries = await fs.readdir(this.root, { withFileTypes: true }).catch(() => []);
    return entries.filter((e) => e.isDirectory() && !e.name.startsWith(".")).map((e) => e.name).sort();
  }

  async hasPackage(loadId: string): Promise<boolean> {
    return fs.stat(this.packagePath(loadId)).then(() => true, () => false);
  }

  async listJobs(loadId: string, folder: JobFolder): Promise<string[]> {
    const names = await fs.readdir(path.join(this.root, loadId, folder)).catch(() => [] as string[]);
    return names.filter((n) => !n.startsWith(".") && !n.endsWith(".exception")).sort();
  }

  async readState(loadId: string): Promise<PackageState> {
    return readJsonFile<PackageState>(path.join(this.packagePath(loadId), "package_state.json"));
  }

  async writeState(loadId: string, state: PackageState): Promise<void> {
    await writeJsonAtomic(path.join(this.packagePath(loadId), "package_state.json"), state);
  }

  async updateState(loadId: string, patch: Partial<PackageState>): Promise<PackageState> {
    const state = { ...(await this.readState(loadId)), ...patch };
    await this.writeState(loadId, state);
    return state;
  }

  async readJson<T>(loadId: string, fileName: string): Promise<T | undefined> {
    return readJsonFile<T>(path.join(this.packagePath(loadId), fileName)).catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return undefined;
      throw error;
    });
  }

  async writeJson(loadId: string, fileName: string, value: unknown): Promise<void> {
    await writeJsonAtomic(path.join(this.packagePath(loadId), fileName), value);
  }

  /** Moves a job between folders; returns its new path. */
  async moveJob(loadId: string, fileName: string, from: JobFolder, to: JobFolder): Promise<string> {
    const target = this.jobPath(loadId, to, fileName);
    await fs.rename(this.jobPath(loadId, from, fileName), target);
    return target;
  }

  startJob(loadId: string, fileName: string): Promise<string> {
    return this.moveJob(loadId, fileName, "new_jobs", "started_jobs");
  }

  completeJob(loadId: string, fileName: string): Promise<string> {
    return this.moveJob(loadId, fileName, "started_jobs", "completed_jobs");
  }

  /** Fails a started job and keeps the reason next to it as `<file>.exception`. */
  async failJob(loadId: string, fileName: string, message: string): Promise<string> {
    await fs.writeFile(this.jobPath(loadId, "failed_jobs", `${fileName}.exception`), message);
    return this.moveJob(loadId, fileName, "started_jobs", "failed_jobs");
  }

  async readFailureMessage(loadId: string, fileName: string): Promise<string | undefined> {
    return fs.readFile(this.jobPath(loadId, "failed_jobs", `${fileName}.exception`), "utf8").catch(() => undefined);
  }

  /**
   * Puts a started job back into new_jobs with its retry count raised, as dlt
   * does, so the file name records how often loading was tried.
   */
  async retryJob(loadId: string, fileName: string): Promise<string> {
    const parsed = parseJobFileName(fileName);
    const next = formatJobFileName({ ...parsed, retry: parsed.retry + 1 });
    await fs.rename(this.jobPath(loadId, "started_jobs", fileName), this.jobPath(loadId, "new_jobs", next));
    return next;
  }

  async readJobProgress(loadId: string, fileName: string): Promise<JobProgress> {
    const stored = await this.readJson<JobProgress>(loadId, progressFile(fileName));
    return stored ?? { itemsDelivered: 0 };
  }

  /** Atomic (write + rename): a crash leaves the previous or the new count, never a torn file. */
  async writeJobProgress(loadId: string, fileName: string, progress: JobProgress): Promise<void> {
    await fs.mkdir(path.join(this.packagePath(loadId), "job_progress"), { recursive: true });
    await this.writeJson(loadId, progressFile(fileName), progress);
  }

  /**
   * A hidden folder for a package still being written: a killed process
   * leaves it behind instead of a half package, and it is never listed.
   */
  static inProgressId(loadId: string): string {
    return `.in-progress-${loadId}`;
  }

  /** Makes a package written under {@link inProgressId} visible in one rename. */
  async publishPackage(loadId: string, status: PackageStatus): Promise<void> {
    const temp = LoadPackageStorage.inProgressId(loadId);
    await this.updateState(temp, { loadId, status });
    await fs.rename(this.packagePath(temp), this.packagePath(loadId));
  }

  /** Removes packages a killed process left half written. */
  async removeInProgress(): Promise<void> {
    const entries = await fs.readdir(this.root).catch(() => [] as string[]);
    for (const name of entries.filter((n) => n.startsWith(".in-progress-"))) {
      await fs.rm(path.join(this.root, name), { recursive: true, force: true });
    }
  }

  /** Moves a whole package into another stage's storage (e.g. normalized → loaded). */
  async movePackage(loadId: string, target: LoadPackageStorage): Promise<void> {
    await fs.mkdir(target.root, { recursive: true });
    await fs.rename(this.packagePath(loadId), target.packagePath(loadId));
  }

  async deletePackage(loadId: string): Promise<void> {
    await fs.rm(this.packagePath(loadId), { recursive: true, force: true });
  }
}

function progressFile(jobFileName: string): string {
  // Keyed without the retry count, so progress survives the rename of a retried job.
  const { table, fileId } = parseJobFileName(jobFileName);
  return path.join("job_progress", `${table}.${fileId}.json`);
}
