import * as path from "node:path";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import {
  checkOptionNames,
  defaultPipelinesDir,
  DltException,
  HINTS_FILE,
  LoadPackageStorage,
  namingConvention,
  normalizeTableHints,
  PIPELINE_STATE_TABLE_NAME,
  PipelineLayout,
  Schema,
  SchemaStore,
  type DependencyContainer,
  type SqlClient,
  type Destination,
  type ExtractedPackageInfo,
  type ExtractTarget,
  type NamingConvention,
  type StoredSchema,
} from "@dlt-ts/core";
import { NormalizeStage, NormalizingTarget, type NormalizeInfo as PackageNormalizeInfo, type NormalizeOptions } from "@dlt-ts/normalizer";
import { LoadPackageException, Loader, type LoadPackageResult } from "@dlt-ts/loader";
import { Extractor, type ExtractInfo, type ExtraTableRows } from "../extract/extractor.js";
import { JobFileTarget } from "../extract/job-file-target.js";
import { DltResource, RESOURCE_OPTION_NAMES, type DeferredContext, type ResourceOptions } from "../extract/resource.js";
import { DltSource } from "../extract/source.js";
import { LoadInfo } from "../run-info/load-info.js";
import { NormalizeInfo } from "../run-info/normalize-info.js";
import { ProgressReporter, type ProgressMode } from "../run-info/progress.js";
import { TraceRecorder, type PipelineTrace } from "../run-info/trace.js";
import { resolveDestination, type DestinationReference } from "./destination-reference.js";
import { PipelineStepFailed, type PipelineStep } from "./pipeline-exceptions.js";
import { PipelineSqlClient } from "./pipeline-sql-client.js";
import { Dataset } from "../dataset/dataset.js";
import { Relation } from "../dataset/relation.js";
import { prepareRun, type RunContext } from "./run-context.js";
import {
  bumpStateVersion,
  decompressState,
  newState,
  readStateFile,
  incrementalStateSlot,
  saveStateBeforePackage,
  settleStateBeforePackage,
  stateRow,
  writeStateFile,
  type PipelineState,
} from "./pipeline-state.js";

export interface PipelineOptions {
  /** Names the working dir and the default schema. Default `dlt_<script name>`, as dlt. */
  pipelineName?: string;
  /** Where data is loaded; needed by load() and run(), not by extract()/normalize(). */
  destination?: DestinationReference;
  /** Dataset (SQL schema) to load into. Default `<pipelineName>_dataset`. */
  datasetName?: string;
  /** Parent of the working dir. Default `~/.dlt-ts/pipelines`. */
  pipelinesDir?: string;
  /** Progress output. Default "auto": a bar on a terminal, log lines otherwise. */
  progress?: ProgressMode;
  /** Dir holding `.dlt/` config and secrets. Default: cwd (or env DLT_PROJECT_DIR). */
  projectDir?: string;
  /**
   * Registers your services in the pipeline's DI container at the start of
   * every run, for a destination class to receive (`pool = inject(Pool)`, or
   * a constructor parameter with tsyringe's `@inject(Pool)`). Default: none.
   *
   * @example
   * pipeline({ destination: Crm, register: (c) => c.registerInstance(Pool, pool) });
   */
  register?: (container: DependencyContainer) => void;
  /**
   * A SQL database that keeps the pipeline state (incremental cursors)
   * besides the working dir, for destinations that keep none (sinks): a run
   * on a fresh working dir (CI, a container) restores it before extracting.
   * A destination (`postgres({ credentials })`) or a name (`"postgres"`,
   * credentials under `[state_store]`). Default: none (SQL destinations keep
   * the state in their own `_dlt_pipeline_state`).
   */
  stateStore?: Destination | string;
  /**
   * A stage for the job files (dlt's staging destination): `"filesystem"` or
   * `filesystem({ bucketUrl })`. Each file is copied to the bucket first,
   * under `<bucket>/<dataset>/` per its layout, and the destination then
   * loads it from there (a reference job). The normalizer writes a format
   * both support (the destination's `preferredStagingFileFormat`). Default:
   * none (files load straight from the working dir).
   */
  staging?: DestinationReference;
}

const PIPELINE_OPTION_NAMES = ["pipelineName", "destination", "datasetName", "pipelinesDir", "progress", "projectDir", "register", "stateStore", "staging"];

export interface RunOptions extends ResourceOptions {
  /** A schema to use for this data (its name becomes the schema name). */
  schema?: Schema;
}

