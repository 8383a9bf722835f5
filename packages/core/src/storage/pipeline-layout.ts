import * as os from "node:os";
import * as path from "node:path";
import { LoadPackageStorage } from "./load-package-storage.js";
import { SchemaStore } from "./schema-store.js";

/**
 * The files of a pipeline's working dir, defined once for the pipeline that
 * writes them and the CLI that reads them:
 *
 * ```
 * <pipelines dir>/<pipeline name>/
 *   state.json            pipeline state
 *   trace.json            trace of the last run
 *   schemas/<name>.schema.json
 *   state_before_packages/<load id>.json   state to restore if that package is aborted
 *   normalize/extracted/<load id>/   extracted packages, waiting for normalize
 *   load/normalized/<load id>/       load packages, waiting for load
 *   load/loaded/<load id>/           loaded packages, kept for inspection
 * ```
 */
export class PipelineLayout {
  /** `<pipelinesDir>/<pipelineName>`. */
  readonly workingDir: string;

  constructor(
    readonly pipelineName: string,
    readonly pipelinesDir: string = defaultPipelinesDir(),
  ) {
    this.workingDir = path.join(pipelinesDir, pipelineName);
  }

  get stateFile(): string {
    return path.join(this.workingDir, "state.json");
  }

  get traceFile(): string {
    return path.join(this.workingDir, "trace.json");
  }

  /** The state before each pending package's extract: restored when that package is aborted. */
  get stateBeforePackagesDir(): string {
    return path.join(this.workingDir, "state_before_packages");
  }

  get schemasDir(): string {
    return path.join(this.workingDir, "schemas");
  }

  schemaStore(): SchemaStore {
    return new SchemaStore(this.schemasDir);
  }

  /** Packages the extract stage made, for the normalize stage. */
  extracted(): LoadPackageStorage {
    return new LoadPackageStorage(path.join(this.workingDir, "normalize", "extracted"));
  }

  /** Packages the normalize stage made, for the load stage. */
  normalized(): LoadPackageStorage {
    return new LoadPackageStorage(path.join(this.workingDir, "load", "normalized"));
  }

  /** Packages the load stage finished. */
  loaded(): LoadPackageStorage {
    return new LoadPackageStorage(path.join(this.workingDir, "load", "loaded"));
  }
}

/** `~/.dlt-ts/pipelines`: where working dirs live unless `pipelinesDir` says otherwise. */
export function defaultPipelinesDir(): string {
  return path.join(os.homedir(), ".dlt-ts", "pipelines");
}
