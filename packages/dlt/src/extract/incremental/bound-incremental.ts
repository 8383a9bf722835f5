import type { DataItem } from "@dlt-ts/core";
import { applyLag, compareCursorValues, rowHash, valueAtPath } from "./cursor-values.js";
import { IncrementalCursorPathMissing, IncrementalPrimaryKeyMissing } from "./incremental-exceptions.js";
import type { Incremental } from "./incremental.js";

/** What the pipeline state keeps per cursor: `sources.<source>.resources.<resource>.incremental.<cursorPath>`. */
export interface IncrementalState {
  initialValue: unknown;
  lastValue: unknown;
  /** Hashes of the rows whose cursor equals `lastValue` (boundary deduplication). */
  uniqueHashes: string[];
}

/** What happened to one row. */
export interface RowVerdict {
  keep: boolean;
  /** The source is ordered (`rowOrder`) and no later row can pass: stop reading. */
  stop: boolean;
}

/**
 * An incremental bound to one resource for one extract: the start value from
 * the state, the row filter, and the new state it writes back when the
 * extract succeeds. The resource's function receives it (`startValue`,
 * `endValue`, `lastValue`, ...) to ask its source for new rows only.
 */
export class BoundIncremental<T = unknown> {
  /** The lower bound of this run: the stored last value (lag applied), else the initial value. */
  readonly startValue: T | undefined;
  private last: unknown;
  private readonly startHashes: ReadonlySet<string>;
  private uniqueHashes: Set<string>;
  private lastRowHashes: string[] = [];
  private readonly deduplicate: boolean;
  private readonly keyColumns: string[] | undefined;

  constructor(
    readonly declaration: Incremental<T>,
    readonly resourceName: string,
    resourcePrimaryKey: string | string[] | undefined,
    /** The state slot of this cursor; undefined with `endValue` (a backfill writes no state). */
    private readonly state: IncrementalState | undefined,
  ) {
    const stored = state?.lastValue ?? declaration.initialValue;
    this.last = stored;
    this.startValue = this.withLag(stored) as T | undefined;
    this.startHashes = new Set(state?.uniqueHashes ?? []);
    this.uniqueHashes = new Set(this.startHashes);
    const key = declaration.primaryKey ?? resourcePrimaryKey;
    this.keyColumns = key === undefined ? undefined : Array.isArray(key) ? key : [key];
    this.deduplicate =
      declaration.rangeStart === "closed" &&
      declaration.endValue === undefined &&
      !(declaration.lag && typeof declaration.lastValueFunc === "string") &&
      !(this.keyColumns !== undefined && this.keyColumns.length === 0);
  }

  get cursorPath(): string {
    return this.declaration.cursorPath;
  }

  get initialValue(): T | undefined {
    return this.declaration.initialValue;
  }

  get endValue(): T | undefined {
    return this.declaration.endValue;
  }

  /** The highest (for "max") cursor value seen so far, starting from the stored one. */
  get lastValue(): T | undefined {
    return this.last as T | undefined;
  }

  get rowOrder(): "asc" | "desc" | undefined {
    return this.declaration.rowOrder;
  }

  get lastValueFunc(): Incremental<T>["lastValueFunc"] {
    return this.declaration.lastValueFunc;
  }

  get rangeStart(): "open" | "closed" {
    return this.declaration.rangeStart;
  }

  get rangeEnd(): "open" | "closed" {
    return this.declaration.rangeEnd;
  }

  /** Whether `row` passes, and whether reading can stop. */
  filter(row: DataItem): RowVerdict {
    const { declaration } = this;
    const value = valueAtPath(row, declaration.cursorPath);
    if (value === undefined || value === null) {
      if (declaration.onCursorValueMissing === "raise") {
        throw new IncrementalCursorPathMissing(this.resourceName, declaration.cursorPath, value === null ? "null" : "missing");
      }
      return { keep: declaration.onCursorValueMissing === "include", stop: false };
    }
    const end = declaration.endValue;
    if (end !== undefined && (!this.same(this.choose([value, end]), end) || (declaration.rangeEnd === "open" && this.same(value, end)))) {
      return { keep: false, stop: declaration.rowOrder === "asc" };
    }
    const last = this.last;
    const newLast = last === undefined ? value : this.choose([value, last]);
    if (last !== undefined && this.same(newLast, last)) {
      // Not past the last value: check it against the start of the range.
      const start = this.startValue;
      if (declaration.rangeStart === "open" && this.same(value, start)) return this.beforeStart();
      if (start !== undefined && this.same(this.choose([value, start]), start)) {
        if (!this.same(value, start)) return this.beforeStart();
        if (this.deduplicate && this.startHashes.has(this.hash(row))) return this.beforeStart();
      }
      if (this.deduplicate && this.same(value, last)) this.lastRowHashes.push(this.hash(row));
    } else {
      this.last = newLast;
      if (this.deduplicate) {
        this.lastRowHashes = [this.hash(row)];
        this.uniqueHashes = new Set();
      }
    }
    return { keep: true, stop: false };
  }

  /** Writes the new last value and boundary hashes into the state slot (the pipeline keeps it only if the extract succeeds). */
  commit(): void {
    if (!this.state) return;
    const stored = this.state.lastValue;
    // With a lag the window moves back each run: the last value itself only moves forward.
    this.state.lastValue = stored !== undefined && this.last !== undefined ? this.choose([this.last, stored]) : (this.last ?? stored);
    this.state.uniqueHashes = this.deduplicate ? [...new Set([...this.lastRowHashes, ...this.uniqueHashes])] : [];
  }

  private beforeStart(): RowVerdict {
    return { keep: false, stop: this.declaration.rowOrder === "desc" };
  }

  private withLag(value: unknown): unknown {
    const { lag, lastValueFunc, endValue, initialValue } = this.declaration;
    if (!lag || value === undefined || typeof lastValueFunc !== "string" || endValue !== undefined) return value;
    const lagged = applyLag(value, lag, lastValueFunc);
    // The window never reaches back past the initial value.
    if (initialValue !== undefined && this.same(this.choose([initialValue, lagged]), initialValue)) return initialValue;
    return lagged;
  }

  private choose(values: unknown[]): unknown {
    return this.declaration.choose(values as T[], this.resourceName);
  }

  private same(a: unknown, b: unknown): boolean {
    if (a === b) return true;
    if (a === undefined || b === undefined) return false;
    return compareCursorValues(a, b, { resource: this.resourceName, cursorPath: this.declaration.cursorPath }) === 0;
  }

  private hash(row: DataItem): string {
    if (!this.keyColumns) return rowHash(row);
    const values = this.keyColumns.map((column) => {
      const value = valueAtPath(row, column);
      if (value === undefined) throw new IncrementalPrimaryKeyMissing(this.resourceName, column);
      return value;
    });
    return rowHash(values);
  }
}
