import * as path from "node:path";
import {
  LoadPackageStorage,
  PIPELINE_STATE_TABLE_NAME,
  Schema,
  SchemaEvolver,
  parseJobFileName,
  pipelineStateTable,
  type ColumnSchema,
  type DestinationCapabilities,
  type LoaderFileFormat,
  type NamingConvention,
  type TableSchema,
} from "@dlt-ts/core";
import {
  C_DLT_ID,
  C_DLT_LIST_IDX,
  C_DLT_LOAD_ID,
  C_DLT_PARENT_ID,
  C_DLT_ROOT_ID,
  DEFAULT_MAX_NESTING,
  RelationalNormalizer,
  type Row,
  type RootTableOptions,
} from "@dlt-ts/normalizer";
import { HINTS_FILE, type ExtractedPackageInfo } from "../extract/extractor.js";
import type { TableHints } from "../extract/table-hints.js";
import { decodeTypedJson } from "../extract/typed-json.js";
import type { SchemaStore } from "../pipeline/schema-store.js";
import { readLines } from "./read-lines.js";
import { TableRowBuffers } from "./table-row-buffers.js";

/** Hints `_dlt_*` columns get when the normalizer creates them, as dlt's. */
const DLT_COLUMN_DEFAULTS: Record<string, Partial<ColumnSchema>> = {
  [C_DLT_ID]: { nullable: false, unique: true, rowKey: true },
  [C_DLT_LOAD_ID]: { nullable: false },
  [C_DLT_PARENT_ID]: { nullable: false, parentKey: true },
  [C_DLT_LIST_IDX]: { nullable: false },
  [C_DLT_ROOT_ID]: { nullable: false, rootKey: true },
};

export interface NormalizeOptions {
  capabilities: DestinationCapabilities;
  naming: NamingConvention;
  /** Rotate job files after this many rows. */
  fileMaxItems?: number;
  /** Rotate job files after this many bytes. */
  fileMaxBytes?: number;
}

export interface NormalizeInfo {
  loadId: string;
  schemaName: string;
  /** Rows written per table, nested tables included. */
  rowCounts: Record<string, number>;
  startedAt: Date;
  finishedAt: Date;
}

/**
 * Normalize stage: turns each extracted package into a load package of
 * normalized job files in the destination's format, evolving the schema.
 * The new package is written hidden and published in one rename before the
 * extracted one is deleted, so a kill at any point loses and doubles nothing.
 */
export class NormalizeStage {
  constructor(
    private readonly extracted: LoadPackageStorage,
    private readonly normalized: LoadPackageStorage,
    private readonly schemas: SchemaStore,
    private readonly options: NormalizeOptions,
    private readonly onRows?: (count: number) => void,
  ) {}

  async normalizePackage(loadId: string): Promise<NormalizeInfo> {
    const startedAt = new Date();
    const info = (await this.extracted.readJson<ExtractedPackageInfo>(loadId, HINTS_FILE))!;
    const schema = (await this.schemas.load(info.schemaName)) ?? this.newSchema(info.schemaName);
    const evolver = new SchemaEvolver(schema, this.options.naming, DLT_COLUMN_DEFAULTS);
    for (const hints of Object.values(info.tables)) this.applyHints(evolver, hints);

    const tempId = LoadPackageStorage.inProgressId(loadId);
    await this.normalized.createPackage(tempId, "normalized", { schemaName: schema.name });
    const buffers = new TableRowBuffers(path.join(this.normalized.packagePath(tempId), "new_jobs"), {
      capabilities: this.options.capabilities,
      formatOf: (table) => this.fileFormat(info.tables[schema.rootTableOf(table).name]),
      fileMaxItems: this.options.fileMaxItems,
      fileMaxBytes: this.options.fileMaxBytes,
    });
    const normalizer = new RelationalNormalizer(schema, this.options.naming, loadId);
    const rowCounts: Record<string, number> = {};
    const emit = (tableName: string, parent: string | undefined, row: Row): void => {
      const table = evolver.ensureTable(tableName, parent);
      evolver.coerceRow(table, row);
      rowCounts[tableName] = (rowCounts[tableName] ?? 0) + 1;
      buffers.add(table, row);
    };
    try {
      for (const fileName of await this.extracted.listJobs(loadId, "new_jobs")) {
        const rootTable = parseJobFileName(fileName).table;
        const rootOptions = this.rootOptions(schema, info.tables[rootTable]);
        let rows = 0;
        for await (const line of readLines(this.extracted.jobPath(loadId, "new_jobs", fileName))) {
          normalizer.normalizeItem(decodeTypedJson(line) as Row, rootTable, rootOptions, emit);
          await buffers.flushFull();
          if (++rows % 1000 === 0) this.onRows?.(1000);
        }
        this.onRows?.(rows % 1000);
      }
      await buffers.close();
    } catch (error) {
      await buffers.abort();
      await this.normalized.deletePackage(tempId);
      throw error;
    }
    schema.bumpVersion();
    await this.normalized.writeJson(tempId, "schema.json", schema.toStored());
    await this.normalized.writeJson(tempId, "schema_updates.json", evolver.updates);
    await this.normalized.publishPackage(loadId, "normalized");
    await this.schemas.save(schema);
    await this.extracted.deletePackage(loadId);
    return { loadId, schemaName: schema.name, rowCounts, startedAt, finishedAt: new Date() };
  }

  private newSchema(name: string): Schema {
    return new Schema(name, {
      namingConvention: this.options.naming.name,
      ...(this.options.capabilities.maxTableNesting !== undefined
        ? { maxTableNesting: this.options.capabilities.maxTableNesting }
        : {}),
    });
  }

  private applyHints(evolver: SchemaEvolver, hints: TableHints): void {
    if (hints.table === PIPELINE_STATE_TABLE_NAME) {
      const predefined = pipelineStateTable();
      const table = evolver.ensureTable(hints.table, undefined, { writeDisposition: "append" });
      evolver.applyColumnHints(table, predefined.columns);
      return;
    }
    const tableHints: Partial<TableSchema> = {
      writeDisposition: hints.writeDisposition,
      resource: hints.resource,
      ...(hints.mergeStrategy ? { mergeStrategy: hints.mergeStrategy } : {}),
      ...(hints.replaceStrategy ? { replaceStrategy: hints.replaceStrategy } : {}),
    };
    const table = evolver.ensureTable(hints.table, undefined, tableHints);
    // Hints given in code win over what an earlier run stored.
    Object.assign(table, tableHints);
    evolver.applyColumnHints(table, hints.columns);
  }

  private rootOptions(schema: Schema, hints: TableHints | undefined): RootTableOptions {
    const table = hints ? schema.tables[hints.table] : undefined;
    const isMerge = table?.writeDisposition === "merge";
    const primaryKey = Object.values(table?.columns ?? {}).filter((c) => c.primaryKey).map((c) => c.name);
    return {
      maxNesting:
        hints?.maxTableNesting ?? this.options.capabilities.maxTableNesting ?? schema.settings.maxTableNesting ?? DEFAULT_MAX_NESTING,
      propagateRootKey: isMerge,
      ...(isMerge && table?.mergeStrategy === "upsert" ? { rowIdFromKey: primaryKey } : {}),
    };
  }

  private fileFormat(hints: TableHints | undefined): LoaderFileFormat {
    const format = hints?.fileFormat ?? this.options.capabilities.preferredLoaderFileFormat;
    return format;
  }
}