const RUN_OPTION_NAMES = [...RESOURCE_OPTION_NAMES, "schema"];

/** Data accepted by run()/extract(): a source, resources, or raw data (with `tableName`). */
export type RunData = DltSource | DltResource | DltResource[] | unknown;

/** dlt's default: `dlt_` + the name of the script that runs (e.g. `dlt_github_pipeline`). */
function defaultPipelineName(): string {
  const script = process.argv[1] ? path.basename(process.argv[1]).replace(/\.[^.]*$/, "") : "";
  return script ? `dlt_${script.replace(/[^A-Za-z0-9_]+/g, "_")}` : "dlt_ts_pipeline";
}

/**
 * A pipeline: extract → normalize → load, with everything it did kept in
 * its working dir so a killed run resumes where it stopped.
 *
 * @example
 * const p = pipeline({ pipelineName: "github", destination: "duckdb" });
 * const info = await p.run(events, { tableName: "events" });
 * console.log(info.toString());
 */
export class Pipeline {
  readonly pipelineName: string;
  readonly datasetName: string;
  readonly workingDir: string;
  readonly projectDir: string | undefined;
  private readonly layout: PipelineLayout;
  private readonly destinationReference: DestinationReference | undefined;
  private destinationInstance: Destination | undefined;
  private readonly stagingReference: DestinationReference | undefined;
  private stagingInstance: Destination | undefined;
  private readonly register: PipelineOptions["register"];
  private readonly stateStore: PipelineOptions["stateStore"];
  private readonly progressMode: ProgressMode;
  private readonly schemaStore: SchemaStore;
  private readonly extracted: LoadPackageStorage;
  private readonly normalized: LoadPackageStorage;
  private readonly loaded: LoadPackageStorage;
  private readonly schemaCache = new Map<string, Schema>();
  private stateValue: PipelineState;
  private trace: PipelineTrace | undefined;

  constructor(options: PipelineOptions = {}) {
    checkOptionNames(options, PIPELINE_OPTION_NAMES, "pipeline(options)");
    this.register = options.register;
    this.stateStore = options.stateStore;
    this.pipelineName = options.pipelineName ?? defaultPipelineName();
    this.datasetName = options.datasetName ?? `${this.pipelineName}_dataset`;
    this.layout = new PipelineLayout(this.pipelineName, options.pipelinesDir ?? defaultPipelinesDir());
    this.workingDir = this.layout.workingDir;
    this.projectDir = options.projectDir;
    this.destinationReference = options.destination;
    this.stagingReference = options.staging;
    this.progressMode = options.progress ?? "auto";
    this.schemaStore = this.layout.schemaStore();
    this.extracted = this.layout.extracted();
    this.normalized = this.layout.normalized();
    this.loaded = this.layout.loaded();
    this.stateValue = readStateFile(this.stateFile) ?? newState(this.pipelineName, this.datasetName);
  }

  private get stateFile(): string {
    return this.layout.stateFile;
  }

  /** The pipeline state; `state.sources` is yours to keep values across runs. */
  get state(): PipelineState {
    return this.stateValue;
  }

  /** True until the first run that loaded data. */
  get firstRun(): boolean {
    return this.stateValue._local.firstRun;
  }

  /** The schema of the pipeline's default source (its tables and columns, normalized names). */
  get defaultSchema(): Schema {
    const name = this.stateValue.defaultSchemaName;
    const schema = name ? this.schema(name) : undefined;
    if (!schema) {
      throw new DltException(
        `Pipeline ${this.pipelineName} has no schema yet: run() or extract() + normalize() some data first`,
      );
    }
    return schema;
  }

  /** A schema by name, as last normalized. */
  schema(name: string): Schema | undefined {
    let schema = this.schemaCache.get(name);
    if (!schema) {
      const file = this.schemaStore.file(name);
      if (!existsSync(file)) return undefined;
      schema = Schema.fromStored(JSON.parse(readFileSync(file, "utf8")) as StoredSchema);
      this.schemaCache.set(name, schema);
    }
    return schema;
  }

  /** The trace of the last run (also saved as trace.json in the working dir). */
  get lastTrace(): PipelineTrace | undefined {
    return this.trace;
  }

  /** Load ids of packages extracted or normalized but not loaded yet. */
  listPendingPackages(): { extracted: string[]; normalized: string[] } {
    const list = (storage: LoadPackageStorage): string[] =>
      existsSync(storage.root) ? readdirSync(storage.root).filter((n) => !n.startsWith(".")).sort() : [];
    return { extracted: list(this.extracted), normalized: list(this.normalized) };
  }

