import { checkOptionNames } from "@dlt-ts/core";
import { resource, type DltResource } from "dlt-ts";
import { resolveSqlCredentials, type SqlConfigScope, type SqlCredentialsInput } from "./sql-database-configuration.js";
import { sourceDriver, withConnection } from "./source-driver.js";
import { SqlSourceOptionsException, TableNotFoundException } from "./sql-source-exceptions.js";
import { checkTableOptions, TABLE_RESOURCE_OPTION_NAMES, tableResource, type TableResourceOptions } from "./table-resource.js";

/** Options of {@link sqlTable}. */
export interface SqlTableOptions extends TableResourceOptions {
  /** The table (or view) to read. Required. */
  table: string;
  /** Its schema. Default: the connection's current schema (`public`, `main`, `dbo`). */
  schema?: string;
  /**
   * `postgresql://user:pw@host:5432/db`, `duckdb:///path/file.duckdb`
   * (`duckdb:////absolute/path`), `mssql://user:pw@host:1433/db`, field
   * values, or a `ConnectionStringCredentials`. Default: config
   * `sources.sql_database.credentials` (env `SOURCES__SQL_DATABASE__CREDENTIALS`,
   * `.dlt/secrets.toml`).
   */
  credentials?: SqlCredentialsInput;
}

const OPTION_NAMES = [...TABLE_RESOURCE_OPTION_NAMES, "table", "schema", "credentials"];

/**
 * A resource that reads one table of Postgres, DuckDB or SQL Server, as
 * dlt's `sql_table`: named after the table, its column types, nullability
 * and primary key taken from the catalog as hints (numeric stays an exact
 * decimal, int8 beyond 2^53 a bigint, timestamps keep microseconds). Rows
 * stream from a server-side cursor in pages of `chunkSize`; an incremental's
 * range goes into the query's WHERE and ORDER BY.
 *
 * The credentials are resolved and the table reflected when a pipeline is
 * about to extract it (before any row is read), once per run: a missing
 * secret or table fails there. Awaiting the result (as in earlier versions)
 * still works.
 *
 * @example
 * const contacts = sqlTable({ table: "contacts", incremental: incremental({ cursorPath: "updated_at" }), chunkSize: 10_000 });
 * await pipeline({ pipelineName: "crm_push", destination: MyApi }).run(contacts);
 * @throws ConfigFieldMissingException when no credentials are given or configured
 * @throws TableNotFoundException when the table is not in the schema
 */
export function sqlTable(options: SqlTableOptions): DltResource {
  checkOptionNames(options, OPTION_NAMES, "sqlTable(options)");
  if (typeof options.table !== "string" || options.table === "") {
    throw new SqlSourceOptionsException("sqlTable(options): table is required (the name of the table to read)");
  }
  checkTableOptions(options, "sqlTable(options)");
  // Named now (the pipeline needs a name); described once the catalog answers.
  return resource([], { name: options.name ?? options.table, deferred: (scope) => reflectedTable(options, scope) });
}

/** The table reflected from the catalog, as a resource with its column hints. */
async function reflectedTable(options: SqlTableOptions, scope: SqlConfigScope): Promise<DltResource> {
  const driver = sourceDriver(await resolveSqlCredentials(options.credentials, scope));
  return withConnection(driver, async (connection) => {
    const schema = options.schema ?? (await connection.currentSchema());
    const [table] = await connection.reflectTables(schema, [options.table]);
    if (!table) throw new TableNotFoundException(schema, options.table, driver.where, await connection.listTables(schema, true));
    const { table: _table, schema: _schema, credentials: _credentials, ...resourceOptions } = options;
    return tableResource(driver, connection.dialect, table, resourceOptions);
  });
}
