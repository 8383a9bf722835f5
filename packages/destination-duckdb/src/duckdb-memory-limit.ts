import * as os from "node:os";

/** A memory_limit raise: from and to, as DuckDB settings ("512MB"). */
export interface MemoryLimitRaise {
  from: string;
  to: string;
}

/**
 * The `memory_limit` of a database opened without a configured one: it
 * starts small (see `defaultDuckdbMemoryLimit`), so loading into the default
 * destination stays small on a laptop or in a container, and doubles each
 * time a statement runs out of memory, up to DuckDB's own default (80% of
 * RAM). A table wider than the start allows then still loads: the job that
 * ran out of memory fails as transient and the loader retries it under the
 * raised limit. A configured limit is never raised: it is the user's bound.
 */
export class AdaptiveMemoryLimit {
  private currentMb: number;
  /** The limit to set on the database before its next statement, once raised. */
  private unapplied: string | undefined;

  constructor(
    startMb: number,
    private readonly maxMb = Math.floor((os.totalmem() * 0.8) / (1024 * 1024)),
  ) {
    this.currentMb = Math.min(startMb, maxMb);
  }

  /** The limit to open the database with. */
  get setting(): string {
    return `${this.currentMb}MB`;
  }

  get megabytes(): number {
    return this.currentMb;
  }

  /** Doubles the limit after an out-of-memory error; undefined when it is at its maximum already. */
  raise(): MemoryLimitRaise | undefined {
    if (this.currentMb >= this.maxMb) return undefined;
    const from = this.setting;
    this.currentMb = Math.min(this.currentMb * 2, this.maxMb);
    this.unapplied = this.setting;
    return { from, to: this.setting };
  }

  /** The raised limit not yet set on the database (then it counts as set). */
  takeUnapplied(): string | undefined {
    const setting = this.unapplied;
    this.unapplied = undefined;
    return setting;
  }
}