  /**
   * Extracts, normalizes and loads `data`. As dlt: when packages of an
   * earlier run are pending, it loads only them, warns that `data` was NOT
   * extracted (run again to load it; nothing is delivered twice) and returns
   * their LoadInfo. With no data it only finishes what is pending.
   *
   * @throws PipelineStepFailed when a step fails; a missing config value or
   *   secret fails before any step, with the resolver's error
   */
  async run(data?: RunData, options: RunOptions = {}): Promise<LoadInfo> {
    checkOptionNames(options, RUN_OPTION_NAMES, "run(data, options)");
    const recorder = new TraceRecorder(this.pipelineName);
    try {
      await this.requireDestination();
      const run = await this.prepare();
      await this.restoreStateIfNew(run);
      const pending = this.listPendingPackages();
      if (pending.extracted.length + pending.normalized.length > 0) {
        run.logger.warn(
          `Pipeline ${this.pipelineName} has pending load packages from an earlier run: ${[...pending.normalized, ...pending.extracted].join(", ")}. ` +
            (data === undefined
              ? "They are loaded now."
              : "They are loaded now, and the data passed to run() was NOT extracted: run the pipeline again to load it."),
        );
        if (pending.extracted.length > 0) await recorder.step("normalize", () => this.normalizeWith(run));
        if (this.listPendingPackages().normalized.length > 0) return await recorder.step("load", () => this.loadWith(run));
      }
      let fused: NormalizeInfo | undefined;
      if (data !== undefined) {
        const extracted = await recorder.step("extract", () => this.extractNormalized(run, data, options));
        fused = extracted.normalized;
      }
      await recorder.step("normalize", async () => {
        const more = await this.normalizeWith(run);
        return fused ? new NormalizeInfo([...fused.packages, ...more.packages]) : more;
      });
      return await recorder.step("load", () => this.loadWith(run));
    } catch (error) {
      recorder.fail(error);
      throw error;
    } finally {
      this.trace = recorder.trace;
      await recorder.save(this.layout.traceFile);
    }
  }

  /**
   * Extract stage: drains the data into a new extracted package. With a
   * destination, its config is resolved first, as in run().
   */
  async extract(data: RunData, options: RunOptions = {}): Promise<ExtractInfo> {
    checkOptionNames(options, RUN_OPTION_NAMES, "extract(data, options)");
    const run = await this.prepare();
    return this.extractInto(run, data, options, () => new JobFileTarget(this.extracted));
  }

  /** `error` as the PipelineStepFailed of `step` (unchanged when it already is one). */
  private stepFailed(step: PipelineStep, error: unknown, loadId?: string, loadInfo?: LoadInfo): PipelineStepFailed {
    if (error instanceof PipelineStepFailed) return error;
    const pending = this.listPendingPackages();
    return new PipelineStepFailed(step, error, {
      pipelineName: this.pipelineName,
      ...(loadId ? { loadId } : {}),
      hasPendingData: pending.extracted.length + pending.normalized.length > 0,
      ...(loadInfo ? { loadInfo } : {}),
    });
  }

  /**
   * Extract and normalize in one pass (what run() does): items are
   * normalized as they are pulled, into a load package published at the end.
   */
  private async extractNormalized(run: RunContext, data: RunData, options: RunOptions): Promise<ExtractInfo & { normalized: NormalizeInfo }> {
    let target: NormalizingTarget | undefined;
    const info = await this.extractInto(run, data, options, async (schemaName) => {
      await this.normalized.removeInProgress();
      target = new NormalizingTarget(this.normalized, this.schemaStore, this.normalizeOptions(run, schemaName));
      return target;
    });
    return { ...info, normalized: new NormalizeInfo(target?.info ? [target.info] : []) };
  }

