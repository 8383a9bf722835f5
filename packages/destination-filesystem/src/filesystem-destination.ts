import { S3Client } from "@aws-sdk/client-s3";
import {
  checkOptionNames,
  createPipelineLogger,
  getFieldSpecs,
  PIPELINE_CONTEXT,
  resolveConfig,
  resolveProjectDir,
  type ConfiguredDestination,
  type Destination,
  type DestinationCapabilities,
  type DestinationContext,
  type PipelineContext,
  type PipelineLogger,
  type Schema,
} from "@dlt-ts/core";
import { bucketDisplayUrl, parseBucketUrl, type BucketLocation } from "./filesystem-bucket-url.js";
import { filesystemCapabilities } from "./filesystem-capabilities.js";
import { FilesystemDestinationClientConfiguration } from "./filesystem-configuration.js";
import { AwsCredentials } from "./filesystem-credentials.js";
import { FilesystemJobClient } from "./filesystem-job-client.js";
import { FilesystemLayout, type ExtraPlaceholders, type PlaceholderValue } from "./filesystem-layout.js";
import { FilesystemStage, type CurrentDatetime } from "./filesystem-stage.js";
import type { FilesystemStorage } from "./filesystem-storage.js";
import { LocalFileStorage } from "./filesystem-local-storage.js";
import { S3Storage } from "./filesystem-s3-storage.js";

/** Options of `filesystem()`; each wins over config files and env vars. */
export interface FilesystemDestinationOptions {
  /** Config section under `destination.`. Default "filesystem". */
  destinationName?: string;
  /**
   * `file:///absolute/path`, a local path (relative to the project dir) or
   * `s3://bucket/path`. Default: `destination.<name>.bucket_url` from env / TOML (required).
   */
  bucketUrl?: string;
  /** S3 credentials (an `AwsCredentials` or its fields). Default: `destination.<name>.credentials`, else the AWS SDK's default chain. */
  credentials?: AwsCredentials | Partial<Pick<AwsCredentials, AwsCredentialFields>>;
  /** Default `{table_name}/{load_id}.{file_id}.{ext}`. */
  layout?: string;
  /** Your own placeholders: text, or a function of the job. Default: none. */
  extraPlaceholders?: Record<string, PlaceholderValue>;
  /** The time of the date placeholders: a Date, an ISO string, or a function asked per file. Default: the load package's creation time. */
  currentDatetime?: Date | string | (() => Date);
  /** State files kept per pipeline; ≤ 0 keeps all. Default 100. */
  maxStateFiles?: number;
}

type AwsCredentialFields =
  | "awsAccessKeyId"
  | "awsSecretAccessKey"
  | "awsSessionToken"
  | "profileName"
  | "regionName"
  | "endpointUrl"
  | "s3UrlStyle";

/** The filesystem destination resolved for one pipeline run. */
export class ConfiguredFilesystemDestination implements ConfiguredDestination {
  readonly capabilities: DestinationCapabilities;
  readonly layout: FilesystemLayout;

  constructor(
    readonly config: FilesystemDestinationClientConfiguration,
    readonly bucket: BucketLocation,
    private readonly context: DestinationContext,
    capabilities: DestinationCapabilities,
    private readonly currentDatetime: CurrentDatetime | undefined,
    private readonly section = "destination.filesystem",
  ) {
    this.capabilities = capabilities;
    this.layout = new FilesystemLayout(config.layout, (config.extraPlaceholders ?? {}) as ExtraPlaceholders);
    // Checked here, so a bad credentials combination fails before any work starts.
    if (bucket.protocol === "s3") (config.credentials ?? new AwsCredentials()).toS3ClientConfig(section);
  }

  /** The bucket URL (`file:///abs/path`, `s3://bucket/path`): credentials are never part of it. */
  get location(): string {
    return bucketDisplayUrl(this.bucket);
  }

  /** The dataset the files go to: `<bucket_url>/<dataset_name>/`. */
  get datasetName(): string {
    return this.context.datasetName;
  }

  async createClient(schema: Schema): Promise<FilesystemJobClient> {
    return new FilesystemJobClient(schema, this.createStage(), this.capabilities, {
      pipelineName: this.context.pipelineName,
      maxStateFiles: this.config.maxStateFiles,
      logger: loggerOf(this.context),
    });
  }

