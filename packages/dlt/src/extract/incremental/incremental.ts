import { checkOptionNames } from "@dlt-ts/core";
import { compareCursorValues } from "./cursor-values.js";
import { IncrementalOptionsException } from "./incremental-exceptions.js";

/** "max" (the default: the cursor grows), "min", or a function choosing one of the values it is given. */
export type LastValueFunc<T = unknown> = "max" | "min" | ((values: T[]) => T);

/**
 * Options of {@link incremental}, as dlt's `dlt.sources.incremental`.
 * Defaults as dlt.
 */
export interface IncrementalOptions<T = unknown> {
  /** Where the cursor is in a row: a column name or a dotted path (`payload.updated_at`). Required. */
  cursorPath: string;
  /** The cursor's value on the first run (when the state has none). Default: none (every row passes). */
  initialValue?: T;
  /**
   * Load only up to this value (a backfill of one range): the state is then
   * neither read nor written. Needs `initialValue`. Default: none.
   */
  endValue?: T;
  /** How the cursor moves. Default "max". */
  lastValueFunc?: LastValueFunc<T>;
  /**
   * Columns that identify a row, to drop rows at the boundary (cursor value
   * equal to the last one) that the previous run loaded. Default: the
   * resource's primaryKey, else the whole row; `[]` turns it off.
   */
  primaryKey?: string | string[];
  /**
   * The order in which the source yields rows: with "asc" reading stops at
   * the first row past `endValue`; with "desc" at the first row before the
   * start. Default: none (every row is read and filtered).
   */
  rowOrder?: "asc" | "desc";
  /**
   * Re-read a window behind the last value: seconds for timestamps, days for
   * dates, units for numbers ("max" and "min" only; off with `endValue`). It
   * turns boundary deduplication off: use it with a merge disposition.
   * Default: none.
   */
  lag?: number;
  /** A row without a cursor value: "raise" an error, "include" it, or "exclude" it. Default "raise". */
  onCursorValueMissing?: "raise" | "include" | "exclude";
  /** Whether a row whose cursor equals the start value passes ("closed", deduplicated) or not ("open"). Default "closed". */
  rangeStart?: "open" | "closed";
  /** Whether a row whose cursor equals `endValue` passes ("closed") or not ("open"). Default "open". */
  rangeEnd?: "open" | "closed";
}

const OPTION_NAMES = [
  "cursorPath",
  "initialValue",
  "endValue",
  "lastValueFunc",
  "primaryKey",
  "rowOrder",
  "lag",
  "onCursorValueMissing",
  "rangeStart",
  "rangeEnd",
];

/**
 * Incremental loading of a resource: only rows past the last cursor value
 * the pipeline saw pass, and the cursor is kept in the pipeline state under
 * `sources.<source>.resources.<resource>.incremental.<cursorPath>` (written
 * with the load package, so a failed extract leaves it where it was).
 *
 * The resource's function receives the bound incremental to ask its source
 * for new rows only (`since.startValue`).
 *
 * @example
 * const issues = resource(
 *   async function* ({ incremental: since }) { yield* fetchIssues({ updatedAfter: since.startValue }); },
 *   { name: "issues", primaryKey: "id", writeDisposition: "merge",
 *     incremental: incremental({ cursorPath: "updated_at", initialValue: "2024-01-01T00:00:00Z" }) },
 * );
 */
export class Incremental<T = unknown> {
  readonly cursorPath: string;
  readonly initialValue: T | undefined;
  readonly endValue: T | undefined;
  readonly lastValueFunc: LastValueFunc<T>;
  readonly primaryKey: string | string[] | undefined;
  readonly rowOrder: "asc" | "desc" | undefined;
  readonly lag: number | undefined;
  readonly onCursorValueMissing: "raise" | "include" | "exclude";
  readonly rangeStart: "open" | "closed";
  readonly rangeEnd: "open" | "closed";

  constructor(options: IncrementalOptions<T>) {
    checkOptionNames(options, OPTION_NAMES, "incremental(options)");
    if (!options.cursorPath) throw new IncrementalOptionsException("incremental() needs a cursorPath: the column (or dotted path) of the cursor");
    this.cursorPath = options.cursorPath;
    this.initialValue = options.initialValue;
    this.endValue = options.endValue;
    this.lastValueFunc = options.lastValueFunc ?? "max";
    this.primaryKey = options.primaryKey;
    this.rowOrder = options.rowOrder;
    this.lag = options.lag;
    this.onCursorValueMissing = options.onCursorValueMissing ?? "raise";
    this.rangeStart = options.rangeStart ?? "closed";
    this.rangeEnd = options.rangeEnd ?? "open";
    this.validate();
  }

  /** Picks the value `lastValueFunc` chooses among `values`. */
  choose(values: T[], resource: string): T {
    const func = this.lastValueFunc;
    if (typeof func === "function") return func(values);
    const context = { resource, cursorPath: this.cursorPath };
    return values.reduce((best, value) => {
      const order = compareCursorValues(value, best, context);
      return (func === "max" ? order > 0 : order < 0) ? value : best;
    });
  }

  private validate(): void {
    const where = `incremental({ cursorPath: "${this.cursorPath}" })`;
    if (this.endValue !== undefined && this.initialValue === undefined) {
      throw new IncrementalOptionsException(`${where}: endValue needs an initialValue (the range to load is initialValue … endValue)`);
    }
    if (this.endValue !== undefined && this.initialValue !== undefined) {
      const chosen = this.choose([this.endValue, this.initialValue], "(options)");
      if (chosen !== this.endValue) {
        throw new IncrementalOptionsException(
          `${where}: initialValue ${JSON.stringify(this.initialValue)} lies beyond endValue ${JSON.stringify(this.endValue)} for lastValueFunc "${typeof this.lastValueFunc === "function" ? "custom" : this.lastValueFunc}"`,
        );
      }
    }
    for (const [name, value, allowed] of [
      ["rowOrder", this.rowOrder, ["asc", "desc", undefined]],
      ["onCursorValueMissing", this.onCursorValueMissing, ["raise", "include", "exclude"]],
      ["rangeStart", this.rangeStart, ["open", "closed"]],
      ["rangeEnd", this.rangeEnd, ["open", "closed"]],
    ] as const) {
      if (!(allowed as readonly unknown[]).includes(value)) {
        throw new IncrementalOptionsException(`${where}: ${name} must be ${allowed.filter(Boolean).map((a) => `"${a}"`).join(" or ")}, got ${JSON.stringify(value)}`);
      }
    }
    if (this.lag !== undefined && (typeof this.lag !== "number" || this.lag < 0)) {
      throw new IncrementalOptionsException(`${where}: lag must be a number >= 0, got ${JSON.stringify(this.lag)}`);
    }
  }
}

/** Declares incremental loading for a resource; see {@link Incremental} and {@link IncrementalOptions}. */
export function incremental<T = unknown>(options: IncrementalOptions<T>): Incremental<T> {
  return new Incremental(options);
}
