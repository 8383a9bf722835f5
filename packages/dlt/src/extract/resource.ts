import type { ColumnHints, ColumnSchema, LoaderFileFormat, MergeStrategy, ReplaceStrategy, WriteDisposition } from "@dlt-ts/core";
import type { DataSource } from "./data-items.js";

/** `"merge"`, or dlt's object form `{ disposition: "merge", strategy: "upsert" }`. */
export type WriteDispositionConfig =
  | WriteDisposition
  | { disposition: "merge"; strategy?: MergeStrategy }
  | { disposition: "replace"; strategy?: ReplaceStrategy }
  | { disposition: "append" | "skip" };

/** Column hints keyed by column name, or a list of columns with names. */
export type ColumnsHint = Record<string, ColumnHints> | ColumnSchema[];

/** Table hints shared by resources and `run()`; names are source names (normalized later). */
export interface TableHintOptions {
  /** Default "append". */
  writeDisposition?: WriteDispositionConfig;
  primaryKey?: string | string[];
  mergeKey?: string | string[];
  columns?: ColumnsHint;
  /** Nested data deeper than this is kept as json. Default: the destination's, else 1000. */
  maxTableNesting?: number;
  /** Default: the destination's preferred format. */
  loaderFileFormat?: LoaderFileFormat;
}

export interface ResourceOptions extends TableHintOptions {
  /** Resource name; also the table name unless `tableName` is given. Default: the function's name. */
  name?: string;
  tableName?: string;
}

/**
 * A named stream of items with table hints.
 *
 * @example
 * const events = resource(fetchEvents, { name: "events", writeDisposition: "merge", primaryKey: "id" });
 */
export class DltResource {
  readonly name: string | undefined;
  constructor(
    readonly data: DataSource,
    readonly options: ResourceOptions = {},
  ) {
    this.name = options.name ?? functionName(data);
  }

  /** Table the items go to (source name, not yet normalized). */
  get tableName(): string | undefined {
    return this.options.tableName ?? this.name;
  }

  /** A copy with other options overlaid (e.g. hints given to `run()`). */
  withOptions(options: ResourceOptions): DltResource {
    return new DltResource(this.data, { ...this.options, ...definedOnly(options) });
  }
}

export function resource(data: DataSource, options: ResourceOptions = {}): DltResource {
  return new DltResource(data, options);
}

function functionName(data: DataSource): string | undefined {
  return typeof data === "function" && data.name ? data.name : undefined;
}

function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Partial<T>;
}
