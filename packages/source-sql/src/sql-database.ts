import { checkOptionNames, type LoaderFileFormat } from "@dlt-ts/core";
import { source, type DltSource } from "dlt-ts";
import type { ReflectionLevel } from "./source-connection.js";
import { sourceDriver, withConnection } from "./source-driver.js";
import { resolveSqlCredentials, type SqlConfigScope, type SqlCredentialsInput } from "./sql-database-configuration.js";
import { SqlSourceOptionsException, TableNotFoundException } from "./sql-source-exceptions.js";
import { checkTableOptions, tableResource } from "./table-resource.js";

/** Options of {@link sqlDatabase}. */
export interface SqlDatabaseOptions {
  /** As `sqlTable`'s. Default: config `sources.sql_database.credentials`. */
  credentials?: SqlCredentialsInput;
  /** The schema to read. Default: the connection's current schema (`public`, `main`, `dbo`). */
  schema?: string;
  /** The tables (or views) to read, one resource each, in this order. Default: every table of the schema, by name. */
  tableNames?: string[];
  /** Also read the schema's views when `tableNames` is not given (named views are always read). Default false (as dlt). */
  includeViews?: boolean;
  /** Rows per page. Default 1 000 (dlt: 50 000; memory stays flat, see sqlTable's chunkSize). */
  chunkSize?: number;
  /** Default "full" (as dlt). */
  reflectionLevel?: ReflectionLevel;
  /** Source name: the schema name, and the state section of its resources. Default "sql_database" (as dlt). */
  name?: string;
  /** Default: the destination's. */
  maxTableNesting?: number;
  /** Default: the destination's preferred format. */
  loaderFileFormat?: LoaderFileFormat;
}

const OPTION_NAMES = ["credentials", "schema", "tableNames", "includeViews", "chunkSize", "reflectionLevel", "name", "maxTableNesting", "loaderFileFormat"];

/**
 * A source with one resource per table of a database schema, as dlt's
 * `sql_database`: each resource is what {@link sqlTable} makes of its table.
 * The tables are listed and reflected here, in one go.
 *
 * A resource can take hints afterwards, e.g. an incremental:
 * `src.resources.map((r) => (r.name === "deals" ? r.withOptions({ incremental: incremental({ cursorPath: "updated_at" }) }) : r))`
 * (its range is pushed into the query all the same).
 *
 * @example
 * await p.run(sqlDatabase({ tableNames: ["contacts", "deals"] }));
 * @throws ConfigFieldMissingException when no credentials are given or configured
 * @throws TableNotFoundException when a named table is not in the schema
 */
export function sqlDatabase(options: SqlDatabaseOptions = {}): DltSource {
  checkOptionNames(options, OPTION_NAMES, "sqlDatabase(options)");
  checkTableOptions(options, "sqlDatabase(options)");
  if (options.tableNames !== undefined && (!Array.isArray(options.tableNames) || options.tableNames.some((t) => typeof t !== "string"))) {
    throw new SqlSourceOptionsException("sqlDatabase(options): tableNames must be a list of table names");
  }
  // Its tables are known once the catalog answers: the pipeline asks when it is about to extract.
  return source([], { name: options.name ?? "sql_database", deferred: (scope) => reflectedDatabase(options, scope) });
}

/** The source with one resource per table, reflected from the catalog. */
async function reflectedDatabase(options: SqlDatabaseOptions, scope: SqlConfigScope): Promise<DltSource> {
  const driver = sourceDriver(await resolveSqlCredentials(options.credentials, scope));
  const resources = await withConnection(driver, async (connection) => {
    const schema = options.schema ?? (await connection.currentSchema());
    const names = options.tableNames ?? (await connection.listTables(schema, options.includeViews ?? false));
    const tables = new Map((await connection.reflectTables(schema, names)).map((t) => [t.name, t]));
    const missing = names.find((name) => !tables.has(name));
    if (missing !== undefined) throw new TableNotFoundException(schema, missing, driver.where, await connection.listTables(schema, true));
    const tableOptions = {
      ...(options.chunkSize !== undefined ? { chunkSize: options.chunkSize } : {}),
      ...(options.reflectionLevel !== undefined ? { reflectionLevel: options.reflectionLevel } : {}),
      ...(options.loaderFileFormat !== undefined ? { loaderFileFormat: options.loaderFileFormat } : {}),
    };
    return names.map((name) => tableResource(driver, connection.dialect, tables.get(name)!, tableOptions));
  });
  return source(resources, {
    name: options.name ?? "sql_database",
    ...(options.maxTableNesting !== undefined ? { maxTableNesting: options.maxTableNesting } : {}),
  });
}
