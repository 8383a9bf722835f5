import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { promises as fs } from "node:fs";
import * as path from "node:path";
import {
  JOB_FOLDERS,
  LoadPackageStorage,
  parseJobFileName,
  PipelineLayout,
  Schema,
  type JobFolder,
  type PackageState,
  type SchemaUpdate,
  type StoredSchema,
} from "@dlt-ts/core";
import { readStateFile, writeStateFile, type PipelineState } from "../pipeline/pipeline-state.js";
import { CliError } from "./cli-output.js";

/** Where a package is: extracted and normalized ones are pending, loaded ones are done (loaded or aborted). */
export type PackageStage = "extracted" | "normalized" | "loaded";

export interface PackageInfo {
  loadId: string;
  stage: PackageStage;
  /** Absolute path of the package folder. */
  path: string;
  /** `package_state.json`; undefined when the file is missing or unreadable. */
  state: PackageState | undefined;
  schemaName: string | undefined;
  /** `extracted`, `normalized`, `loaded` or `aborted`, from the state, else from the stage. */
  status: string;
  /** When the package last changed: the mtime of its state file. */
  updatedAt: Date;
}

export interface JobInfo {
  folder: JobFolder;
  fileName: string;
  table: string;
  format: string;
  retry: number;
  sizeBytes: number;
  path: string;
  /** The `<job>.exception` next to a failed job. */
  failureMessage?: string;
}

/** The trace as stored in trace.json (dates are ISO strings there). */
export interface StoredTrace {
  pipelineName: string;
  startedAt: string;
  finishedAt?: string;
  steps: StoredTraceStep[];
  /** The error that ended a failed run. */
  error?: string;
}

export interface StoredTraceStep {
  step: "extract" | "normalize" | "load";
  startedAt: string;
  finishedAt: string;
  info?: unknown;
  error?: string;
}

export interface PipelineListing {
  name: string;
  workingDir: string;
  lastRunAt: Date | undefined;
}


/**
 * Reads a pipeline's working dir (`<pipelines dir>/<name>/`) directly: state,
 * schemas, load packages in each stage and the last trace. It needs neither
 * the destination nor the code that ran the pipeline, so it works for any
 * pipeline, including sinks that were referenced by module string.
 */
export class PipelineInspector {
  readonly extracted: LoadPackageStorage;
  readonly normalized: LoadPackageStorage;
  readonly loaded: LoadPackageStorage;
  readonly workingDir: string;

  private constructor(readonly layout: PipelineLayout) {
    this.workingDir = layout.workingDir;
    this.extracted = layout.extracted();
    this.normalized = layout.normalized();
    this.loaded = layout.loaded();
  }

  get pipelineName(): string {
    return this.layout.pipelineName;
  }

  get pipelinesDir(): string {
    return this.layout.pipelinesDir;
  }

  /** Pipelines in `pipelinesDir`, most recently run first. */
  static list(pipelinesDir: string): PipelineListing[] {
    const entries = existsSync(pipelinesDir) ? readdirSync(pipelinesDir, { withFileTypes: true }) : [];
    return entries
      .filter((e) => e.isDirectory() && isWorkingDir(new PipelineLayout(e.name, pipelinesDir)))
      .map((e) => {
        const layout = new PipelineLayout(e.name, pipelinesDir);
        return { name: e.name, workingDir: layout.workingDir, lastRunAt: lastRunAt(layout) };
      })
      .sort((a, b) => (b.lastRunAt?.getTime() ?? 0) - (a.lastRunAt?.getTime() ?? 0) || a.name.localeCompare(b.name));
  }

  /** Opens an existing pipeline; fails naming the pipelines that are there. */
  static open(pipelineName: string, pipelinesDir: string): PipelineInspector {
    const layout = new PipelineLayout(pipelineName, pipelinesDir);
    if (!isWorkingDir(layout)) {
      const known = PipelineInspector.list(pipelinesDir).map((p) => p.name);
      const listing = known.length > 0 ? `known pipelines: ${known.sort().join(", ")}` : "there are no pipelines there";
      throw new CliError(`Pipeline "${pipelineName}" not found in ${pipelinesDir}: ${listing}`);
    }
    return new PipelineInspector(layout);
  }

  get stateFile(): string {
    return this.layout.stateFile;
  }

  get schemasDir(): string {
    return this.layout.schemasDir;
  }

  /** The state in state.json; undefined when the pipeline never extracted anything. */
  state(): PipelineState | undefined {
    return readStateFile(this.stateFile);
  }

  lastRunAt(): Date | undefined {
    return lastRunAt(this.layout);
  }

  /** Names of the schemas kept in `schemas/`. */
  schemaNames(): string[] {
    if (!existsSync(this.schemasDir)) return [];
    return readdirSync(this.schemasDir)
      .filter((f) => f.endsWith(".schema.json"))
      .map((f) => f.slice(0, -".schema.json".length))
      .sort();
  }

  schema(name: string): Schema | undefined {
    const file = path.join(this.schemasDir, `${name}.schema.json`);
    if (!existsSync(file)) return undefined;
    return Schema.fromStored(JSON.parse(readFileSync(file, "utf8")) as StoredSchema);
  }

  /** The schemas in state order (default schema first), then any other schema file. */
  schemas(): Schema[] {
    const state = this.state();
    const names = [...new Set([...(state?.defaultSchemaName ? [state.defaultSchemaName] : []), ...(state?.schemaNames ?? []), ...this.schemaNames()])];
    return names.map((n) => this.schema(n)).filter((s): s is Schema => s !== undefined);
  }

