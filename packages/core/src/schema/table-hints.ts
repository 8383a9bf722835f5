import { DltException } from "../common/dlt-exception.js";
import type { NamingConvention } from "./naming/naming-convention.js";
import type { ColumnHints, ColumnSchema, LoaderFileFormat, MergeStrategy, ReplaceStrategy, Scd2Settings, WriteDisposition } from "./schema-types.js";

/** `"merge"`, or dlt's object form `{ disposition: "merge", strategy: "upsert" }`. */
export type WriteDispositionConfig =
  | WriteDisposition
  | {
      disposition: "merge";
      strategy?: MergeStrategy;
      /** The data of each load has no duplicate keys: the merge skips deduplication (as dlt's `deduplicated`). Default false. */
      deduplicated?: boolean;
      /** scd2: names of the validity columns. Default ["_dlt_valid_from", "_dlt_valid_to"]. */
      validityColumnNames?: [string, string];
      /** scd2: the value of `valid_to` for active records. Default null. */
      activeRecordTimestamp?: string | Date | null;
      /** scd2: when the versions of a load become valid and the retired ones end. Default: the time of the load. */
      boundaryTimestamp?: string | Date;
      /** scd2: a column of the data holding its own row hash. Default "_dlt_id" (computed from the item). */
      rowVersionColumnName?: string;
    }
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
  /** Merge: `deduplicated` of the write disposition. */
  stageDataDeduplicated?: boolean;
  /** Merge strategy scd2: its settings, names normalized. */
  scd2?: Scd2Settings;
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
  const { disposition, mergeStrategy, replaceStrategy, deduplicated } = splitDisposition(options.writeDisposition);
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
    // As dlt, a merge key cannot be null: such a row could match nothing.
    columns[name] = { ...columns[name], mergeKey: true, nullable: false };
  }
  return {
    table,
    resource,
    writeDisposition: disposition,
    ...(mergeStrategy ? { mergeStrategy } : {}),
    ...(deduplicated ? { stageDataDeduplicated: true } : {}),
    ...(mergeStrategy === "scd2" ? { scd2: scd2Settings(options.writeDisposition, naming) } : {}),
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
  deduplicated?: boolean;
} {
  if (config === undefined) return { disposition: "append" };
  if (typeof config === "string") return { disposition: config };
  if (config.disposition === "merge") return { disposition: "merge", mergeStrategy: config.strategy, deduplicated: config.deduplicated };
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

/** dlt's default scd2 settings, overridden by the write disposition's, names normalized. */
function scd2Settings(config: WriteDispositionConfig | undefined, naming: NamingConvention): Scd2Settings {
  const given: Extract<WriteDispositionConfig, { disposition: "merge" }> =
    typeof config === "object" && config.disposition === "merge" ? config : { disposition: "merge" };
  const [validFrom, validTo] = given.validityColumnNames ?? ["_dlt_valid_from", "_dlt_valid_to"];
  const settings: Scd2Settings = {
    validFrom: naming.normalizePath(validFrom),
    validTo: naming.normalizePath(validTo),
    rowVersionColumn: given.rowVersionColumnName ? naming.normalizePath(given.rowVersionColumnName) : "_dlt_id",
  };
  if (given.activeRecordTimestamp !== undefined && given.activeRecordTimestamp !== null) {
    settings.activeRecordTimestamp = isoText("activeRecordTimestamp", given.activeRecordTimestamp);
  }
  if (given.boundaryTimestamp !== undefined) settings.boundaryTimestamp = isoText("boundaryTimestamp", given.boundaryTimestamp);
  return settings;
}

function isoText(option: string, value: string | Date): string {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) {
    throw new DltException(`scd2 option ${option} is ${JSON.stringify(String(value))}, which is not a date and time: give a Date or ISO-8601 text`);
  }
  return date.toISOString();
}
