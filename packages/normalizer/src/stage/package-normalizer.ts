import * as path from "node:path";
import { randomBytes } from "node:crypto";
import { writeFile } from "node:fs/promises";
import {
  formatJobFileName,
  LoadPackageStorage,
  PIPELINE_STATE_TABLE_NAME,
  pipelineStateTable,
  Schema,
  SchemaEvolver,
  type ColumnSchema,
  type DestinationCapabilities,
  type ExtractedPackageInfo,
  type LoaderFileFormat,
  type NamingConvention,
  type SchemaStore,
  type TableHints,
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
  type RowSink,
  type RootTableOptions,
} from "../relational/relational-normalizer.js";
import { TableRowBuffers } from "./table-row-buffers.js";
import { checkMergeTable, propagatesRootKey } from "./merge-table-checks.js";

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
  /** Rows of a table held before its first file write. */
  bufferMaxItems?: number;
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
 * Writes one load package from raw items: normalizes them into rows, evolves
 * the schema, and writes job files in the destination's format. The package
 * is written hidden and published by finish() in one rename, so a killed
 * process never leaves a half package to load.
 */
export class PackageNormalizer {
  private readonly rowCounts: Record<string, number> = {};
  private readonly rootOptionsByTable = new Map<string, RootTableOptions>();
  private readonly normalizer: RelationalNormalizer;
  private readonly emit: RowSink;

  private constructor(
    private readonly loadId: string,
    private readonly info: ExtractedPackageInfo,
    private readonly schema: Schema,
    private readonly evolver: SchemaEvolver,
    private readonly buffers: TableRowBuffers,
    private readonly normalized: LoadPackageStorage,
    private readonly schemas: SchemaStore,
    private readonly options: NormalizeOptions,
    private readonly startedAt: Date,
  ) {
    this.normalizer = new RelationalNormalizer(schema, options.naming, loadId);
    this.emit = (tableName, parent, row, columns) => {
      const table = evolver.ensureTable(tableName, parent);
      if (table.seenData === false) delete table.seenData;
      evolver.coerceSlottedRow(table, columns, row);
      this.rowCounts[tableName] = (this.rowCounts[tableName] ?? 0) + 1;
      buffers.add(table, columns, row);
    };
  }

  static async open(
    loadId: string,
    info: ExtractedPackageInfo,
    normalized: LoadPackageStorage,
    schemas: SchemaStore,
    options: NormalizeOptions,
  ): Promise<PackageNormalizer> {
    const startedAt = new Date();
    const schema = (await schemas.load(info.schemaName)) ?? newSchema(info.schemaName, options);
    const evolver = new SchemaEvolver(schema, options.naming, DLT_COLUMN_DEFAULTS);
    for (const hints of Object.values(info.tables)) applyHints(schema, evolver, hints);
    const tempId = LoadPackageStorage.inProgressId(loadId);
    await normalized.createPackage(tempId, "normalized", { schemaName: schema.name });
    const buffers = new TableRowBuffers(path.join(normalized.packagePath(tempId), "new_jobs"), {
      capabilities: options.capabilities,
      formatOf: (table) => fileFormat(info.tables[schema.rootTableOf(table).name], options),
      fileMaxItems: options.fileMaxItems,
      fileMaxBytes: options.fileMaxBytes ?? options.capabilities.recommendedFileSize,
      rowsBeforeFirstWrite: options.bufferMaxItems,
      columnsRevision: () => evolver.revision,
    });
    return new PackageNormalizer(loadId, info, schema, evolver, buffers, normalized, schemas, options, startedAt);
  }

  /**
   * Normalizes one item of a root table (normalized name) and buffers its
   * rows; returns a promise only when buffers are being written (await it).
   */
  add(rootTable: string, item: Row): Promise<void> | undefined {
    this.normalizer.normalizeItem(item, rootTable, this.rootOptions(rootTable), this.emit);
    return this.buffers.flushFull();
  }

  /** Closes the files, stores schema and schema update with the package, and publishes it. */
  async finish(): Promise<NormalizeInfo> {
    const tempId = LoadPackageStorage.inProgressId(this.loadId);
    try {
      await this.buffers.close();
      await this.writeReplaceMarkers(tempId);
    } catch (error) {
      await this.abort();
      throw error;
    }
    this.schema.bumpVersion();
    await this.normalized.writeJson(tempId, "schema.json", this.schema.toStored());
    await this.normalized.writeJson(tempId, "schema_updates.json", this.evolver.updates);
    await this.normalized.publishPackage(this.loadId, "normalized");
    await this.schemas.save(this.schema);
    return { loadId: this.loadId, schemaName: this.schema.name, rowCounts: this.rowCounts, startedAt: this.startedAt, finishedAt: new Date() };
  }

  /**
   * A replace resource that yielded nothing still replaces: as dlt, its
   * tables are emptied. An empty job file carries that to the loader, which
   * prepares (truncates) the table chain and has no rows to load.
   */
  private async writeReplaceMarkers(tempId: string): Promise<void> {
    for (const hints of Object.values(this.info.tables)) {
      if (hints.writeDisposition !== "replace" || this.rowCounts[hints.table]) continue;
      // As dlt: a table that never saw data is not created (nor emptied) by a replace without rows.
      if (this.schema.tables[hints.table]?.seenData === false) continue;
      if (this.schema.completeColumns(hints.table).length === 0) continue;
      const fileName = formatJobFileName({
        table: hints.table,
        fileId: randomBytes(5).toString("hex"),
        retry: 0,
        format: fileFormat(hints, this.options),
      });
      await writeFile(path.join(this.normalized.packagePath(tempId), "new_jobs", fileName), "");
    }
  }

