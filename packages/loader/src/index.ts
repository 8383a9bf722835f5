/*
 * @dlt-ts/loader: the load stage. It runs the jobs of normalized load
 * packages against a destination's job client, with retries and the package
 * state machine; the pipeline drives it, users see its results and errors.
 */

// The load stage
export { Loader } from "./loader.js";
export type { LoaderOptions } from "./loader-options.js";
export { LoadConfiguration } from "./load-configuration.js";

// Results
export type { LoadJobResult, LoadPackageResult, LoadPackageStatus, LoadProgress } from "./load-result.js";

// Errors that end a load
export {
  LoadPackageException,
  LoadClientJobException,
  LoadClientJobFailed,
  LoadClientJobRetry,
  LoadPackageStepFailed,
  type LoadFailure,
} from "./load-exceptions.js";
