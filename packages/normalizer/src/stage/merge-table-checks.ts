import { DltException, type MergeStrategy, type Schema, type TableSchema } from "@dlt-ts/core";
import { C_DLT_ROOT_ID } from "../relational/relational-normalizer.js";

/**
 * The hints of a merge table cannot work (upsert without a primary key, two
 * hard_delete or dedup_sort columns, a dedup_sort that is neither asc nor
 * desc). Raised while normalizing, before anything is loaded.
 */
export class InvalidMergeHints extends DltException {
  constructor(
    readonly table: string,
    readonly problem: string,
  ) {
    super(`Table "${table}" cannot be merged: ${problem}. Nothing of this run was extracted or loaded; fix the resource's hints and run again.`);
  }
}

/**
 * A table chain becomes a merge chain while a nested table of it already
 * holds rows without `_dlt_root_id`: merging would leave those rows behind
 * as orphans of replaced parents (dlt refuses it too: the NOT NULL root key
 * cannot be added to a table with rows).
 */
export class RootKeyMissing extends DltException {
  constructor(
    readonly table: string,
    readonly nestedTable: string,
  ) {
    super(
      `Table "${table}" cannot be merged: its nested table "${nestedTable}" was loaded without a ${C_DLT_ROOT_ID} column ` +
        `(the chain was not a merge chain then), so its rows cannot be matched to their root rows. ` +
        `Load "${table}" once with writeDisposition "replace" (which recreates the chain with root keys), ` +
        `or drop the nested tables, then merge.`,
    );
  }
}

/** Whether the chain of `root` carries `_dlt_root_id` into its nested rows: merge chains (but scd2), and any chain that has it once. */
export function propagatesRootKey(schema: Schema, root: TableSchema): boolean {
  if (root.writeDisposition === "merge" && root.mergeStrategy !== "scd2") return true;
  return schema.tableChain(root.name).slice(1).some((t) => Object.values(t.columns).some((c) => c.rootKey));
}

/**
 * Fails on merge hints that cannot work (with the destination's merge
 * strategies, `supported`, when it declares any), and on a chain switched to
 * merge whose nested tables lack root keys.
 */
export function checkMergeTable(schema: Schema, table: TableSchema, supported: readonly MergeStrategy[]): void {
  if (table.writeDisposition !== "merge") return;
  if (table.mergeStrategy && supported.length > 0 && !supported.includes(table.mergeStrategy)) {
    throw new InvalidMergeHints(
      table.name,
      `the destination does not support merge strategy "${table.mergeStrategy}" (it supports ${supported.map((s) => `"${s}"`).join(", ")})`,
    );
  }
  const columns = Object.values(table.columns);
  const hardDelete = columns.filter((c) => c.hardDelete).map((c) => c.name);
  if (hardDelete.length > 1) throw new InvalidMergeHints(table.name, `more than one hard_delete column (${quoted(hardDelete)}); give at most one`);
  const dedupSort = columns.filter((c) => c.dedupSort !== undefined && c.dedupSort !== null);
  if (dedupSort.length > 1) {
    throw new InvalidMergeHints(table.name, `more than one dedup_sort column (${quoted(dedupSort.map((c) => c.name))}); give at most one`);
  }
  for (const column of dedupSort) {
    if (column.dedupSort !== "asc" && column.dedupSort !== "desc") {
      throw new InvalidMergeHints(table.name, `dedup_sort of column "${column.name}" is ${JSON.stringify(column.dedupSort)}: use "asc" or "desc"`);
    }
  }
  if ((table.mergeStrategy === "upsert" || table.mergeStrategy === "insert-only") && !columns.some((c) => c.primaryKey)) {
    throw new InvalidMergeHints(table.name, `the ${table.mergeStrategy} merge strategy needs a primary key; give the resource a primaryKey`);
  }
  if (table.mergeStrategy === "scd2") return;
  for (const nested of schema.tableChain(table.name).slice(1)) {
    const nestedColumns = Object.values(nested.columns);
    const loaded = nestedColumns.some((c) => c.dataType !== undefined && !c.name.startsWith("_dlt_"));
    if (loaded && !nestedColumns.some((c) => c.rootKey)) throw new RootKeyMissing(table.name, nested.name);
  }
}

function quoted(names: string[]): string {
  return names.map((n) => `"${n}"`).join(", ");
}
