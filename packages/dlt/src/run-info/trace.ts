import { maskSecrets, writeFileAtomic } from "@dlt-ts/core";

export interface TraceStep {
  step: "extract" | "normalize" | "load";
  startedAt: Date;
  finishedAt: Date;
  /** The step's info (masked: run info never holds secrets). */
  info?: unknown;
  /** Message of the error that ended the step. */
  error?: string;
}

export interface PipelineTrace {
  pipelineName: string;
  startedAt: Date;
  finishedAt?: Date;
  steps: TraceStep[];
  /** Set when the run failed: the message of the error that ended it (in a step or before any, e.g. a missing secret). */
  error?: string;
}

/** Collects the steps of one run and saves them (as `trace.json` in the working dir, see PipelineLayout). */
export class TraceRecorder {
  readonly trace: PipelineTrace;

  constructor(pipelineName: string) {
    this.trace = { pipelineName, startedAt: new Date(), steps: [] };
  }

  async step<T>(step: TraceStep["step"], run: () => Promise<T>, infoOf: (result: T) => unknown = (r) => r): Promise<T> {
    const startedAt = new Date();
    try {
      const result = await run();
      this.trace.steps.push({ step, startedAt, finishedAt: new Date(), info: infoOf(result) });
      return result;
    } catch (error) {
      // A failed load still says which packages and jobs it got to.
      const info = (error as { loadInfo?: unknown }).loadInfo;
      const message = error instanceof Error ? error.message : String(error);
      this.trace.steps.push({ step, startedAt, finishedAt: new Date(), error: maskSecrets(message), ...(info ? { info } : {}) });
      throw error;
    }
  }

  /** Records that the run failed with `error` (whether or not a step was running). */
  fail(error: unknown): void {
    this.trace.error = maskSecrets(error instanceof Error ? error.message : String(error));
  }

  /** Writes trace.json; every secret the run resolved is masked in it, whatever step info holds. */
  async save(file: string): Promise<void> {
    this.trace.finishedAt = new Date();
    await writeFileAtomic(file, maskSecrets(JSON.stringify(this.trace, null, 2)));
  }
}
