/** "bar" on a TTY, "log" lines otherwise; "none" turns it off. Default "auto" picks between bar and log. */
export type ProgressMode = "auto" | "bar" | "log" | "none";

const LOG_INTERVAL_MS = 10_000;
const BAR_INTERVAL_MS = 100;

/**
 * Reports items per stage on stderr: a redrawn line on a terminal, a line
 * every 10 s in logs (CI, files), nothing with "none".
 */
export class ProgressReporter {
  private readonly mode: Exclude<ProgressMode, "auto">;
  private stage = "";
  private count = 0;
  private total: number | undefined;
  private startedAt = 0;
  private lastPrint = 0;

  constructor(mode: ProgressMode = "auto", private readonly out: NodeJS.WriteStream = process.stderr) {
    this.mode = mode === "auto" ? (out.isTTY ? "bar" : "log") : mode;
  }

  start(stage: string, total?: number): void {
    this.stage = stage;
    this.count = 0;
    this.total = total;
    this.startedAt = this.lastPrint = Date.now();
  }

  /** Sets the total once it is known (e.g. jobs of a package). */
  setTotal(total: number): void {
    this.total = total;
  }

  add(count: number): void {
    this.count += count;
    this.maybePrint();
  }

  set(count: number): void {
    this.count = count;
    this.maybePrint();
  }

  finish(): void {
    if (this.mode === "bar" && this.count > 0) {
      this.print();
      this.out.write("\n");
    }
  }

  private maybePrint(): void {
    if (this.mode === "none") return;
    const now = Date.now();
    if (now - this.lastPrint < (this.mode === "bar" ? BAR_INTERVAL_MS : LOG_INTERVAL_MS)) return;
    this.lastPrint = now;
    this.print();
  }

  private print(): void {
    const seconds = Math.max((Date.now() - this.startedAt) / 1000, 0.001);
    const rate = Math.round(this.count / seconds);
    const of = this.total !== undefined ? `/${this.total}` : "";
    const line = `${this.stage}: ${this.count}${of} (${rate}/s)`;
    if (this.mode === "bar") this.out.write(`\r${line}`);
    else this.out.write(`${line}\n`);
  }
}
