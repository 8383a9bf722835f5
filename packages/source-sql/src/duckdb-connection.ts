import * as path from "node:path";
import type { ConnectionStringCredentials, DataItem } from "@dlt-ts/core";
import { DuckdbDialect } from "./duckdb-dialect.js";
import { classifyDuckdbSourceError } from "./duckdb-errors.js";
import { duckdbValueConverter, type DuckdbTypeLike } from "./duckdb-values.js";
import { InformationSchemaCatalog } from "./information-schema-catalog.js";
import type { CatalogColumn, CatalogTable, SourceConnection, SqlQuery } from "./source-connection.js";
import { DriverNotInstalledException, SqlSourceOptionsException } from "./sql-source-exceptions.js";

/** A chunk of a streamed result (structural subset of `DuckDBDataChunk`): column-major values. */
export interface DuckdbChunkLike {
  readonly rowCount: number;
  getColumns(): unknown[][];
}

/** A streamed result (structural subset of `DuckDBResult`). */
export interface DuckdbResultLike {
  columnNames(): string[];
  columnTypes(): DuckdbTypeLike[];
  /** The next chunk (about 2048 rows); null or empty at the end. */
  fetchChunk(): Promise<DuckdbChunkLike | null>;
}

/** A connection (structural subset of `DuckDBConnection`). */
export interface DuckdbConnectionLike {
  stream(sql: string, values?: never[]): Promise<DuckdbResultLike>;
  runAndReadAll(sql: string, values?: never[]): Promise<{ getRowObjectsJS(): Record<string, unknown>[] }>;
  closeSync(): void;
}

/** A database instance (structural subset of `DuckDBInstance`). */
export interface DuckdbInstanceLike {
  connect(): Promise<DuckdbConnectionLike>;
  closeSync(): void;
}

/** The part of `@duckdb/node-api` used here. */
export interface DuckdbModule {
  DuckDBInstance: { create(path?: string, options?: Record<string, string>): Promise<DuckdbInstanceLike> };
}

/** `@duckdb/node-api`, loaded when a DuckDB source is first read (an optional peer dependency). */
export function loadDuckdbModule(): DuckdbModule {
  try {
    return require("@duckdb/node-api") as DuckdbModule;
  } catch (error) {
    throw new DriverNotInstalledException("DuckDB", ["@duckdb/node-api"], error);
  }
}

/**
 * A DuckDB source connection: the database file opened read-only (other
 * readers may share it; a writer holding it makes the open fail with a lock
 * error, which is transient), catalog through `information_schema` of the
 * file's own catalog, rows from a streamed result chunk by chunk.
 */
export class DuckdbConnection implements SourceConnection {
  readonly dialect = new DuckdbDialect();
  private readonly catalog: InformationSchemaCatalog;

  constructor(
    private readonly instance: DuckdbInstanceLike,
    private readonly connection: DuckdbConnectionLike,
    /** The database as printed, for messages. */
    private readonly where: string,
  ) {
    this.catalog = new InformationSchemaCatalog((sql, params) => this.query(sql, params), (i) => `$${i}`, " AND t.table_catalog = current_database()");
  }

  /**
   * Opens the file `duckdb:///relative/path.duckdb` or
   * `duckdb:////absolute/path.duckdb` names (relative to the working directory).
   */
  static async open(credentials: ConnectionStringCredentials, module: DuckdbModule = loadDuckdbModule()): Promise<DuckdbConnection> {
    const database = credentials.database;
    const where = String(credentials);
    if (!database || database === ":memory:") {
      throw new SqlSourceOptionsException(`${where}: a DuckDB source reads a database file: duckdb:///relative/path.duckdb or duckdb:////absolute/path.duckdb`);
    }
    let instance: DuckdbInstanceLike | undefined;
    try {
      instance = await module.DuckDBInstance.create(path.resolve(database), { access_mode: "READ_ONLY" });
      return new DuckdbConnection(instance, await instance.connect(), where);
    } catch (error) {
      instance?.closeSync();
      throw classifyDuckdbSourceError(error, `Opening ${where}`);
    }
  }

  async currentSchema(): Promise<string> {
    const rows = await this.query("SELECT current_schema() AS schema", []);
    return String(rows[0]?.schema ?? "main");
  }

  listTables(schema: string, includeViews: boolean): Promise<string[]> {
    return this.catalog.listTables(schema, includeViews);
  }

  reflectTables(schema: string, tables: readonly string[]): Promise<CatalogTable[]> {
    return this.catalog.reflectTables(schema, tables);
  }

  async *streamRows(query: SqlQuery, _columns: readonly CatalogColumn[], chunkSize: number): AsyncGenerator<DataItem[]> {
    const fail = (error: unknown) => classifyDuckdbSourceError(error, `Reading from ${this.where}`);
    let result: DuckdbResultLike;
    try {
      result = await this.connection.stream(query.sql, query.params as never[]);
    } catch (error) {
      throw fail(error);
    }
    const names = result.columnNames();
    const converters = result.columnTypes().map(duckdbValueConverter);
    let page: DataItem[] = [];
    for (;;) {
      let chunk: DuckdbChunkLike | null;
      try {
        chunk = await result.fetchChunk();
      } catch (error) {
        throw fail(error);
      }
      if (!chunk || chunk.rowCount === 0) break;
      const columns = chunk.getColumns();
      for (let r = 0; r < chunk.rowCount; r++) {
        const row: DataItem = {};
        for (let c = 0; c < names.length; c++) {
          const value = columns[c]![r];
          row[names[c]!] = value === null || value === undefined ? null : converters[c]!(value);
        }
        page.push(row);
        if (page.length === chunkSize) {
          yield page;
          page = [];
        }
      }
    }
    if (page.length > 0) yield page;
  }

  async close(): Promise<void> {
    try {
      this.connection.closeSync();
    } finally {
      this.instance.closeSync();
    }
  }

  private async query(sql: string, params: unknown[]): Promise<Record<string, unknown>[]> {
    try {
      return (await this.connection.runAndReadAll(sql, params as never[])).getRowObjectsJS();
    } catch (error) {
      throw classifyDuckdbSourceError(error, `Reading the catalog of ${this.where}`);
    }
  }
}
