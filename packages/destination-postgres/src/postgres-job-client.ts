import type { ColumnSchema, LoadJob, LoadJobRequest, Schema, SqlClient, TableSchema } from "@dlt-ts/core";
import { SqlJobClientBase, type FollowupSqlContext, type SqlJobClientOptions } from "@dlt-ts/sql";
import { PostgresCsvCopyJob } from "./postgres-copy-job.js";
import { PostgresInsertValuesLoadJob } from "./postgres-insert-job.js";
import type { PostgresSqlClient } from "./postgres-sql-client.js";
import { PostgresTypeMapper } from "./postgres-type-mapper.js";

/**
 * The Postgres job client: the SQL job client with csv loaded through COPY,
 * temp tables dropped at commit, indexes on primary key and root key columns
 * when `createIndexes`, and the `staging-optimized` replace that swaps the
 * staging tables in (`ALTER TABLE ... SET SCHEMA`) instead of copying rows.
 */
export class PostgresJobClient extends SqlJobClientBase {
  constructor(schema: Schema, sqlClient: PostgresSqlClient, options: SqlJobClientOptions = {}) {
    super(schema, sqlClient, new PostgresTypeMapper(sqlClient.capabilities), options);
  }

  override streamsStagedFile(format: string): boolean {
    return format === "csv";
  }

  protected override createFormatLoadJob(request: LoadJobRequest, format: string): LoadJob | undefined {
    if (format === "csv") return new PostgresCsvCopyJob(this, request);
    if (format === "insert_values") return new PostgresInsertValuesLoadJob(this, request);
    return undefined;
  }

  protected override tempTableSql(name: string, select: string): string {
    return `CREATE TEMPORARY TABLE ${name} ON COMMIT DROP AS ${select}`;
  }

  /** A (non-unique) index on the primary key columns and one on the root key, when those columns are new. */
  protected override indexSql(client: SqlClient, table: TableSchema, columns: ColumnSchema[], qualifiedName: string): string[] {
    const added = new Set(columns.map((c) => c.name));
    const all = Object.values(table.columns).filter((c) => c.dataType !== undefined);
    const statements: string[] = [];
    const primary = all.filter((c) => c.primaryKey);
    if (primary.length > 0 && primary.every((c) => added.has(c.name))) {
      statements.push(`CREATE INDEX ON ${qualifiedName} (${primary.map((c) => client.escapeColumnName(c.name)).join(", ")})`);
    }
    for (const column of columns.filter((c) => c.rootKey && !c.unique)) {
      statements.push(`CREATE INDEX ON ${qualifiedName} (${client.escapeColumnName(column.name)})`);
    }
    return statements;
  }

  /**
   * Reads pg_catalog instead of information_schema: its columns view opens
   * every relation it lists (to tell whether a column is updatable) and so
   * waits behind any ACCESS EXCLUSIVE lock in the database, such as a
   * TRUNCATE in another load's transaction.
   */
  protected override storageColumnsSql(_client: SqlClient, count: number): string {
    const names = Array.from({ length: count }, () => "%s").join(", ");
    return (
      "SELECT c.relname AS table_name, a.attname AS column_name, format_type(a.atttypid, NULL) AS data_type, " +
      "CASE WHEN a.atttypid IN (1042, 1043) AND a.atttypmod > 0 THEN a.atttypmod - 4 END AS character_maximum_length, " +
      "CASE WHEN a.atttypid = 1700 AND a.atttypmod > 0 THEN ((a.atttypmod - 4) >> 16) & 65535 END AS numeric_precision, " +
      "CASE WHEN a.atttypid = 1700 AND a.atttypmod > 0 THEN (a.atttypmod - 4) & 65535 END AS numeric_scale, " +
      "CASE WHEN a.atttypid IN (1083, 1114, 1184, 1266) THEN CASE WHEN a.atttypmod >= 0 THEN a.atttypmod ELSE 6 END END AS datetime_precision, " +
      "CASE WHEN a.attnotnull THEN 'NO' ELSE 'YES' END AS is_nullable " +
      "FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace " +
      `WHERE n.nspname = %s AND c.relname IN (${names}) AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND a.attnum > 0 AND NOT a.attisdropped ` +
      "ORDER BY c.relname, a.attnum"
    );
  }

  protected override followupSql(ctx: FollowupSqlContext): string[] {
    const root = ctx.chain[0]!;
    if (root.writeDisposition !== "replace" || (root.replaceStrategy ?? this.options.replaceStrategy) !== "staging-optimized") {
      return super.followupSql(ctx);
    }
    const sql: string[] = [];
    for (const table of ctx.chain) {
      const target = ctx.client.makeQualifiedTableName(table.name);
      const staged = ctx.staging.makeQualifiedTableName(table.name);
      sql.push(`DROP TABLE IF EXISTS ${target}`);
      sql.push(`ALTER TABLE ${staged} SET SCHEMA ${ctx.client.fullyQualifiedDatasetName()}`);
      sql.push(`CREATE TABLE ${staged} (LIKE ${target} INCLUDING ALL)`);
      if (this.options.createIndexes) {
        const columns = Object.values(table.columns).filter((c) => c.dataType !== undefined);
        for (const column of columns.filter((c) => c.unique)) {
          sql.push(`ALTER TABLE ${target} ADD UNIQUE (${ctx.client.escapeColumnName(column.name)})`);
        }
        sql.push(...this.indexSql(ctx.client, table, columns, target));
      }
    }
    return sql;
  }
}