  private async extractInto(
    run: RunContext,
    data: RunData,
    options: RunOptions,
    target: (schemaName: string) => ExtractTarget | Promise<ExtractTarget>,
  ): Promise<ExtractInfo> {
    // Deferred sources resolve their config with this pipeline's providers (its project dir), not the cwd's.
    const { resources, sourceName } = toResources(await resolveDeferred(data, { pipelineName: this.pipelineName, providers: run.providers }), options);
    const schemaName = options.schema?.name ?? sourceName ?? this.stateValue.defaultSchemaName ?? this.pipelineName;
    if (options.schema && !this.schema(schemaName)) await this.saveSchema(options.schema);
    // A failed extract publishes nothing, so the state it changed must not stick either.
    const stateBefore = structuredClone(this.stateValue);
    this.stateValue.defaultSchemaName ??= schemaName;
    if (!this.stateValue.schemaNames.includes(schemaName)) this.stateValue.schemaNames.push(schemaName);
    const progress = new ProgressReporter(this.progressMode);
    const loadId = newLoadId();
    let info: ExtractInfo;
    try {
      const naming = this.naming(run, schemaName);
      const extra = this.stateChangeRows(naming);
      progress.start("extract");
      const extractor = new Extractor(naming, (n) => progress.add(n), (resourceName, cursorPath, initialValue) =>
        incrementalStateSlot(this.stateValue, schemaName, resourceName, cursorPath, initialValue),
      );
      info = await extractor.extract(await target(schemaName), loadId, schemaName, resources, extra);
    } catch (error) {
      this.stateValue = stateBefore;
      throw this.stepFailed("extract", error, loadId);
    } finally {
      progress.finish();
      // The schema object may have been evolved in memory: reread it from the store.
      this.schemaCache.delete(schemaName);
    }
    await writeStateFile(this.stateFile, this.stateValue);
    if (this.stateValue.versionHash !== stateBefore.versionHash) {
      await saveStateBeforePackage(this.layout.stateBeforePackagesDir, loadId, stateBefore, this.stateValue);
    }
    return info;
  }

  /** Normalize stage: every extracted package becomes a load package. */
  async normalize(): Promise<NormalizeInfo> {
    return this.normalizeWith(await this.prepare());
  }

  private async normalizeWith(run: RunContext): Promise<NormalizeInfo> {
    await this.normalized.removeInProgress();
    const pending = this.listPendingPackages().extracted;
    const infos: PackageNormalizeInfo[] = [];
    const progress = new ProgressReporter(this.progressMode);
    progress.start("normalize");
    for (const loadId of pending) {
      const schemaName = (await this.extracted.readJson<ExtractedPackageInfo>(loadId, HINTS_FILE))?.schemaName ?? this.pipelineName;
      const stage = new NormalizeStage(this.extracted, this.normalized, this.schemaStore, this.normalizeOptions(run, schemaName), (n) =>
        progress.add(n),
      );
      try {
        infos.push(await stage.normalizePackage(loadId));
      } catch (error) {
        progress.finish();
        throw this.stepFailed("normalize", error, loadId);
      } finally {
        this.schemaCache.delete(schemaName);
      }
    }
    progress.finish();
    return new NormalizeInfo(infos);
  }

  /** Load stage: loads every normalized package into the destination. */
  async load(): Promise<LoadInfo> {
    await this.requireDestination();
    return this.loadWith(await this.prepare());
  }

  private async loadWith(run: RunContext): Promise<LoadInfo> {
    const startedAt = new Date();
    const { configured } = run.destination!;
    const progress = new ProgressReporter(this.progressMode);
    progress.start("load");
    const staging = run.staging?.configured.createStagingArea?.();
    const loader = new Loader({
      normalized: this.normalized,
      loaded: this.loaded,
      destination: configured,
      ...(staging ? { staging } : {}),
      options: {
        ...run.load,
        onProgress: (p) => {
          progress.setTotal(p.jobsTotal);
          progress.set(p.jobsDone + p.jobsFailed);
        },
      },
    });
    let packages: LoadPackageResult[];
    try {
      packages = await loader.run();
    } catch (error) {
      progress.finish();
      if (error instanceof LoadPackageException) {
        await this.settleStateOfPackages(error.results);
        throw this.stepFailed("load", error, error.loadId, this.loadInfo(run, error.results, startedAt));
      }
      throw this.stepFailed("load", error);
    } finally {
      await staging?.close();
    }
    progress.finish();
    await this.settleStateOfPackages(packages);
    if (run.stateStore && packages.some((p) => p.status === "loaded")) await run.stateStore.save(this.stateValue);
    const info = this.loadInfo(run, packages, startedAt);
    if (packages.length > 0 && this.stateValue._local.firstRun) {
      this.stateValue._local.firstRun = false;
      await writeStateFile(this.stateFile, this.stateValue);
    }
    return info;
  }