  /** The trace of the last run; undefined when the pipeline never ran. */
  trace(): StoredTrace | undefined {
    const file = this.layout.traceFile;
    if (!existsSync(file)) return undefined;
    return JSON.parse(readFileSync(file, "utf8")) as StoredTrace;
  }

  storage(stage: PackageStage): LoadPackageStorage {
    return stage === "extracted" ? this.extracted : stage === "normalized" ? this.normalized : this.loaded;
  }

  /** Packages of one stage, oldest first. */
  async packages(stage: PackageStage): Promise<PackageInfo[]> {
    const storage = this.storage(stage);
    const ids = await storage.listPackages();
    return Promise.all(ids.map((id) => this.packageInfo(stage, id)));
  }

  /** Packages not loaded yet: normalized first (they load first), then extracted. */
  async pendingPackages(): Promise<PackageInfo[]> {
    return [...(await this.packages("normalized")), ...(await this.packages("extracted"))];
  }

  /** A package by load id, looked up in every stage. */
  async findPackage(loadId: string): Promise<PackageInfo | undefined> {
    for (const stage of ["loaded", "normalized", "extracted"] as const) {
      if (await this.storage(stage).hasPackage(loadId)) return this.packageInfo(stage, loadId);
    }
    return undefined;
  }

  /** Every job file of a package, folder by folder. */
  async jobs(pkg: PackageInfo): Promise<JobInfo[]> {
    const storage = this.storage(pkg.stage);
    // Long table names are shortened in file names: the schema's tables give them back.
    const tables = pkg.schemaName ? this.schema(pkg.schemaName)?.tables : undefined;
    const jobs: JobInfo[] = [];
    for (const folder of JOB_FOLDERS) {
      for (const fileName of await storage.listJobs(pkg.loadId, folder)) {
        const filePath = storage.jobPath(pkg.loadId, folder, fileName);
        const parsed = safeParseJobFileName(fileName, tables);
        const job: JobInfo = {
          folder,
          fileName,
          table: parsed?.table ?? fileName,
          format: parsed?.format ?? path.extname(fileName).slice(1),
          retry: parsed?.retry ?? 0,
          sizeBytes: (await fs.stat(filePath).catch(() => undefined))?.size ?? 0,
          path: filePath,
        };
        if (folder === "failed_jobs") job.failureMessage = await storage.readFailureMessage(pkg.loadId, fileName);
        jobs.push(job);
      }
    }
    return jobs;
  }

  /** The tables and columns the package added to its schema (`schema_updates.json`). */
  async schemaUpdates(pkg: PackageInfo): Promise<SchemaUpdate | undefined> {
    return this.storage(pkg.stage).readJson<SchemaUpdate>(pkg.loadId, "schema_updates.json");
  }

  /** Deletes every pending package (and any half-written one); returns what it deleted. */
  async dropPendingPackages(): Promise<PackageInfo[]> {
    const pending = await this.pendingPackages();
    for (const pkg of pending) await this.storage(pkg.stage).deletePackage(pkg.loadId);
    await this.extracted.removeInProgress();
    await this.normalized.removeInProgress();
    await this.forgetSyncedStateVersion();
    return pending;
  }

  /**
   * A dropped package may have carried the state row to the destination:
   * clearing the hash makes the next extract send the state again.
   */
  private async forgetSyncedStateVersion(): Promise<void> {
    const file = this.layout.stateFile;
    const state = readStateFile(file);
    if (state) await writeStateFile(file, { ...state, versionHash: "" });
  }

  private async packageInfo(stage: PackageStage, loadId: string): Promise<PackageInfo> {
    const storage = this.storage(stage);
    const state = await storage.readState(loadId).catch(() => undefined);
    const stateFile = path.join(storage.packagePath(loadId), "package_state.json");
    const stat = await fs.stat(stateFile).catch(() => fs.stat(storage.packagePath(loadId)));
    const schemaName = typeof state?.schemaName === "string" ? state.schemaName : undefined;
    return {
      loadId,
      stage,
      path: storage.packagePath(loadId),
      state,
      schemaName,
      status: state?.status ?? stage,
      updatedAt: stat.mtime,
    };
  }
}

function isWorkingDir(layout: PipelineLayout): boolean {
  return existsSync(layout.stateFile) || existsSync(layout.traceFile);
}

/** When the pipeline last ran: the end of its last trace, else when its state was written. */
function lastRunAt(layout: PipelineLayout): Date | undefined {
  const traceFile = layout.traceFile;
  if (existsSync(traceFile)) {
    try {
      const trace = JSON.parse(readFileSync(traceFile, "utf8")) as StoredTrace;
      const at = new Date(trace.finishedAt ?? trace.startedAt);
      if (!Number.isNaN(at.getTime())) return at;
    } catch {
      // An unreadable trace falls back to the file times below.
    }
  }
  for (const file of [traceFile, layout.stateFile]) {
    if (existsSync(file)) return statSync(file).mtime;
  }
  return undefined;
}

function safeParseJobFileName(fileName: string, tables?: Parameters<typeof parseJobFileName>[1]): ReturnType<typeof parseJobFileName> | undefined {
  try {
    return parseJobFileName(fileName, tables);
  } catch {
    return undefined;
  }
}
