import {
  DatabaseUndefinedRelation,
  DestinationTerminalException,
  dltSystemTables,
  LOAD_STATUS_LOADED,
  LOADS_TABLE_NAME,
  parseJobFileName,
  REFERENCE_FORMAT,
  PIPELINE_STATE_TABLE_NAME,
  SCHEMA_ENGINE_VERSION,
  VERSION_TABLE_NAME,
  type ColumnSchema,
  type DestinationCapabilities,
  type JobClient,
  type LoadJob,
  type LoadJobRequest,
  type MergeStrategy,
  type ReplaceStrategy,
  type Schema,
  type SqlClient,
  type SqlRow,
  type StoredPipelineState,
  type StoredSchema,
  type TableChain,
  type TableSchema,
} from "@dlt-ts/core";
import type { TypeMapper } from "./type-mapper.js";
import {
  generateMergeSql,
  generateReplaceSql,
  generateUpsertSql,
  generateInsertOnlySql,
  generateScd2Sql,
  standardMergeStatement,
  type FollowupSqlContext,
} from "./sql-followup-sql.js";
import { InsertValuesLoadJob, withErrorContext, type SqlLoadJobHost } from "./sql-load-job.js";
import { ReferenceLoadJob } from "./reference-load-job.js";

/**
 * Marker table of the SQL job client: one row per job file loaded, per
 * table chain prepared and per follow-up run of a load that is not yet
 * recorded in `_dlt_loads`. Rows are written in the same transaction as the
 * work they mark and removed when the load completes.
 */
export const LOADED_JOBS_TABLE_NAME = "_dlt_loaded_jobs";

/** Options of the SQL job client. */
export interface SqlJobClientOptions {
  /**
   * Turn `unique` hints into UNIQUE constraints and create indexes on primary
   * key and root key (`_dlt_root_id`) columns of destination tables (never of
   * staging tables). Default true.
   */
  createIndexes?: boolean;
  /** Replace strategy of tables that do not name one. Default "truncate-and-insert". */
  replaceStrategy?: ReplaceStrategy;
  /** Merge strategy of tables that do not name one. Default "delete-insert". */
  mergeStrategy?: MergeStrategy;
}

/** Where a table's files load: straight into the dataset, or into the staging dataset first. */
export type LoadTarget = "destination" | "staging";

/** One column as the catalog query of `storageColumnsSql` returns it (information_schema.columns names). */
export type StorageColumnRow = {
  table_name: string;
  column_name: string;
  /** Type name as information_schema spells it, e.g. "character varying". */
  data_type: string;
  character_maximum_length: number | null;
  numeric_precision: number | null;
  numeric_scale: number | null;
  datetime_precision: number | null;
  /** "YES" or "NO". */
  is_nullable: string;
};

/** Columns of tables as the destination's catalog reports them. */
export type StorageTables = Map<string, Map<string, ColumnSchema>>;

const LOADED_JOBS_TABLE: TableSchema = {
  name: LOADED_JOBS_TABLE_NAME,
  columns: {
    load_id: { name: "load_id", dataType: "text", nullable: false },
    job_id: { name: "job_id", dataType: "text", nullable: false },
    inserted_at: { name: "inserted_at", dataType: "timestamp", nullable: false },
  },
};

/**
 * The job client every SQL destination builds on. It creates and migrates
 * tables from schema updates (CREATE TABLE, ALTER TABLE ADD COLUMN with NOT
 * NULL and index hints), stores schemas in `_dlt_version`, loads one file per
 * job in one transaction with a completion marker, runs replace and merge
 * follow-ups from `<dataset>_staging` in a transaction once a table chain is
 * loaded, writes `_dlt_loads` last, and reads the newest pipeline state back.
 *
 * A destination supplies a SqlClient and a TypeMapper and overrides hooks:
 * `createFormatLoadJob` (file formats besides insert_values),
 * `tempTableSql`, `tempTableName`, `deleteFromSql`, `mergeStatement`,
 * `indexSql`, `addColumnsSql`, `limitSql`, `readStorageColumns`, `followupSql`.
 *
 * @example
 * const client = new SqlJobClientBase(schema, sqlClient, new PostgresTypeMapper(caps), { createIndexes: true });
 * await client.initializeStorage();
 * await client.updateStoredSchema(update);
 */
