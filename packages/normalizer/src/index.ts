/*
 * @dlt-ts/normalizer: the normalize stage. The relational normalizer and the
 * file writers are its internals; the pipeline drives the stage through these.
 */

// The normalize stage: extracted packages in, load packages out
export { NormalizeStage } from "./stage/normalize-stage.js";
export type { NormalizeInfo } from "./stage/package-normalizer.js";

// Normalizing while extracting: an extract target that writes job files directly
export { NormalizingTarget } from "./stage/normalizing-target.js";

// Buffered text output, shared with the extract stage's line writer
export { ChunkedOutput } from "./writers/chunked-output.js";

// The [normalize] and [data_writer] config sections
export { NormalizeConfiguration, DataWriterConfiguration } from "./stage/normalize-configuration.js";
export type { NormalizeOptions } from "./stage/package-normalizer.js";

// Errors of merge tables raised before anything is written
export { InvalidMergeHints, RootKeyMissing } from "./stage/merge-table-checks.js";
export { MissingMergeKeyValue } from "./relational/relational-normalizer.js";
