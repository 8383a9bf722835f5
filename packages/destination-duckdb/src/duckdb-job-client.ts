import type { LoadJob, LoadJobRequest, Schema } from "@dlt-ts/core";
import { SqlJobClientBase, type SqlJobClientOptions } from "@dlt-ts/sql";
import { DuckdbFileLoadJob } from "./duckdb-file-load-job.js";
import { DuckdbInsertValuesLoadJob } from "./duckdb-insert-job.js";
import type { DuckdbSqlClient } from "./duckdb-sql-client.js";
import { DuckdbTypeMapper } from "./duckdb-type-mapper.js";

/**
 * The DuckDB job client: the SQL job client with jsonl, csv and parquet
 * files read by DuckDB itself (`DuckdbFileLoadJob`) and insert_values run as
 * INSERT statements (`DuckdbInsertValuesLoadJob`). Merge and replace go through the `<dataset>_staging`
 * schema of the same database file.
 */
export class DuckdbJobClient extends SqlJobClientBase {
  constructor(schema: Schema, sqlClient: DuckdbSqlClient, options: SqlJobClientOptions = {}) {
    super(schema, sqlClient, new DuckdbTypeMapper(sqlClient.capabilities), options);
  }

  protected override createFormatLoadJob(request: LoadJobRequest, format: string): LoadJob | undefined {
    if (format === "jsonl" || format === "csv" || format === "parquet") return new DuckdbFileLoadJob(this, request, this.typeMapper);
    if (format === "insert_values") return new DuckdbInsertValuesLoadJob(this, request, this.typeMapper);
    return undefined;
  }
}