  /**
   * A SQL client on the loaded dataset (SQL destinations only):
   * `await p.sqlClient().query("select ...")` for one statement, or
   * `const client = await p.sqlClient()` to keep one (close it when done).
   */
  sqlClient(): PipelineSqlClient {
    return new PipelineSqlClient(() => this.openSqlClient());
  }

  /**
   * What the pipeline loaded, read back (SQL destinations):
   * `p.dataset().table("events")` is a relation to narrow, read or pass to
   * `run()`; `p.dataset().query(sql)` returns rows.
   */
  dataset(): Dataset {
    return new Dataset(() => this.openSqlClient());
  }

  private async openSqlClient(): Promise<SqlClient> {
    const destination = await this.requireDestination();
    const { configured } = (await this.prepare()).destination!;
    if (!configured.sqlClient) {
      throw new DltException(
        `Destination ${destination.destinationName} of pipeline ${this.pipelineName} is not a SQL destination: it has no SQL client`,
      );
    }
    return configured.sqlClient();
  }

  private loadInfo(run: RunContext, packages: LoadPackageResult[], startedAt: Date): LoadInfo {
    const { destination, configured } = run.destination!;
    return new LoadInfo({
      pipelineName: this.pipelineName,
      destinationType: destination.destinationType,
      destinationName: destination.destinationName,
      destinationDisplayableCredentials: configured.location,
      datasetName: run.datasetName,
      ...(run.staging
        ? {
            staging: {
              type: run.staging.destination.destinationType,
              name: run.staging.destination.destinationName,
              displayableCredentials: run.staging.configured.location,
            },
          }
        : {}),
      loadPackages: packages,
      startedAt,
      finishedAt: new Date(),
      firstRun: this.stateValue._local.firstRun,
    });
  }

  private async requireDestination(): Promise<Destination> {
    if (!this.destinationReference) {
      throw new DltException(
        `Pipeline ${this.pipelineName} has no destination: pass one to pipeline({ destination }) to load data`,
      );
    }
    this.destinationInstance ??= await resolveDestination(this.destinationReference, {
      pipelineName: this.pipelineName,
      ...(this.projectDir ? { projectDir: this.projectDir } : {}),
    });
    return this.destinationInstance;
  }

  /**
   * Resolves what this run needs before any data is read (see RunContext):
   * called once per run(), extract(), normalize() and load().
   */
  private prepare(): Promise<RunContext> {
    return prepareRun({
      pipelineName: this.pipelineName,
      datasetName: this.datasetName,
      workingDir: this.workingDir,
      projectDir: this.projectDir,
      // A copy: the pipeline alone changes its state.
      state: structuredClone(this.stateValue) as unknown as Record<string, unknown>,
      register: this.register,
      destination: async () => (this.destinationReference ? this.requireDestination() : undefined),
      stateStore: this.stateStore,
      staging: async () => this.resolveStaging(),
    });
  }

  private async resolveStaging(): Promise<Destination | undefined> {
    if (!this.stagingReference) return undefined;
    this.stagingInstance ??= await resolveDestination(this.stagingReference, {
      pipelineName: this.pipelineName,
      ...(this.projectDir ? { projectDir: this.projectDir } : {}),
    });
    return this.stagingInstance;
  }

  /** What the normalizer needs for a schema: capabilities, naming and the data writers' settings. */
  private normalizeOptions(run: RunContext, schemaName: string): NormalizeOptions {
    const { bufferMaxItems, fileMaxItems, fileMaxBytes } = run.normalize.dataWriter;
    return {
      capabilities: run.capabilities,
      naming: this.naming(run, schemaName),
      bufferMaxItems,
      fileMaxItems,
      ...(fileMaxBytes !== undefined ? { fileMaxBytes } : {}),
      workers: run.normalize.workers,
    };
  }

  /**
   * The state a package carries is kept only if the package loads: an
   * aborted package takes its state change (incremental cursors) back, so
   * the next run extracts its rows again.
   */
  private async settleStateOfPackages(packages: LoadPackageResult[]): Promise<void> {
    for (const pkg of packages) {
      if (pkg.status === "pending") continue;
      const restored = await settleStateBeforePackage(this.layout.stateBeforePackagesDir, pkg.loadId, pkg.status === "aborted", this.stateValue);
      if (restored) {
        this.stateValue = restored;
        await writeStateFile(this.stateFile, this.stateValue);
      }
    }
  }