export class SqlJobClientBase implements JobClient, SqlLoadJobHost {
  readonly options: Required<SqlJobClientOptions>;
  private readonly prepared = new Map<string, Promise<void>>();
  private prepareQueue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly schema: Schema,
    readonly sqlClient: SqlClient,
    readonly typeMapper: TypeMapper,
    options: SqlJobClientOptions = {},
  ) {
    this.options = {
      createIndexes: options.createIndexes ?? true,
      replaceStrategy: options.replaceStrategy ?? "truncate-and-insert",
      mergeStrategy: options.mergeStrategy ?? "delete-insert",
    };
  }

  get capabilities(): DestinationCapabilities {
    return this.sqlClient.capabilities;
  }

  // ---------------------------------------------------------------- storage

  async initializeStorage(): Promise<void> {
    await this.sqlClient.open();
    if (!(await this.sqlClient.hasDataset())) {
      try {
        await this.sqlClient.createDataset();
      } catch (error) {
        // Another client may have created it in between.
        if (!(await this.sqlClient.hasDataset())) throw error;
      }
    }
    const system = dltSystemTables();
    const tables = [system[VERSION_TABLE_NAME]!, system[LOADS_TABLE_NAME]!, LOADED_JOBS_TABLE];
    await this.sqlClient.transaction((tx) => this.syncTables(tx, tables, false));
  }

  /**
   * Creates missing tables and adds missing columns for every table in
   * `update`, comparing the schema with what the catalog holds (so a rerun
   * never repeats DDL), then stores the schema in `_dlt_version` when its
   * version hash is not there yet. A destination that does not hold this
   * schema version (a new database or dataset for a pipeline that ran
   * before) is brought up to the whole schema, as dlt does, not only to the
   * package's update. One transaction.
   */
  async updateStoredSchema(update: Record<string, TableSchema>): Promise<void> {
    await this.sqlClient.transaction(async (tx) => {
      const stored = await this.isSchemaVersionStored(tx);
      // A table that never saw data (columns hinted in code only) is not created, as dlt.
      const names = new Set(Object.keys(update).filter((name) => this.schema.tables[name]?.seenData !== false));
      if (!stored) for (const table of this.schemaDataTables()) names.add(table.name);
      const tables = [...names].map((name) => this.fullTable(name, update[name] ?? this.schema.tables[name]!));
      await this.syncTables(tx, tables, this.options.createIndexes);
      if (!stored) await this.insertSchemaVersion(tx);
    });
  }

  /** The newest stored schema named `schemaName`, or undefined. */
  async getStoredSchema(schemaName: string = this.schema.name): Promise<StoredSchema | undefined> {
    // The alias is quoted: SCHEMA is a reserved word in T-SQL.
    const rows = await this.queryIfExists<{ schema: string }>(
      this.limitSql(
        `SELECT ${this.col("schema")} AS ${this.capabilities.escapeIdentifier("schema")} FROM ${this.qualified(VERSION_TABLE_NAME)} ` +
          `WHERE ${this.col("schema_name")} = %s ORDER BY ${this.col("inserted_at")} DESC, ${this.col("version")} DESC`,
        1,
      ),
      [schemaName],
    );
    return rows[0] ? (JSON.parse(rows[0].schema) as StoredSchema) : undefined;
  }

  /**
   * The newest pipeline state of `pipelineName` whose load completed
   * (joined to `_dlt_loads`), or undefined when there is none.
   */
  async getStoredState(pipelineName: string): Promise<StoredPipelineState | undefined> {
    const s = (c: string) => `s.${this.col(c)}`;
    const rows = await this.queryIfExists<SqlRow>(
      this.limitSql(
        `SELECT ${s("version")} AS version, ${s("engine_version")} AS engine_version, ${s("pipeline_name")} AS pipeline_name, ` +
          `${s("state")} AS state, ${s("created_at")} AS created_at, ${s("version_hash")} AS version_hash, ${s("_dlt_load_id")} AS load_id ` +
          `FROM ${this.qualified(PIPELINE_STATE_TABLE_NAME)} AS s JOIN ${this.qualified(LOADS_TABLE_NAME)} AS l ON l.${this.col("load_id")} = ${s("_dlt_load_id")} ` +
          `WHERE ${s("pipeline_name")} = %s AND l.${this.col("status")} = ${LOAD_STATUS_LOADED} ` +
          `ORDER BY l.${this.col("load_id")} DESC, ${s("version")} DESC`,
        1,
      ),
      [pipelineName],
    );
    const row = rows[0];
    if (!row) return undefined;
    return {
      version: Number(row.version),
      engineVersion: Number(row.engine_version),
      pipelineName: String(row.pipeline_name),
      state: String(row.state),
      createdAt: row.created_at instanceof Date ? row.created_at : new Date(String(row.created_at)),
      versionHash: String(row.version_hash ?? ""),
      loadId: String(row.load_id),
    };
  }

  /**
   * Drops `tables` in the dataset and, when it exists, the staging dataset,
   * and deletes the stored versions of this schema (`_dlt_version`), in one
   * transaction. Nothing happens when the dataset does not exist.
   */
  async dropTables(tables: readonly string[]): Promise<void> {
    await this.sqlClient.open();
    if (!(await this.sqlClient.hasDataset())) return;
    const staging = this.sqlClient.withStagingDataset();
    const hasStaging = await staging.hasDataset();
    await this.sqlClient.transaction(async (tx) => {
      if (tables.length > 0) {
        await tx.dropTables(...tables);
        if (hasStaging) await tx.withStagingDataset().dropTables(...tables);
      }
      await tx.execute(`DELETE FROM ${this.qualified(VERSION_TABLE_NAME)} WHERE ${this.col("schema_name")} = %s`, [this.schema.name]);
    });
  }

  /**
   * Tables as the destination's catalog describes them, keyed by table name,
   * each with its columns mapped back to dlt types. Missing tables are absent.
   */
  async getStorageTables(names: readonly string[], options: { staging?: boolean } = {}): Promise<Record<string, TableSchema>> {
    const client = options.staging ? this.sqlClient.withStagingDataset() : this.sqlClient;
    const storage = await this.readStorageColumns(client, names);
    const result: Record<string, TableSchema> = {};
    for (const name of names) {
      const columns = storage.get(this.capabilities.casefoldIdentifier(name));
      if (columns) result[name] = { name, columns: Object.fromEntries([...columns].map(([n, c]) => [n, c])) };
    }
    return result;
  }

  // ---------------------------------------------------------------- jobs

  createLoadJob(request: LoadJobRequest): LoadJob {
    const { format } = parseJobFileName(request.fileName);
    if (format === REFERENCE_FORMAT) return new ReferenceLoadJob(this, request);
    const job = this.createFormatLoadJob(request, format);
    if (job) return job;
    if (format === "insert_values") return new InsertValuesLoadJob(this, request);
    const supported = this.capabilities.supportedLoaderFileFormats.join(", ");
    return {
      run: () =>
        Promise.reject(
          new DestinationTerminalException(`Job ${request.fileName}: file format "${format}" cannot be loaded here (supported: ${supported})`),
        ),
    };
  }

  /**
   * Whether the load job of `format` reads its file as a stream (`request.openRead`),
   * so a staged file in a bucket loads without a local copy. Default false.
   */
  streamsStagedFile(_format: string): boolean {
    return false;
  }

  /** Hook for file formats other than insert_values (e.g. csv through COPY). Default: none. */
  protected createFormatLoadJob(_request: LoadJobRequest, _format: string): LoadJob | undefined {
    return undefined;
  }

  /** Where the files of `tableName` load. */
  loadTarget(tableName: string): LoadTarget {
    const root = this.rootOf(tableName);
    if (root.writeDisposition === "merge") return "staging";
    if (root.writeDisposition === "replace" && this.replaceStrategyOf(root) !== "truncate-and-insert") return "staging";
    return "destination";
  }

  sqlClientFor(tableName: string): SqlClient {
    return this.loadTarget(tableName) === "staging" ? this.sqlClient.withStagingDataset() : this.sqlClient;
  }

  async isJobLoaded(tx: SqlClient, loadId: string, jobId: string): Promise<boolean> {
    const rows = await tx.query(
      `SELECT 1 AS found FROM ${this.qualified(LOADED_JOBS_TABLE_NAME)} WHERE ${this.col("load_id")} = %s AND ${this.col("job_id")} = %s ` +
        `UNION ALL SELECT 1 AS found FROM ${this.qualified(LOADS_TABLE_NAME)} WHERE ${this.col("load_id")} = %s`,
      [loadId, jobId, loadId],
    );
    return rows.length > 0;
  }

  async markJobLoaded(tx: SqlClient, loadId: string, jobId: string): Promise<void> {
    await tx.execute(
      `INSERT INTO ${this.qualified(LOADED_JOBS_TABLE_NAME)} (${this.col("load_id")}, ${this.col("job_id")}, ${this.col("inserted_at")}) VALUES (%s, %s, %s)`,
      [loadId, jobId, new Date()],
    );
  }

  /**
   * Once per load and table chain, before its first file loads: for staged
   * chains the staging tables are created or migrated and emptied; for
   * truncate-and-insert replace the destination tables are truncated. The
   * work commits with a marker, so a rerun of the same load never empties
   * tables again. Append chains need nothing.
   */
  prepareChainFor(loadId: string, tableName: string): Promise<void> {
    const root = this.rootOf(tableName);
    const disposition = root.writeDisposition ?? "append";
    if (disposition !== "merge" && disposition !== "replace") return Promise.resolve();
    const key = `${loadId}\u0000${root.name}`;
    let done = this.prepared.get(key);
    if (!done) {
      // Serialized: chains share the staging dataset, which the first of them may create.
      done = this.prepareQueue.then(() => this.prepareChain(loadId, root));
      this.prepareQueue = done.catch(() => undefined);
      this.prepared.set(key, done);
      done.catch(() => this.prepared.delete(key));
    }
    return done;
  }

  private async prepareChain(loadId: string, root: TableSchema): Promise<void> {
    const chain = this.chainTables(root.name);
    const staged = this.loadTarget(root.name) === "staging";
    if (staged) await this.ensureStagingDataset();
    await this.sqlClient.transaction(async (tx) => {
      const marker = `prepare:${root.name}`;
      if (await this.isJobLoaded(tx, loadId, marker)) return;
      if (staged) {
        const staging = tx.withStagingDataset();
        await this.syncTables(tx, chain, this.options.createIndexes);
        await this.syncTables(staging, chain, false);
        if (chain.length > 0) await staging.truncateTables(...chain.map((t) => t.name));
      } else {
        const existing = await this.readStorageColumns(tx, chain.map((t) => t.name));
        const names = chain.map((t) => t.name).filter((n) => existing.has(this.capabilities.casefoldIdentifier(n)));
        if (names.length > 0) await tx.truncateTables(...names);
      }
      await this.markJobLoaded(tx, loadId, marker);
    });
  }

  private async ensureStagingDataset(): Promise<void> {
    const staging = this.sqlClient.withStagingDataset();
    if (await staging.hasDataset()) return;
    try {
      await staging.createDataset();
    } catch (error) {
      if (!(await staging.hasDataset())) throw error;
    }
  }

  /**
   * Runs the replace or merge follow-up of a loaded table chain in one
   * transaction with a marker (a rerun does not repeat it). Append chains
   * and truncate-and-insert replace need none.
   */
  async completeTableChain(loadId: string, chain: TableChain): Promise<void> {
    const rootName = chain[0]?.name;
    if (rootName === undefined || this.loadTarget(rootName) !== "staging") {
      if (rootName !== undefined) await this.prepareChainFor(loadId, rootName);
      return;
    }
    await this.prepareChainFor(loadId, rootName);
    const tables = this.chainTables(rootName);
    if (tables.length === 0) return;
    await this.sqlClient.transaction(async (tx) => {
      const marker = `followup:${rootName}`;
      if (await this.isJobLoaded(tx, loadId, marker)) return;
      const ctx: FollowupSqlContext = {
        chain: tables,
        client: tx,
        staging: tx.withStagingDataset(),
        tempTableSql: (name, select) => this.tempTableSql(name, select),
        tempTableName: (name) => this.tempTableName(name),
        deleteFromSql: (table, alias) => this.deleteFromSql(table, alias),
        loadId,
      };
      for (const statement of this.followupSql(ctx)) await tx.execute(statement);
      await this.markJobLoaded(tx, loadId, marker);
    });
  }

  /**
   * Removes what load `loadId` wrote to the destination tables of a chain
   * that did not complete, in one transaction, nested tables first: root rows
   * by `_dlt_load_id`, each nested table's rows by `_dlt_parent_id` pointing
   * at those (the loader loads a nested table only after its parent table,
   * so every nested row of the load has its parent row of the load). The
   * job markers of the chain go too. A staged chain (merge, replace through
   * staging) reached only the staging dataset, which its next load empties:
   * nothing to do. Without a `_dlt_load_id` column on the root nothing can be
   * told apart and nothing is removed.
   */
  async rollbackTableChain(loadId: string, chain: TableChain): Promise<void> {
    const rootName = chain[0]?.name;
    if (rootName === undefined || this.loadTarget(rootName) === "staging") return;
    const tables = this.chainTables(rootName);
    const root = tables[0];
    const loadIdColumn = root && columnNamed(root, "_dlt_load_id");
    if (!root || !loadIdColumn) return;
    const existing = await this.readStorageColumns(this.sqlClient, tables.map((t) => t.name));
    const byName = new Map(tables.map((t) => [t.name, t]));
    /** SELECT-able condition on a table's rows of this load; undefined when they cannot be found. */
    const conditions = new Map<string, string>([[root.name, `${this.col(loadIdColumn)} = %s`]]);
    const conditionOf = (table: TableSchema): string | undefined => {
      const known = conditions.get(table.name);
      if (known !== undefined || !table.parent) return known;
      const parent = byName.get(table.parent);
      const parentKey = columnWithHint(table, "parentKey", "_dlt_parent_id");
      const parentRowKey = parent && columnWithHint(parent, "rowKey", "_dlt_id");
      const parentCondition = parent && conditionOf(parent);
      if (!parentKey || !parentRowKey || parentCondition === undefined) return undefined;
      const condition = `${this.col(parentKey)} IN (SELECT ${this.col(parentRowKey)} FROM ${this.qualified(parent.name)} WHERE ${parentCondition})`;
      conditions.set(table.name, condition);
      return condition;
    };
    const deletes: string[] = [];
    for (const table of [...tables].reverse()) {
      const condition = conditionOf(table);
      if (condition === undefined || !existing.has(this.capabilities.casefoldIdentifier(table.name))) continue;
      deletes.push(`DELETE FROM ${this.qualified(table.name)} WHERE ${condition}`);
    }
    const jobPrefixes = tables.map((t) => `job:${t.name}.`);
    await this.sqlClient.transaction(async (tx) => {
      // Each condition holds the load id once, at its innermost (root) level.
      for (const statement of deletes) await tx.execute(statement, [loadId]);
      const markers = this.qualified(LOADED_JOBS_TABLE_NAME);
      const rows = await tx.query<{ job_id: string }>(`SELECT ${this.col("job_id")} AS job_id FROM ${markers} WHERE ${this.col("load_id")} = %s`, [loadId]);
      for (const { job_id: jobId } of rows) {
        if (!jobPrefixes.some((prefix) => jobId.startsWith(prefix))) continue;
        await tx.execute(`DELETE FROM ${markers} WHERE ${this.col("load_id")} = %s AND ${this.col("job_id")} = %s`, [loadId, jobId]);
      }
    });
  }

  /** Statements of the follow-up for a staged chain. */
  protected followupSql(ctx: FollowupSqlContext): string[] {
    const root = ctx.chain[0]!;
    if (root.writeDisposition === "replace") return generateReplaceSql(ctx);
    const strategy = this.mergeStrategyOf(root);
    if (strategy === "upsert") return generateUpsertSql(ctx, this.mergeStatement(ctx.client));
    if (strategy === "insert-only") return generateInsertOnlySql(ctx);
    if (strategy === "scd2" && this.capabilities.supportedMergeStrategies.includes("scd2")) return generateScd2Sql(ctx);
    if (strategy !== "delete-insert") {
      throw new DestinationTerminalException(
        `Table "${root.name}" asks for merge strategy "${strategy}", which this destination does not support (supported: ${this.capabilities.supportedMergeStrategies.join(", ")})`,
      );
    }
    return generateMergeSql(ctx);
  }

  /** `CREATE TEMPORARY TABLE name AS select`. */
  protected tempTableSql(name: string, select: string): string {
    return `CREATE TEMPORARY TABLE ${name} AS ${select}`;
  }

  /** The name temp tables of follow-ups are referred to by. Default: the name as is. */
  protected tempTableName(name: string): string {
    return name;
  }

  /** `DELETE FROM table AS alias`, the head of follow-up deletes that name the target by an alias. */
  protected deleteFromSql(table: string, alias: string): string {
    return `DELETE FROM ${table} AS ${alias}`;
  }

  /** `select` returning at most `limit` rows. Default: `select LIMIT n`. */
  protected limitSql(select: string, limit: number): string {
    return `${select} LIMIT ${limit}`;
  }

  /** The MERGE statement used by upsert. Default: standard `MERGE INTO`. */
  protected mergeStatement(client: SqlClient): ReturnType<typeof standardMergeStatement> {
    return standardMergeStatement(client);
  }

  /**
   * Records the load in `_dlt_loads` (once: a rerun finds the row) and
   * removes the load's markers, in one transaction.
   */
  async completeLoad(loadId: string): Promise<void> {
    await this.sqlClient.transaction(async (tx) => {
      const loads = this.qualified(LOADS_TABLE_NAME);
      const found = await tx.query(`SELECT 1 AS found FROM ${loads} WHERE ${this.col("load_id")} = %s`, [loadId]);
      if (found.length === 0) {
        const cols = ["load_id", "schema_name", "status", "inserted_at", "schema_version_hash"].map((c) => this.col(c)).join(", ");
        await tx.execute(`INSERT INTO ${loads} (${cols}) VALUES (%s, %s, %s, %s, %s)`, [
          loadId,
          this.schema.name,
          LOAD_STATUS_LOADED,
          new Date(),
          this.schema.versionHash,
        ]);
      }
      await tx.execute(`DELETE FROM ${this.qualified(LOADED_JOBS_TABLE_NAME)} WHERE ${this.col("load_id")} = %s`, [loadId]);
    });
  }

  async close(): Promise<void> {
    await this.sqlClient.close();
  }

  // ---------------------------------------------------------------- DDL

  /** CREATE TABLE for tables missing in `client`'s dataset, ALTER TABLE ADD COLUMN for missing columns. */
  protected async syncTables(client: SqlClient, tables: readonly TableSchema[], withIndexes: boolean): Promise<void> {
    const complete = tables.filter((t) => this.completeColumns(t).length > 0);
    if (complete.length === 0) return;
    const storage = await this.readStorageColumns(client, complete.map((t) => t.name));
    const work = complete.map((table) => {
      const existing = storage.get(this.capabilities.casefoldIdentifier(table.name));
      return { table, existing, statements: this.tableSql(client, table, existing, withIndexes) };
    });
    for (const { table, existing, statements } of work) {
      try {
        for (const statement of statements) await client.execute(statement);
      } catch (error) {
        // The database's text rarely names the table ("tables can have at most 1600 columns").
        const verb = existing ? "alter" : "create";
        throw withErrorContext(error, `Cannot ${verb} table "${table.name}" in dataset "${client.datasetName}"`);
      }
    }
  }

  /** The DDL that brings `existing` (undefined: no table) up to `table`. */
  protected tableSql(client: SqlClient, table: TableSchema, existing: Map<string, ColumnSchema> | undefined, withIndexes: boolean): string[] {
    this.checkIdentifier(table.name, "table", table);
    const name = client.makeQualifiedTableName(table.name);
    const columns = this.completeColumns(table);
    if (!existing) {
      const defs = columns.map((c) => this.columnSql(client, c, table, { withIndexes, alter: false }));
      return [`CREATE TABLE ${name} (\n  ${defs.join(",\n  ")}\n)`, ...(withIndexes ? this.indexSql(client, table, columns, name) : [])];
    }
    const missing = columns.filter((c) => !existing.has(this.capabilities.casefoldIdentifier(c.name)));
    if (missing.length === 0) return [];
    const defs = missing.map((c) => this.columnSql(client, c, table, { withIndexes, alter: true }));
    return [...this.addColumnsSql(name, defs), ...(withIndexes ? this.indexSql(client, table, missing, name) : [])];
  }

  /**
   * ALTER TABLE statements adding column definitions `defs` to `qualifiedName`.
   * Default: `ADD COLUMN` per column, all in one statement when `capabilities.alterAddMultiColumn`.
   */
  protected addColumnsSql(qualifiedName: string, defs: string[]): string[] {
    const adds = defs.map((d) => `ADD COLUMN ${d}`);
    return this.capabilities.alterAddMultiColumn ? [`ALTER TABLE ${qualifiedName}\n  ${adds.join(",\n  ")}`] : adds.map((a) => `ALTER TABLE ${qualifiedName} ${a}`);
  }

  /**
   * One column definition. NOT NULL only on new tables: a column added to a
   * table that has rows cannot be filled for them, so it is created nullable.
   */
  protected columnSql(client: SqlClient, column: ColumnSchema, table: TableSchema, opts: { withIndexes: boolean; alter: boolean }): string {
    this.checkIdentifier(column.name, "column", table);
    const parts = [client.escapeColumnName(column.name), this.typeMapper.toDestinationType(column, table)];
    if (column.nullable === false && !opts.alter) parts.push("NOT NULL");
    if (opts.withIndexes && column.unique) parts.push("UNIQUE");
    return parts.join(" ");
  }

  /** Index statements for the given (new) columns of a destination table. Default: none (UNIQUE is part of the column). */
  protected indexSql(_client: SqlClient, _table: TableSchema, _columns: ColumnSchema[], _qualifiedName: string): string[] {
    return [];
  }

  /** Identifiers longer than the destination allows would be cut silently by some databases: fail clearly instead. */
  protected checkIdentifier(identifier: string, kind: "table" | "column", table: TableSchema): void {
    const folded = this.capabilities.casefoldIdentifier(identifier);
    const max = kind === "table" ? this.capabilities.maxIdentifierLength : this.capabilities.maxColumnIdentifierLength;
    const length = Buffer.byteLength(folded);
    if (length > max) {
      const where = kind === "table" ? `Table name "${identifier}"` : `Column name "${identifier}" of table "${table.name}"`;
      throw new DestinationTerminalException(
        `${where} is ${length} bytes long; this destination allows at most ${max}. Use a naming convention that shortens identifiers to the destination's limit.`,
      );
    }
  }

  /** Column catalog of `names` in `client`'s dataset: table → column → type. */
  protected async readStorageColumns(client: SqlClient, names: readonly string[]): Promise<StorageTables> {
    const result: StorageTables = new Map();
    if (names.length === 0) return result;
    const folded = [...new Set(names.map((n) => this.capabilities.casefoldIdentifier(n)))];
    const rows = await client.query<StorageColumnRow>(this.storageColumnsSql(client, folded.length), [client.fullyQualifiedDatasetName(false), ...folded]);
    for (const row of rows) {
      let table = result.get(row.table_name);
      if (!table) result.set(row.table_name, (table = new Map()));
      const type = row.data_type.toLowerCase();
      const precision = type.includes("char") ? row.character_maximum_length : type.startsWith("time") ? row.datetime_precision : row.numeric_precision;
      const mapped = this.typeMapper.fromDestinationType(type, numberOrNull(precision), numberOrNull(row.numeric_scale));
      table.set(row.column_name, { name: row.column_name, nullable: row.is_nullable === "YES", ...mapped });
    }
    return result;
  }

  /**
   * Catalog query for `readStorageColumns`: parameters are the dataset name
   * and `count` table names; rows as `StorageColumnRow`. Default:
   * `information_schema.columns`.
   */
  protected storageColumnsSql(_client: SqlClient, count: number): string {
    return (
      "SELECT table_name, column_name, data_type, character_maximum_length, numeric_precision, numeric_scale, datetime_precision, is_nullable " +
      `FROM information_schema.columns WHERE table_schema = %s AND table_name IN (${Array.from({ length: count }, () => "%s").join(", ")}) ` +
      "ORDER BY table_name, ordinal_position"
    );
  }

  private async isSchemaVersionStored(tx: SqlClient): Promise<boolean> {
    const table = this.qualified(VERSION_TABLE_NAME);
    const found = await tx.query(`SELECT 1 AS found FROM ${table} WHERE ${this.col("version_hash")} = %s`, [this.schema.versionHash]);
    return found.length > 0;
  }

  /** Tables of the schema that hold data (system tables of the dataset itself are created by initializeStorage). */
  private schemaDataTables(): TableSchema[] {
    return Object.values(this.schema.tables).filter(
      (t) => t.name !== VERSION_TABLE_NAME && t.name !== LOADS_TABLE_NAME && t.seenData !== false && this.completeColumns(t).length > 0,
    );
  }

  private async insertSchemaVersion(tx: SqlClient): Promise<void> {
    const table = this.qualified(VERSION_TABLE_NAME);
    const cols = ["version", "engine_version", "inserted_at", "schema_name", "version_hash", "schema"].map((c) => this.col(c)).join(", ");
    await tx.execute(`INSERT INTO ${table} (${cols}) VALUES (%s, %s, %s, %s, %s, %s)`, [
      this.schema.version,
      SCHEMA_ENGINE_VERSION,
      new Date(),
      this.schema.name,
      this.schema.versionHash,
      JSON.stringify(this.schema.toStored()),
    ]);
  }

  // ---------------------------------------------------------------- helpers

  private async queryIfExists<R extends SqlRow>(sql: string, params: unknown[]): Promise<R[]> {
    try {
      return await this.sqlClient.query<R>(sql, params);
    } catch (error) {
      if (error instanceof DatabaseUndefinedRelation) return [];
      throw error;
    }
  }

  /** The schema's table merged with the update's (the update may hold columns the schema object lacks). */
  private fullTable(name: string, update: TableSchema): TableSchema {
    const known = this.schema.tables[name];
    if (!known) return update;
    return { ...known, ...update, columns: { ...known.columns, ...update.columns } };
  }

  private completeColumns(table: TableSchema): ColumnSchema[] {
    return Object.values(table.columns).filter((c) => c.dataType !== undefined);
  }

  /** The root table and its nested tables that have columns, from the schema. */
  private chainTables(rootName: string): TableSchema[] {
    return this.schema.tableChain(rootName).filter((t) => this.completeColumns(t).length > 0);
  }

  private rootOf(tableName: string): TableSchema {
    if (!this.schema.tables[tableName]) return { name: tableName, columns: {} };
    return this.schema.rootTableOf(tableName);
  }

  private replaceStrategyOf(root: TableSchema): ReplaceStrategy {
    return root.replaceStrategy ?? this.options.replaceStrategy;
  }

  private mergeStrategyOf(root: TableSchema): MergeStrategy {
    return root.mergeStrategy ?? this.options.mergeStrategy;
  }

  private qualified(table: string): string {
    return this.sqlClient.makeQualifiedTableName(table);
  }

  private col(name: string): string {
    return this.sqlClient.escapeColumnName(name);
  }
}

/** The column of `table` named `name` (dlt's column names survive every naming convention but case folding). */
function columnNamed(table: TableSchema, name: string): string | undefined {
  const column = Object.values(table.columns).find((c) => c.dataType !== undefined && c.name.toLowerCase() === name);
  return column?.name;
}

/** The column carrying `hint` (e.g. `rowKey`), else the one named `fallback`. */
function columnWithHint(table: TableSchema, hint: "rowKey" | "parentKey", fallback: string): string | undefined {
  const hinted = Object.values(table.columns).find((c) => c.dataType !== undefined && c[hint] === true);
  return hinted?.name ?? columnNamed(table, fallback);
}

function numberOrNull(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}