  async abort(): Promise<void> {
    await this.buffers.abort();
    await this.normalized.deletePackage(LoadPackageStorage.inProgressId(this.loadId));
  }

  private rootOptions(rootTable: string): RootTableOptions {
    let options = this.rootOptionsByTable.get(rootTable);
    if (!options) {
      options = rootOptions(this.schema, this.info.tables[rootTable], this.options);
      this.rootOptionsByTable.set(rootTable, options);
    }
    return options;
  }
}

function newSchema(name: string, options: NormalizeOptions): Schema {
  // The destination's nesting is a fallback, not a schema setting (see rootOptions).
  return new Schema(name, { namingConvention: options.naming.name });
}

function applyHints(schema: Schema, evolver: SchemaEvolver, hints: TableHints): void {
  if (hints.table === PIPELINE_STATE_TABLE_NAME) {
    const table = evolver.ensureTable(hints.table, undefined, { writeDisposition: "append", resource: PIPELINE_STATE_TABLE_NAME });
    evolver.applyColumnHints(table, pipelineStateTable().columns);
    return;
  }
  const tableHints: Partial<TableSchema> = {
    writeDisposition: hints.writeDisposition,
    resource: hints.resource,
    ...(hints.mergeStrategy ? { mergeStrategy: hints.mergeStrategy } : {}),
    ...(hints.replaceStrategy ? { replaceStrategy: hints.replaceStrategy } : {}),
  };
  const isNew = schema.tables[hints.table] === undefined;
  const table = evolver.ensureTable(hints.table, undefined, tableHints);
  // Created from hints: not a destination table until a row arrives (see TableSchema.seenData).
  if (isNew) table.seenData = false;
  // Hints given in code win over what an earlier run stored.
  Object.assign(table, tableHints);
  // `deduplicated` is given with the write disposition of each run, never inherited from an earlier one.
  if (hints.stageDataDeduplicated) table.stageDataDeduplicated = true;
  else delete table.stageDataDeduplicated;
  if (hints.scd2) {
    table.scd2 = hints.scd2;
    // The validity columns exist from the first load: the merge SQL writes them, the data does not.
    const validity: Record<string, Partial<ColumnSchema>> = {};
    for (const name of [hints.scd2.validFrom, hints.scd2.validTo]) {
      if (!table.columns[name]?.dataType) validity[name] = { dataType: "timestamp", nullable: true };
    }
    if (Object.keys(validity).length > 0) evolver.applyColumnHints(table, validity);
  } else if (hints.writeDisposition === "merge") {
    delete table.scd2;
  }
  // As dlt, a primary or merge key given in code replaces the stored one: columns
  // left out of the new key lose the hint (they keep their nullability).
  const compound = { ...hints.columns };
  for (const hint of ["primaryKey", "mergeKey"] as const) {
    if (!Object.values(hints.columns).some((c) => c[hint])) continue;
    for (const column of Object.values(table.columns)) {
      if (column[hint] && !hints.columns[column.name]?.[hint]) compound[column.name] = { ...compound[column.name], [hint]: false };
    }
  }
  evolver.applyColumnHints(table, compound);
}

function rootOptions(schema: Schema, hints: TableHints | undefined, options: NormalizeOptions): RootTableOptions {
  const table = hints ? schema.tables[hints.table] : undefined;
  if (table) checkMergeTable(schema, table, options.capabilities.supportedMergeStrategies);
  const isMerge = table?.writeDisposition === "merge";
  const columns = Object.values(table?.columns ?? {});
  const primaryKey = columns.filter((c) => c.primaryKey).map((c) => c.name);
  const mergeKey = columns.filter((c) => c.mergeKey).map((c) => c.name);
  const requiredKeys = isMerge
    ? [
        ...primaryKey.map((column) => ({ column, hint: "primary key" as const })),
        ...mergeKey.filter((c) => !primaryKey.includes(c)).map((column) => ({ column, hint: "merge key" as const })),
      ]
    : [];
  return {
    // As dlt: the table's (resource's or source's) hint, the schema's setting, the destination's (a sink's 0), then 1000.
    maxNesting: hints?.maxTableNesting ?? schema.settings.maxTableNesting ?? options.capabilities.maxTableNesting ?? DEFAULT_MAX_NESTING,
    // As dlt, a chain that has root keys keeps propagating them after a switch to append or replace.
    propagateRootKey: table ? propagatesRootKey(schema, table) : false,
    // As dlt: upsert and insert-only derive the root row id from the primary key, scd2 from the whole item.
    ...(isMerge && (table?.mergeStrategy === "upsert" || table?.mergeStrategy === "insert-only") ? { rowIdFromKey: primaryKey } : {}),
    ...(isMerge && table?.mergeStrategy === "scd2" && (table.scd2?.rowVersionColumn ?? C_DLT_ID) === C_DLT_ID ? { rowIdFromItem: true } : {}),
    ...(requiredKeys.length > 0 ? { requiredKeys } : {}),
  };
}

function fileFormat(hints: TableHints | undefined, options: NormalizeOptions): LoaderFileFormat {
  return hints?.fileFormat ?? options.capabilities.preferredLoaderFileFormat;
}
