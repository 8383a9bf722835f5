import * as path from "node:path";
import { randomBytes } from "node:crypto";
import {
  DltException,
  LoadPackageStorage,
  TableNameCollisionException,
  formatJobFileName,
  type NamingConvention,
} from "@dlt-ts/core";
import { iterateItems } from "./data-items.js";
import { encodeTypedJson } from "./typed-json.js";
import { BufferedLineWriter } from "./buffered-line-writer.js";
import { normalizeTableHints, type TableHints } from "./table-hints.js";
import type { DltResource } from "./resource.js";

/** Format of extracted job files: JSON lines that keep Date, bigint and binary values. */
export const EXTRACTED_FORMAT = "typed-jsonl";
export const HINTS_FILE = "hints.json";

/** What an extracted package holds besides its job files. */
export interface ExtractedPackageInfo {
  schemaName: string;
  tables: Record<string, TableHints>;
}

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

/** Extra rows to add to the package, e.g. the pipeline state row. */
export interface ExtraTableRows {
  hints: TableHints;
  rows: Record<string, unknown>[];
}

/**
 * Extract stage: drains every resource into JSON-lines job files of a new
 * package. The package is written in a hidden folder and published in one
 * rename, so a killed extract leaves nothing for normalize to pick up.
 */
export class Extractor {
  constructor(
    private readonly storage: LoadPackageStorage,
    private readonly naming: NamingConvention,
    private readonly onItems?: (count: number) => void,
  ) {}

  async extract(loadId: string, schemaName: string, resources: DltResource[], extra: ExtraTableRows[] = []): Promise<ExtractInfo> {
    const startedAt = new Date();
    const tempId = LoadPackageStorage.inProgressId(loadId);
    await this.storage.createPackage(tempId, "extracted", { schemaName });
    const tables = this.tableHints(resources);
    const itemCounts: Record<string, number> = {};
    try {
      for (const resource of resources) {
        const hints = tables[this.tableOf(resource)]!;
        itemCounts[hints.table] = (itemCounts[hints.table] ?? 0) + (await this.extractResource(tempId, hints.table, resource));
      }
      for (const { hints, rows } of extra) {
        tables[hints.table] = hints;
        itemCounts[hints.table] = await this.writeRows(tempId, hints.table, rows);
      }
      const info: ExtractedPackageInfo = { schemaName, tables };
      await this.storage.writeJson(tempId, HINTS_FILE, info);
      await this.storage.publishPackage(loadId, "extracted");
    } catch (error) {
      await this.storage.deletePackage(tempId);
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

  private async extractResource(packageId: string, table: string, resource: DltResource): Promise<number> {
    const writer = this.openJob(packageId, table);
    try {
      for await (const item of iterateItems(resource.data)) {
        await writer.writeLine(encodeTypedJson(item));
        if (writer.lines % 1000 === 0) this.onItems?.(1000);
      }
    } catch (error) {
      await writer.close();
      throw new DltException(`Extracting resource "${resource.name ?? table}" failed: ${(error as Error).message}`, {
        cause: error,
      });
    }
    this.onItems?.(writer.lines % 1000);
    await writer.close();
    return writer.lines;
  }

  private async writeRows(packageId: string, table: string, rows: Record<string, unknown>[]): Promise<number> {
    const writer = this.openJob(packageId, table);
    for (const row of rows) await writer.writeLine(encodeTypedJson(row));
    await writer.close();
    return writer.lines;
  }

  private openJob(packageId: string, table: string): BufferedLineWriter {
    const fileName = formatJobFileName({ table, fileId: randomBytes(5).toString("hex"), retry: 0, format: EXTRACTED_FORMAT });
    return new BufferedLineWriter(path.join(this.storage.packagePath(packageId), "new_jobs", fileName));
  }
}
