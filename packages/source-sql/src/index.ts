/*
 * @dlt-ts/source-sql: tables of Postgres, DuckDB and SQL Server as dlt-ts
 * resources. Everything here is public API; what is not named here is internal.
 */

export { sqlTable, type SqlTableOptions } from "./sql-table.js";
export { sqlDatabase, type SqlDatabaseOptions } from "./sql-database.js";
export { DEFAULT_CHUNK_SIZE, type TableResourceOptions } from "./table-resource.js";
export type { ReflectionLevel } from "./source-connection.js";
export { SqlDatabaseConfiguration, type SqlCredentialsInput } from "./sql-database-configuration.js";
export {
  SqlSourceException,
  UnsupportedDriverException,
  DriverNotInstalledException,
  TableNotFoundException,
  CursorColumnException,
  SqlSourceOptionsException,
} from "./sql-source-exceptions.js";
