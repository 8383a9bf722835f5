import { DltException } from "@dlt-ts/core";

/** Base of incremental loading errors. */
export class IncrementalException extends DltException {}

/** A row has no value at the cursor path while `onCursorValueMissing` is "raise" (the default). */
export class IncrementalCursorPathMissing extends IncrementalException {
  constructor(
    readonly resource: string,
    readonly cursorPath: string,
    reason: "missing" | "null",
  ) {
    super(
      `Resource "${resource}": a row has ${reason === "missing" ? "no value at" : "a null value at"} cursor path "${cursorPath}". ` +
        `Fix the data or the path, or pass incremental({ cursorPath: "${cursorPath}", onCursorValueMissing: "include" | "exclude" }).`,
    );
  }
}

/** Two cursor values that cannot be ordered against each other (a number against a date string, ...). */
export class IncrementalCursorInvalidCoercion extends IncrementalException {
  constructor(resource: string, cursorPath: string, a: unknown, b: unknown) {
    super(
      `Resource "${resource}": cursor values ${describe(a)} and ${describe(b)} at "${cursorPath}" cannot be compared: ` +
        `use one type for the cursor (numbers, Dates or ISO-8601 strings) and for initialValue / endValue.`,
    );
  }
}

/** A row has no value for a column of the incremental's primary key (used to deduplicate boundary rows). */
export class IncrementalPrimaryKeyMissing extends IncrementalException {
  constructor(resource: string, column: string) {
    super(
      `Resource "${resource}": a row has no value for "${column}" of the incremental's primary key (used to deduplicate rows at the cursor boundary). ` +
        `Pass incremental({ primaryKey: [] }) to turn deduplication off.`,
    );
  }
}

/** Options of incremental() that contradict each other. */
export class IncrementalOptionsException extends IncrementalException {}

function describe(value: unknown): string {
  if (typeof value === "bigint") return `${value}n`;
  if (value instanceof Date) return `Date(${value.toISOString()})`;
  return JSON.stringify(value) ?? String(value);
}
