import type { NamingConvention } from "./naming/naming-convention.js";
import type { ColumnHints, ColumnSchema, LoaderFileFormat, MergeStrategy, ReplaceStrategy, WriteDisposition } from "./schema-types.js";

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


/** Every option name of {@link TableHintOptions}, to reject a misspelled one. */
export const TABLE_HINT_OPTION_NAMES: readonly string[] = [
  "writeDisposition",
  "primaryKey",
  "mergeKey",
  "columns",
  "maxTableNesting",
  "loaderFileFormat",
];

/** Hints of one root table with every name normalized; stored with the extracted package. */
export interface TableHints {
  table: string;
  resource: string;
  writeDisposition: WriteDisposition;
  mergeStrategy?: MergeStrategy;
  replaceStrategy?: ReplaceStrategy;
  columns: Record<string, ColumnHints>;
  maxTableNesting?: number;
  fileFormat?: LoaderFileFormat;
}

/** Turns user hints into normalized table hints (primary and merge keys become column hints). */
export function normalizeTableHints(
  table: string,
  resource: string,
  options: TableHintOptions,
  naming: NamingConvention,
): TableHints {
  const { disposition, mergeStrategy, replaceStrategy } = splitDisposition(options.writeDisposition);
  const columns: Record<string, ColumnHints> = {};
  for (const [name, hint] of columnEntries(options.columns)) {
    columns[naming.normalizePath(name)] = { ...hint };
  }
  for (const key of asList(options.primaryKey)) {
    const name = naming.normalizePath(key);
    columns[name] = { ...columns[name], primaryKey: true, nullable: false };
  }
  for (const key of asList(options.mergeKey)) {
    const name = naming.normalizePath(key);
    columns[name] = { ...columns[name], mergeKey: true };
  }
  return {
    table,
    resource,
    writeDisposition: disposition,
    ...(mergeStrategy ? { mergeStrategy } : {}),
    ...(replaceStrategy ? { replaceStrategy } : {}),
    columns,
    ...(options.maxTableNesting !== undefined ? { maxTableNesting: options.maxTableNesting } : {}),
    ...(options.loaderFileFormat ? { fileFormat: options.loaderFileFormat } : {}),
  };
}

function splitDisposition(config: WriteDispositionConfig | undefined): {
  disposition: WriteDisposition;
  mergeStrategy?: MergeStrategy;
  replaceStrategy?: ReplaceStrategy;
} {
  if (config === undefined) return { disposition: "append" };
  if (typeof config === "string") return { disposition: config };
  if (config.disposition === "merge") return { disposition: "merge", mergeStrategy: config.strategy };
  if (config.disposition === "replace") return { disposition: "replace", replaceStrategy: config.strategy };
  return { disposition: config.disposition };
}

function columnEntries(columns: ColumnsHint | undefined): Array<[string, ColumnHints]> {
  if (!columns) return [];
  if (Array.isArray(columns)) return columns.map(({ name, ...hint }) => [name, hint]);
  return Object.entries(columns);
}

function asList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}
