import type { LoadJob, LoadJobRequest, Schema, SqlClient } from "@dlt-ts/core";
import { SqlJobClientBase, type SqlJobClientOptions } from "@dlt-ts/sql";
import { SqliteCsvLoadJob } from "./sqlite-csv-load-job.js";
import type { SqliteSqlClient } from "./sqlite-sql-client.js";
import { SqliteTypeMapper } from "./sqlite-type-mapper.js";

/**
 * The SQLite job client: everything (DDL from schema updates, `_dlt_version`,
 * `_dlt_loads`, `_dlt_pipeline_state`, job markers, replace and merge through
 * the staging dataset) comes from SqlJobClientBase; SQLite only supplies
 * its csv load job, its catalog query and its temp tables.
 */
export class SqliteJobClient extends SqlJobClientBase {
  constructor(schema: Schema, sqlClient: SqliteSqlClient, options: SqlJobClientOptions = {}) {
    super(schema, sqlClient, new SqliteTypeMapper(sqlClient.capabilities), { createIndexes: false, ...options });
  }

  protected override createFormatLoadJob(request: LoadJobRequest, format: string): LoadJob | undefined {
    return format === "csv" ? new SqliteCsvLoadJob(this, request) : undefined;
  }

  /** Temp tables live in the connection's `temp` schema and go away with it. */
  protected override tempTableSql(name: string, select: string): string {
    return `CREATE TEMP TABLE ${name} AS ${select}`;
  }

  /**
   * SQLite has no information_schema: columns come from `pragma_table_info`
   * of the attached dataset's `sqlite_master`. Parameters are the dataset name
   * (used to check it, the schema is in the SQL text) and the table names.
   */
  protected override storageColumnsSql(client: SqlClient, count: number): string {
    const schema = client.fullyQualifiedDatasetName();
    const names = Array.from({ length: count }, () => "%s").join(", ");
    return (
      "SELECT m.name AS table_name, p.name AS column_name, lower(p.type) AS data_type, " +
      "NULL AS character_maximum_length, NULL AS numeric_precision, NULL AS numeric_scale, NULL AS datetime_precision, " +
      "CASE WHEN p.\"notnull\" THEN 'NO' ELSE 'YES' END AS is_nullable " +
      `FROM ${schema}.sqlite_master AS m JOIN pragma_table_info(m.name, %s) AS p ` +
      `WHERE m.type = 'table' AND m.name IN (${names}) ORDER BY m.name, p.cid`
    );
  }
}
