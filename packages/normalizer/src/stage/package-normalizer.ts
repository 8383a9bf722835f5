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
  type StoredSchema,
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
import { mergePartTables, mergeUpdates } from "./schema-part-merge.js";

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
  /**
   * Worker threads that normalize an extracted package (`normalize.workers`).
   * Default 1: the calling thread, no worker started.
   */
  workers?: number;
}

/**
 * What one part of a package (a file, or a line range of one) normalized
 * apart from the others hands back to be merged: see {@link PackageNormalizer.mergePart}.
 */
export interface PartResult {
  /** Paths of the job files the part wrote. */
  files: string[];
  rowCounts: Record<string, number>;
  /** The part's schema tables when it finished. */
  tables: Record<string, TableSchema>;
  /** Tables and columns the part's evolver recorded (hints included). */
  updates: Record<string, TableSchema>;
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
    /** The schema before the package's hints: what a part starts from (see {@link openPart}). */
    readonly base: StoredSchema,
    private readonly schema: Schema,
    private readonly evolver: SchemaEvolver,
    private readonly buffers: TableRowBuffers,
    /** The package's `new_jobs` directory, where its job files go. */
    readonly jobsDirectory: string,
    private readonly normalized: LoadPackageStorage | undefined,
    private readonly schemas: SchemaStore | undefined,
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
    const base = schema.toStored();
    const evolver = hintedEvolver(schema, info, options);
    const tempId = LoadPackageStorage.inProgressId(loadId);
    await normalized.createPackage(tempId, "normalized", { schemaName: schema.name });
    const jobsDirectory = path.join(normalized.packagePath(tempId), "new_jobs");
    const buffers = tableRowBuffers(jobsDirectory, schema, evolver, info, options);
    return new PackageNormalizer(loadId, info, base, schema, evolver, buffers, jobsDirectory, normalized, schemas, options, startedAt);
  }

  /**
   * A writer of one part of a package (what a normalize worker runs): it
   * starts from `base` with the package's hints applied, as {@link open}
   * does, then takes `tables` (the package's tables as merged so far) and
   * writes its job files into `jobsDirectory`. It publishes nothing: end it
   * with {@link closePart} and hand the result to the package's
   * {@link mergePart}.
   */
  static openPart(
    loadId: string,
    info: ExtractedPackageInfo,
    base: StoredSchema,
    tables: Record<string, TableSchema>,
    jobsDirectory: string,
    options: NormalizeOptions,
  ): PackageNormalizer {
    const schema = Schema.fromStored(base);
    // The evolver learns from base and hints what the package's own does
    // (columns typed before this package, columns the user typed) ...
    const evolver = hintedEvolver(schema, info, options);
    // ... and then works on the tables as the parts before this one left them.
    schema.tables = tables;
    const buffers = tableRowBuffers(jobsDirectory, schema, evolver, info, options);
    return new PackageNormalizer(loadId, info, base, schema, evolver, buffers, jobsDirectory, undefined, undefined, options, new Date());
  }

  /**
   * Normalizes one item of a root table (normalized name) and buffers its
   * rows; returns a promise only when buffers are being written (await it).
   */
  add(rootTable: string, item: Row): Promise<void> | undefined {
    this.normalizer.normalizeItem(item, rootTable, this.rootOptions(rootTable), this.emit);
    return this.buffers.flushFull();
  }

  /** Closes the files of a part (see {@link openPart}) and tells what it wrote and how it changed the schema. */
  async closePart(): Promise<PartResult> {
    const written = await this.buffers.close();
    return { files: written.map((f) => f.path), rowCounts: this.rowCounts, tables: this.schema.tables, updates: this.evolver.updates };
  }

  /** File formats the package's job files take: its tables' hints, else the destination's preference. */
  fileFormats(): Set<LoaderFileFormat> {
    const formats = Object.values(this.info.tables).map((hints) => fileFormat(hints, this.options));
    return new Set([this.options.capabilities.preferredLoaderFileFormat, ...formats]);
  }

  /** A copy of the package's tables as they are now: where the next part starts. */
  tablesSnapshot(): Record<string, TableSchema> {
    return structuredClone(this.schema.tables);
  }

  /**
   * Takes a part's schema changes and row counts into the package, when the
   * part saw the tables the package has now: parts are merged in file
   * order, and a part that started from fewer tables than the parts before
   * it left (it ran alongside them) must have come to the same columns.
   * Returns false when it did not (say, the part typed a column bigint that
   * an earlier part typed text): the package is unchanged, and the part is
   * to be normalized again from {@link tablesSnapshot}. So the schema is
   * the one a single worker infers, whatever the number of workers.
   *
   * @param start the tables the part started from
   */
  mergePart(start: Record<string, TableSchema>, part: PartResult): boolean {
    if (!mergePartTables(this.schema.tables, start, part.tables)) return false;
    mergeUpdates(this.evolver.updates, part.updates, this.schema.tables);
    for (const [table, count] of Object.entries(part.rowCounts)) this.rowCounts[table] = (this.rowCounts[table] ?? 0) + count;
    return true;
  }

  /** Closes the files, stores schema and schema update with the package, and publishes it. */
  async finish(): Promise<NormalizeInfo> {
    if (!this.normalized || !this.schemas) throw new Error("finish() publishes a package opened with open(); a part ends with closePart()");
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
      await writeFile(path.join(this.jobsDirectory, fileName), "");
    }
  }

  async abort(): Promise<void> {
    await this.buffers.abort();
    await this.normalized?.deletePackage(LoadPackageStorage.inProgressId(this.loadId));
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

/** An evolver over `schema` that has taken the package's table hints. */
function hintedEvolver(schema: Schema, info: ExtractedPackageInfo, options: NormalizeOptions): SchemaEvolver {
  const evolver = new SchemaEvolver(schema, options.naming, DLT_COLUMN_DEFAULTS);
  for (const hints of Object.values(info.tables)) applyHints(schema, evolver, hints);
  return evolver;
}

function tableRowBuffers(
  directory: string,
  schema: Schema,
  evolver: SchemaEvolver,
  info: ExtractedPackageInfo,
  options: NormalizeOptions,
): TableRowBuffers {
  return new TableRowBuffers(directory, {
    capabilities: options.capabilities,
    formatOf: (table) => fileFormat(info.tables[schema.rootTableOf(table).name], options),
    fileMaxItems: options.fileMaxItems,
    fileMaxBytes: options.fileMaxBytes ?? options.capabilities.recommendedFileSize,
    rowsBeforeFirstWrite: options.bufferMaxItems,
    columnsRevision: () => evolver.revision,
  });
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
