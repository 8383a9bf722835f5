/*
 * @dlt-ts/destination-filesystem: job files in a local folder or an
 * S3-compatible bucket, laid out as dlt lays them out; also the stage other
 * destinations can load from.
 */
import { filesystem } from "./filesystem-destination.js";

export {
  filesystem,
  FilesystemDestination,
  ConfiguredFilesystemDestination,
  type FilesystemDestinationOptions,
} from "./filesystem-destination.js";
export { filesystemCapabilities } from "./filesystem-capabilities.js";
export { FilesystemDestinationClientConfiguration } from "./filesystem-configuration.js";
export { AwsCredentials } from "./filesystem-credentials.js";
export {
  FilesystemLayout,
  DEFAULT_LAYOUT,
  STANDARD_PLACEHOLDERS,
  DATETIME_PLACEHOLDERS,
  type ExtraPlaceholders,
  type LayoutJob,
  type PlaceholderValue,
} from "./filesystem-layout.js";
export { FilesystemStage, type CurrentDatetime, type FilesystemStageOptions, type StageJob } from "./filesystem-stage.js";
export { FilesystemJobClient, type FilesystemJobClientOptions } from "./filesystem-job-client.js";
export type { FilesystemStorage, StorageBody } from "./filesystem-storage.js";
export { LocalFileStorage } from "./filesystem-local-storage.js";
export { S3Storage, type S3ClientLike } from "./filesystem-s3-storage.js";
export { parseBucketUrl, bucketDisplayUrl, type BucketLocation, type LocalBucket, type S3Bucket } from "./filesystem-bucket-url.js";
export { classifyStorageError } from "./filesystem-errors.js";
export { InvalidBucketUrl, InvalidFilesystemLayout, CantExtractTablePrefix, UnsupportedJobFileFormat } from "./filesystem-exceptions.js";

export default filesystem;
