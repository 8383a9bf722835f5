import { DltException } from "@dlt-ts/core";
import type { LoadInfo } from "../run-info/load-info.js";

/** A pipeline step failed; for load, `loadInfo` tells which packages and jobs. */
export class PipelineStepFailed extends DltException {
  constructor(
    readonly step: "extract" | "normalize" | "load",
    cause: unknown,
    readonly loadInfo?: LoadInfo,
  ) {
    super(`Pipeline step ${step} failed: ${(cause as Error).message}${loadInfo ? `\n${loadInfo.toString()}` : ""}`, { cause });
  }
}
