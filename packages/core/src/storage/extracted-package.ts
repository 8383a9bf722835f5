import type { TableHints } from "../schema/table-hints.js";

/*
 * What the extract stage leaves for the normalize stage: an extracted load
 * package of typed JSON lines (one file per root table) and a hints file.
 * Both stages read this one definition.
 */

/** Format of extracted job files: JSON lines that keep Date, bigint and binary values (see typed-json.ts). */
export const EXTRACTED_FORMAT = "typed-jsonl";

/** The file of an extracted package that holds its {@link ExtractedPackageInfo}. */
export const HINTS_FILE = "hints.json";

/** What an extracted package holds besides its items. */
export interface ExtractedPackageInfo {
  schemaName: string;
  tables: Record<string, TableHints>;
}

/** One item as extract hands it on: a plain object (scalars are wrapped as `{ value }` before). */
export type DataItem = Record<string, unknown>;