  /**
   * The bucket as a stage for another destination's job files (dlt's
   * staging): upload, list and remove files per the layout under
   * `<bucket_url>/<dataset_name>/`. The caller closes it.
   */
  createStage(): FilesystemStage {
    return new FilesystemStage(this.createStorage(), {
      datasetName: this.context.datasetName,
      layout: this.layout,
      ...(this.currentDatetime ? { currentDatetime: this.currentDatetime } : {}),
    });
  }

  /** The stage of `pipeline({ staging: "filesystem" })`: the same bucket, dataset and layout as {@link createStage}. */
  createStagingArea(): FilesystemStage {
    return this.createStage();
  }

  /** A new connection to the bucket; the caller closes it. */
  createStorage(): FilesystemStorage {
    if (this.bucket.protocol === "file") return new LocalFileStorage(this.bucket.localPath);
    const credentials = this.config.credentials ?? new AwsCredentials();
    return new S3Storage(new S3Client(credentials.toS3ClientConfig(this.section)), this.bucket.bucket, this.bucket.prefix);
  }
}

/**
 * The filesystem destination: jsonl, csv or parquet files in a local folder
 * or an S3(-compatible) bucket, laid out as dlt lays them out. Config comes
 * from the options, else `destination.filesystem.*` in env vars /
 * `.dlt/*.toml` (e.g. `DESTINATION__FILESYSTEM__BUCKET_URL=s3://lake/raw`).
 */
export class FilesystemDestination implements Destination {
  readonly destinationType = "filesystem";
  readonly destinationName: string;

  constructor(readonly options: FilesystemDestinationOptions = {}) {
    const configOptions = getFieldSpecs(FilesystemDestinationClientConfiguration).map((field) => String(field.propertyKey));
    checkOptionNames(options, [...configOptions, "destinationName"], "filesystem(options)");
    this.destinationName = options.destinationName ?? this.destinationType;
  }

  capabilities(): DestinationCapabilities {
    return filesystemCapabilities();
  }

  /** Resolves the config under `destination.<name>` (options in code win), checks bucket URL, layout and credentials. */
  async configure(context: DestinationContext): Promise<ConfiguredFilesystemDestination> {
    const config = await resolveConfig(FilesystemDestinationClientConfiguration, {
      sections: ["destination", this.destinationName],
      pipelineName: context.pipelineName,
      ...(context.projectDir ? { projectDir: context.projectDir } : {}),
      ...(context.providers ? { providers: context.providers } : {}),
      explicit: this.explicitConfig() as never,
    });
    context.container?.registerInstance(FilesystemDestinationClientConfiguration, config);
    const bucket = parseBucketUrl(config.bucketUrl, resolveProjectDir(context.projectDir));
    const clock = typeof this.options.currentDatetime === "function" ? this.options.currentDatetime : config.currentDatetime;
    return new ConfiguredFilesystemDestination(config, bucket, context, this.capabilities(), clock, `destination.${this.destinationName}`);
  }

  /** The options that are config values: a function for `currentDatetime` is code only. */
  private explicitConfig(): Record<string, unknown> {
    const explicit: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(this.options)) {
      if (value === undefined || key === "destinationName") continue;
      if (key === "currentDatetime" && typeof value === "function") continue;
      explicit[key] = value;
    }
    return explicit;
  }
}

/** The pipeline's logger when the pipeline registered one, else one that prints warnings. */
function loggerOf(context: DestinationContext): PipelineLogger {
  const container = context.container;
  if (container?.isRegistered(PIPELINE_CONTEXT, true)) return container.resolve<PipelineContext>(PIPELINE_CONTEXT).logger;
  return createPipelineLogger(context.pipelineName, "WARNING");
}

/**
 * Creates the filesystem destination for `pipeline({ destination })`; also
 * what `destination: "filesystem"` resolves to.
 *
 * @example
 * import { pipeline } from "dlt-ts";
 * import { filesystem } from "@dlt-ts/destination-filesystem";
 * const p = pipeline({ pipelineName: "github", destination: filesystem({ bucketUrl: "file:///var/lake" }), datasetName: "github_data" });
 * await p.run(events, { tableName: "events" });   // file:///var/lake/github_data/events/<load_id>.<file_id>.jsonl
 */
export function filesystem(options: FilesystemDestinationOptions = {}): FilesystemDestination {
  return new FilesystemDestination(options);
}
