import type { ColumnSchema, LoadJob, LoadJobRequest, Schema, SqlClient, TableSchema } from "@dlt-ts/core";
import { SqlJobClientBase, type FollowupSqlContext, type SqlJobClientOptions } from "@dlt-ts/loader";
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
