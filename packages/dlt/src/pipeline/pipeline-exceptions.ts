import { DltException, maskSecrets, maskSecretsInError } from "@dlt-ts/core";
import type { LoadPackageResult } from "@dlt-ts/loader";
import type { LoadInfo } from "../run-info/load-info.js";

export type PipelineStep = "extract" | "normalize" | "load";

/** What {@link PipelineStepFailed} says about the pipeline after the failure. */
export interface StepFailureContext {
  pipelineName: string;
  /** The package the step was working on, when there was one. */
  loadId?: string;
  /** Packages extracted or normalized but not loaded remain after the failure. */
  hasPendingData: boolean;
  /** For a failed load: what was loaded and what failed. */
  loadInfo?: LoadInfo;
}

/**
 * A step of run(), extract(), normalize() or load() failed. `cause` is the
 * error that stopped it; `loadInfo` (load only) tells which packages and jobs
 * got where. Secrets the run resolved are masked in the message and in the
 * cause chain (user code may have put one into its own error).
 */
export class PipelineStepFailed extends DltException {
  readonly pipelineName: string;
  readonly loadId: string | undefined;
  readonly hasPendingData: boolean;
  readonly loadInfo: LoadInfo | undefined;
  /**
   * The failed package has jobs that completed and jobs that did not: the
   * destination may hold part of it (as dlt's `is_package_partially_loaded`).
   */
  readonly isPackagePartiallyLoaded: boolean;

  constructor(
    readonly step: PipelineStep,
    cause: unknown,
    context: StepFailureContext,
  ) {
    const partially = isPartiallyLoaded(context.loadInfo?.loadPackages.find((p) => p.loadId === context.loadId));
    super(maskSecrets(stepFailedMessage(step, cause, context, partially)), { cause: maskSecretsInError(cause) });
    this.pipelineName = context.pipelineName;
    this.loadId = context.loadId;
    this.hasPendingData = context.hasPendingData;
    this.loadInfo = context.loadInfo;
    this.isPackagePartiallyLoaded = partially;
  }
}

/** Some jobs of the package completed and some did not. */
export function isPartiallyLoaded(pkg: LoadPackageResult | undefined): boolean {
  if (!pkg) return false;
  const completed = pkg.jobs.filter((j) => j.state === "completed").length;
  return completed > 0 && completed < pkg.jobs.length;
}

/** The text of {@link PipelineStepFailed}. */
export function stepFailedMessage(step: PipelineStep, cause: unknown, context: StepFailureContext, partially: boolean): string {
  const name = context.pipelineName;
  const where = context.loadId ? ` while processing load package ${context.loadId}` : "";
  const lines = [`Pipeline ${name} failed at step ${step}${where}: ${cause instanceof Error ? cause.message : String(cause)}`];
  if (context.loadInfo) lines.push(context.loadInfo.toString());
  if (partially) {
    const aborted = context.loadInfo?.loadPackages.find((p) => p.loadId === context.loadId)?.status === "aborted";
    lines.push(
      aborted
        ? `WARNING: load package ${context.loadId} was aborted after some of its jobs completed: the table chains that ` +
            `completed stay loaded, the others were rolled back.`
        : `WARNING: load package ${context.loadId} is partially loaded: some of its jobs completed and others did not, ` +
            `so the destination may hold part of it. Retry the load (run the pipeline again) before you drop the package.`,
    );
  }
  if (context.hasPendingData) {
    lines.push(
      `Pending load packages stay in the pipeline and are retried by the next run, which then loads only them: ` +
        `data passed to that run is not extracted. See \`dlt-ts pipeline ${name} info\`, or drop them with ` +
        `\`dlt-ts pipeline ${name} drop-pending-packages\`.`,
    );
  }
  return lines.join("\n");
}
