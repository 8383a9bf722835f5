import type { LoadJobResult, LoadPackageResult } from "@dlt-ts/loader";
import { preciseDelta } from "./precise-delta.js";

export interface LoadInfoArgs {
  pipelineName: string;
  destinationType: string;
  destinationName: string;
  /** Where the data went, secrets masked. */
  destinationDisplayableCredentials: string;
  datasetName: string;
  /** The staging destination (`pipeline({ staging })`), when there is one. */
  staging?: { type: string; name: string; displayableCredentials: string };
  loadPackages: LoadPackageResult[];
  startedAt: Date;
  finishedAt: Date;
  firstRun: boolean;
}

/**
 * What a load did, as dlt's LoadInfo: packages, their jobs, and a summary
 * in dlt's words from toString(). Holds no secret: credentials are masked.
 */
export class LoadInfo {
  readonly pipelineName: string;
  readonly destinationType: string;
  readonly destinationName: string;
  readonly destinationDisplayableCredentials: string;
  readonly datasetName: string;
  /** As dlt's `staging_type`, `staging_name`, `staging_displayable_credentials`: undefined without staging. */
  readonly stagingType: string | undefined;
  readonly stagingName: string | undefined;
  readonly stagingDisplayableCredentials: string | undefined;
  readonly loadPackages: LoadPackageResult[];
  readonly startedAt: Date;
  readonly finishedAt: Date;
  readonly firstRun: boolean;

  constructor(args: LoadInfoArgs) {
    this.pipelineName = args.pipelineName;
    this.destinationType = args.destinationType;
    this.destinationName = args.destinationName;
    this.destinationDisplayableCredentials = args.destinationDisplayableCredentials;
    this.datasetName = args.datasetName;
    this.stagingType = args.staging?.type;
    this.stagingName = args.staging?.name;
    this.stagingDisplayableCredentials = args.staging?.displayableCredentials;
    this.loadPackages = args.loadPackages;
    this.startedAt = args.startedAt;
    this.finishedAt = args.finishedAt;
    this.firstRun = args.firstRun;
  }

  get loadsIds(): string[] {
    return this.loadPackages.map((p) => p.loadId);
  }

  get hasFailedJobs(): boolean {
    return this.failedJobs.length > 0;
  }

  get failedJobs(): LoadJobResult[] {
    return this.loadPackages.flatMap((p) => p.jobs.filter((j) => j.state === "failed"));
  }

  /**
   * dlt's summary. A load that left a package aborted or pending says it
   * failed and counts only the packages that were loaded.
   */
  toString(): string {
    const took = preciseDelta(this.finishedAt.getTime() - this.startedAt.getTime());
    const loaded = this.loadPackages.filter((p) => p.status === "loaded").length;
    const complete = loaded === this.loadPackages.length;
    const lines = complete
      ? [
          `Pipeline ${this.pipelineName} load step completed in ${took}`,
          `${loaded} load package(s) were loaded to destination ${this.destinationName} and into dataset ${this.datasetName}`,
        ]
      : [
          `Pipeline ${this.pipelineName} load step failed after ${took}`,
          `${loaded} of ${this.loadPackages.length} load package(s) were loaded to destination ${this.destinationName} and into dataset ${this.datasetName}`,
        ];
    if (this.destinationDisplayableCredentials) {
      lines.push(`The ${this.destinationName} destination used ${this.destinationDisplayableCredentials} location to store data`);
    }
    if (this.stagingName !== undefined) {
      lines.push(`The ${this.stagingName} staging destination used ${this.stagingDisplayableCredentials} location to stage data`);
    }
    for (const pkg of this.loadPackages) {
      const failed = pkg.jobs.filter((j) => j.state === "failed");
      const jobs = failed.length === 0 ? "no failed jobs" : `${failed.length} FAILED job(s)!`;
      lines.push(`Load package ${pkg.loadId} is ${pkg.status.toUpperCase()} and contains ${jobs}`);
      for (const job of failed) lines.push(`\t[${job.fileName}]: ${job.failureMessage ?? "unknown error"}`);
    }
    return lines.join("\n");
  }

  toJSON(): Record<string, unknown> {
    return {
      pipelineName: this.pipelineName,
      destinationType: this.destinationType,
      destinationName: this.destinationName,
      destinationDisplayableCredentials: this.destinationDisplayableCredentials,
      datasetName: this.datasetName,
      ...(this.stagingName !== undefined
        ? { stagingType: this.stagingType, stagingName: this.stagingName, stagingDisplayableCredentials: this.stagingDisplayableCredentials }
        : {}),
      loadsIds: this.loadsIds,
      loadPackages: this.loadPackages,
      startedAt: this.startedAt,
      finishedAt: this.finishedAt,
      firstRun: this.firstRun,
      hasFailedJobs: this.hasFailedJobs,
    };
  }
}