  /** Naming of a schema: the stored schema's, else the destination's preference. */
  private naming(run: RunContext, schemaName: string): NamingConvention {
    const capabilities = run.capabilities;
    const name = this.schema(schemaName)?.settings.namingConvention ?? capabilities.namingConvention;
    const maxLength = run.destination ? Math.min(capabilities.maxIdentifierLength, capabilities.maxColumnIdentifierLength) : undefined;
    return namingConvention(name, maxLength);
  }

  private async saveSchema(schema: Schema): Promise<void> {
    await this.schemaStore.save(schema);
    this.schemaCache.set(schema.name, schema);
  }

  /** When the state changed, the `_dlt_pipeline_state` row that carries it to the destination. */
  private stateChangeRows(naming: NamingConvention): ExtraTableRows[] {
    const hints = normalizeTableHints(PIPELINE_STATE_TABLE_NAME, PIPELINE_STATE_TABLE_NAME, {}, naming);
    // Asked for after the resources ran: their incremental cursors are part of the state.
    const rows = () => {
      this.stateValue.destinationType = this.destinationInstance?.destinationType;
      this.stateValue.destinationName = this.destinationInstance?.destinationName;
      return bumpStateVersion(this.stateValue) ? [stateRow(this.stateValue)] : [];
    };
    return [{ hints, rows }];
  }

  /**
   * On a fresh machine (no local state), takes the newest state and schemas
   * the destination kept, so the pipeline continues where it was.
   */
  private async restoreStateIfNew(run: RunContext): Promise<void> {
    if (existsSync(this.stateFile) || this.listPendingPackages().normalized.length > 0) return;
    if (!run.pipeline.restoreFromDestination) return;
    if (run.stateStore) {
      const stored = await run.stateStore.restore(this.pipelineName);
      if (!stored) return;
      this.stateValue = { ...newState(this.pipelineName, this.datasetName), ...decompressState(stored.state), _local: { firstRun: false } };
      await writeStateFile(this.stateFile, this.stateValue);
      return;
    }
    const configured = run.destination!.configured;
    const client = await configured.createClient(new Schema(this.pipelineName));
    try {
      const stored = await client.getStoredState?.(this.pipelineName);
      if (!stored) return;
      const restored = decompressState(stored.state);
      this.stateValue = { ...newState(this.pipelineName, this.datasetName), ...restored, _local: { firstRun: false } };
      for (const name of this.stateValue.schemaNames) {
        const schema = await client.getStoredSchema?.(name);
        if (schema) await this.saveSchema(Schema.fromStored(schema));
      }
      await writeStateFile(this.stateFile, this.stateValue);
    } finally {
      await client.close();
    }
  }
}

/** Creates a pipeline. See {@link PipelineOptions} for defaults. */
export function pipeline(options: PipelineOptions = {}): Pipeline {
  return new Pipeline(options);
}

/** dlt's load ids: seconds since the epoch with microseconds, sortable as strings. */
let lastLoadId = 0;
export function newLoadId(): string {
  const now = Math.max(Date.now() * 1000, lastLoadId + 1);
  lastLoadId = now;
  return (now / 1e6).toFixed(6);
}

/** Sources and resources that describe themselves only after an await (see their `deferred` option), resolved. */
async function resolveDeferred(data: RunData, context: DeferredContext): Promise<RunData> {
  if (data instanceof DltResource) return data.resolve(context);
  if (data instanceof DltSource) {
    const resolved = await data.resolve(context);
    const { deferred: _deferred, ...options } = resolved.options;
    return new DltSource(await Promise.all(resolved.resources.map((r) => r.resolve(context))), options);
  }
  if (Array.isArray(data) && data.length > 0 && data.every((d) => d instanceof DltResource)) {
    return Promise.all((data as DltResource[]).map((r) => r.resolve(context)));
  }
  return data;
}

function toResources(data: RunData, options: RunOptions): { resources: DltResource[]; sourceName?: string } {
  const { schema: _schema, ...hints } = options;
  void _schema;
  if (data instanceof DltSource) {
    return { resources: data.resourcesWithSourceHints().map((r) => r.withOptions(hints)), sourceName: data.name };
  }
  if (data instanceof DltResource) return { resources: [data.withOptions(hints)] };
  // A relation read back from a dataset is a resource named after its table.
  if (data instanceof Relation) return { resources: [new DltResource(data, { name: data.tableName, ...hints })] };
  if (Array.isArray(data) && data.length > 0 && data.every((d) => d instanceof DltResource)) {
    return { resources: (data as DltResource[]).map((r) => r.withOptions(hints)) };
  }
  return { resources: [new DltResource(data as never, hints)] };
}
