import type { ConfiguredDestination, LoadPackageStorage, StagingArea } from "@dlt-ts/core";
import { LoadClientJobFailed, LoadClientJobRetry, LoadPackageStepFailed } from "./load-exceptions.js";
import { defaultLoaderSettings, type LoaderOptions, type LoaderSettings } from "./loader-options.js";
import type { LoadPackageResult } from "./load-result.js";
import { PackageLoad, type PackageLoadOutcome } from "./package-load.js";

export interface LoaderArgs {
  /** Packages waiting to be loaded (the normalize stage's output). */
  normalized: LoadPackageStorage;
  /** Where packages go once loaded or aborted. */
  loaded: LoadPackageStorage;
  destination: ConfiguredDestination;
  /** The stage job files go through before the destination loads them (`pipeline({ staging })`). Default: none. */
  staging?: StagingArea;
  options?: LoaderOptions;
}

/**
 * The load stage: loads every package of `normalized`, oldest first, and moves
 * each into `loaded`. Jobs left in started_jobs by a killed run are resumed
 * first. A package whose load throws for another reason than a failed job
 * (destination unreachable, DDL error) stays in `normalized` for the next run.
 *
 * @example
 * const loader = new Loader({ normalized, loaded, destination: await dest.configure(ctx) });
 * const results = await loader.run(); // [{ loadId, status: "loaded", jobs: [...] }]
 */
export class Loader {
  readonly settings: LoaderSettings;

  constructor(private readonly args: LoaderArgs) {
    const { onProgress: _onProgress, ...given } = args.options ?? {};
    const defined = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined));
    this.settings = { ...defaultLoaderSettings(), ...defined };
  }

  /**
   * Loads all pending packages, oldest first. Rejects with `LoadClientJobFailed`
   * when a failed job or table-chain follow-up aborted a package, with
   * `LoadClientJobRetry` when one ran out of tries, and with
   * `LoadPackageStepFailed` when a step of the package itself (schema update,
   * completion) failed; in the last two cases that package and the ones
   * after it stay pending. All three extend `LoadPackageException`.
   */
  async run(): Promise<LoadPackageResult[]> {
    const results: LoadPackageResult[] = [];
    for (const loadId of await this.args.normalized.listPackages()) {
      const { result, abortCause, retryCause, stepCause } = await this.loadOne(loadId);
      results.push(result);
      if (stepCause) throw new LoadPackageStepFailed(loadId, stepCause, results);
      if (retryCause) throw new LoadClientJobRetry(loadId, retryCause, results);
      if (abortCause) throw new LoadClientJobFailed(loadId, abortCause, results);
    }
    return results;
  }

  /** Loads one package without throwing on job failures: see the result's status ("loaded", "aborted", "pending"). */
  async loadPackage(loadId: string): Promise<LoadPackageResult> {
    return (await this.loadOne(loadId)).result;
  }

  private loadOne(loadId: string): Promise<PackageLoadOutcome> {
    const { normalized, loaded, destination, options, staging } = this.args;
    return new PackageLoad(loadId, normalized, loaded, destination, this.settings, options?.onProgress, staging).run();
  }
}
