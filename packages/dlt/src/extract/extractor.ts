import {
  DltException,
  normalizeTableHints,
  TableNameCollisionException,
  type DataItem,
  type ExtractTarget,
  type NamingConvention,
  type TableHints,
} from "@dlt-ts/core";
import { iterateItems } from "./data-items.js";
import { toLoadableItem, type ItemSite } from "./loadable-values.js";
import { BoundIncremental, type IncrementalState } from "./incremental/bound-incremental.js";
import type { DltResource } from "./resource.js";

export interface ExtractInfo {
  loadId: string;
  schemaName: string;
  /** Items extracted per (normalized) table. */
  itemCounts: Record<string, number>;
  startedAt: Date;
  finishedAt: Date;
}

export class MissingTableNameException extends DltException {
  constructor() {
    super(
      "The data has no name to become a table: pass run(data, { tableName: \"items\" }) " +
        "or wrap it in resource(data, { name: \"items\" })",
    );
  }
}

export class ResourceExtractException extends DltException {
  constructor(resource: string, cause: unknown) {
    super(`Extracting resource "${resource}" failed: ${(cause as Error)?.message ?? String(cause)}`, { cause });
  }
}

/** Extra rows to add to the package, e.g. the pipeline state row: asked for after every resource was drained. */
export interface ExtraTableRows {
  hints: TableHints;
  rows: () => DataItem[];
}

/** The state slot of a resource's incremental cursor (created when missing). */
export type IncrementalStateSlot = (resourceName: string, cursorPath: string, initialValue: unknown) => IncrementalState;

/**
 * Extract stage: drains every resource into a target (job files, or the
 * normalizer directly). Nothing becomes visible unless every resource was
 * drained: a failing or killed extract leaves no package behind.
 */
export class Extractor {
  constructor(
    private readonly naming: NamingConvention,
    private readonly onItems?: (count: number) => void,
    private readonly incrementalState?: IncrementalStateSlot,
  ) {}

  async extract(
    target: ExtractTarget,
    loadId: string,
    schemaName: string,
    resources: DltResource[],
    extra: ExtraTableRows[] = [],
  ): Promise<ExtractInfo> {
    const startedAt = new Date();
    const tables = this.tableHints(resources);
    for (const { hints } of extra) tables[hints.table] = hints;
    const itemCounts: Record<string, number> = {};
    await target.begin(loadId, { schemaName, tables });
    try {
      for (const resource of resources) {
        const table = this.tableOf(resource);
        itemCounts[table] = (itemCounts[table] ?? 0) + (await this.extractResource(target, table, resource));
      }
      for (const { hints, rows: rowsOf } of extra) {
        const rows = rowsOf();
        for (const row of rows) await target.write(hints.table, row);
        if (rows.length > 0) itemCounts[hints.table] = rows.length;
      }
      await target.commit();
    } catch (error) {
      await target.abort();
      throw error;
    }
    return { loadId, schemaName, itemCounts, startedAt, finishedAt: new Date() };
  }

  private tableOf(resource: DltResource): string {
    const name = resource.tableName;
    if (!name) throw new MissingTableNameException();
    return this.naming.normalizeTableIdentifier(name);
  }

  /** Normalized hints per table; two resources whose table names collide after normalization are an error. */
  private tableHints(resources: DltResource[]): Record<string, TableHints> {
    const tables: Record<string, TableHints> = {};
    const sources = new Map<string, string>();
    for (const resource of resources) {
      const table = this.tableOf(resource);
      const sourceName = resource.tableName!;
      const seen = sources.get(table);
      if (seen !== undefined && seen !== sourceName) {
        throw new TableNameCollisionException(seen, sourceName, table, this.naming.name);
      }
      sources.set(table, sourceName);
      tables[table] = normalizeTableHints(table, resource.name ?? sourceName, resource.options, this.naming);
    }
    return tables;
  }

  private async extractResource(target: ExtractTarget, table: string, resource: DltResource): Promise<number> {
    let count = 0;
    const incremental = this.bindIncremental(resource, table);
    const site: ItemSite = { resource: resource.name ?? table, table };
    try {
      for await (const yielded of iterateItems(resource.data, incremental ? { incremental } : undefined)) {
        // Converted before the incremental sees it: the cursor is compared as it will be stored.
        const item = toLoadableItem(yielded, site);
        if (item === undefined) continue;
        if (incremental) {
          const verdict = incremental.filter(item);
          // Ordered rows past the range: leaving the loop closes the resource's generator.
          if (verdict.stop) break;
          if (!verdict.keep) continue;
        }
        const writing = target.write(table, item);
        if (writing) await writing;
        if (++count % 1000 === 0) this.onItems?.(1000);
      }
    } catch (error) {
      if (error instanceof DltException) throw error;
      throw new ResourceExtractException(resource.name ?? table, error);
    }
    incremental?.commit();
    this.onItems?.(count % 1000);
    return count;
  }

  /** The resource's incremental bound to its state slot (none with an endValue: a backfill keeps no state). */
  private bindIncremental(resource: DltResource, table: string): BoundIncremental | undefined {
    const declaration = resource.options.incremental;
    if (!declaration) return undefined;
    const name = resource.name ?? table;
    const slot = declaration.endValue === undefined ? this.incrementalState?.(name, declaration.cursorPath, declaration.initialValue) : undefined;
    return new BoundIncremental(declaration, name, resource.options.primaryKey, slot);
  }
}
