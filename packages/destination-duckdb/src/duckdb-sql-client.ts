import { ResultReturnType, type DuckDBConnection } from "@duckdb/node-api";
import { DatabaseException, DatabaseTransientException, type DestinationCapabilities, type SqlQueryResult } from "@dlt-ts/core";
import { SqlClientBase, type SqlConnection } from "@dlt-ts/sql";
import { duckdbCatalogName, DuckdbDatabase } from "./duckdb-database.js";
import { classifyDuckdbError, duckdbOutOfMemory } from "./duckdb-errors.js";
import { readRows, toDuckdbValue } from "./duckdb-values.js";

/** Options of `DuckdbSqlClient`. */
export interface DuckdbSqlClientOptions {
  /** Default `<dataset>_staging`. */
  stagingDatasetName?: string;
}

interface Session {
  connection?: Promise<DuckDBConnection>;
  /** Resolves when the current lease ends. */
  leased: Promise<void>;
  /** `"dataset",main`: the search path of the connection. */
  searchPath: string;
  searchPathSet: boolean;
}

/** The client's single connection, leased to one caller at a time. */
class DuckdbConnection implements SqlConnection {
  constructor(
    readonly connection: DuckDBConnection,
    private readonly onRelease: () => void,
  ) {}

  async query(sql: string, params?: readonly unknown[]): Promise<SqlQueryResult> {
    const reader = await this.connection.runAndReadAll(sql, params && params.length > 0 ? params.map(toDuckdbValue) : undefined);
    // INSERT, UPDATE and DELETE return one "Count" row: report it as rowCount, not as a row.
    if (reader.returnType !== ResultReturnType.QUERY_RESULT) return { rows: [], rowCount: reader.rowsChanged };
    const rows = readRows(reader);
    return { rows, rowCount: rows.length };
  }

  release(): void {
    this.onRelease();
  }
}

/**
 * SQL client on `@duckdb/node-api`: one connection per client, taken from
 * the database shared by the process (see `DuckdbDatabase`) when first
 * needed and closed by `close()`. The connection serves one caller at a
 * time: a transaction holds it until it ends, other calls wait their turn,
 * so jobs loading side by side run one after another on it (DuckDB
 * parallelizes inside each statement). Sessions use UTC and search
 * `<dataset>, main`; `%s` parameters become `$1, $2, ...`; errors are
 * classified by the kind DuckDB names (see `classifyDuckdbError`).
 *
 * @example
 * const client = new DuckdbSqlClient(duckdbCapabilities(), "github_data", DuckdbDatabase.file("github.duckdb"));
 * await client.query("SELECT type, count(*) AS n FROM events GROUP BY type");
 * await client.close();
 */
export class DuckdbSqlClient extends SqlClientBase {
  /** Shared with the staging and transaction views of this client (they are shallow copies). */
  private readonly session: Session;

  constructor(
    capabilities: DestinationCapabilities,
    datasetName: string,
    readonly database: DuckdbDatabase,
    options: DuckdbSqlClientOptions = {},
  ) {
    super(capabilities, datasetName, { stagingDatasetName: options.stagingDatasetName });
    const searchPath = `${this.fullyQualifiedDatasetName()},main`;
    this.session = { leased: Promise.resolve(), searchPath, searchPathSet: false };
  }

  /**
   * As `classifyDuckdbError`; when DuckDB ran out of memory under the
   * default memory_limit, the limit is raised for the next statement and
   * the error says so (it is transient: the loader retries the job).
   */
  classifyError(error: unknown): DatabaseException {
    const classified = classifyDuckdbError(error);
    if (error === classified) return classified;
    const outOfMemory = duckdbOutOfMemory(classified);
    if (!outOfMemory) return classified;
    const invalidated = outOfMemory === "checkpoint";
    const raise = this.database.outOfMemory();
    const limit = raise
      ? `DuckDB's memory_limit was the default ${raise.from}: raised to ${raise.to} for this database`
      : "DuckDB's memory_limit is the configured one";
    const what = invalidated
      ? `(DuckDB ran out of memory writing the database file, which leaves the database unusable until it is opened again: ` +
        `run the pipeline again to resume the package, with a larger destination.duckdb.memory_limit; ${limit})`
      : raise
        ? `(${limit}, so a retry may fit; set destination.duckdb.memory_limit to choose the limit)`
        : `(${limit}: raise destination.duckdb.memory_limit, or lower threads)`;
    return new DatabaseTransientException(`${classified.message}\n${what}`, { cause: error, dbCode: classified.dbCode });
  }

  /**
   * The dataset's schema, qualified with the database (catalog) when the two
   * share a name (dataset `s` in `s.duckdb`): DuckDB rejects a bare `s` as an
   * ambiguous reference to catalog or schema. The unescaped form stays the
   * bare schema name, as catalog queries compare it with `schema_name`.
   */
  override fullyQualifiedDatasetName(escape = true): string {
    const schema = super.fullyQualifiedDatasetName(escape);
    if (!escape) return schema;
    const catalog = duckdbCatalogName(this.database.path);
    if (catalog.toLowerCase() !== this.capabilities.casefoldIdentifier(this.datasetName).toLowerCase()) return schema;
    return `${this.capabilities.escapeIdentifier(catalog)}.${schema}`;
  }

  override async createDataset(): Promise<void> {
    await this.execute(`CREATE SCHEMA IF NOT EXISTS ${this.fullyQualifiedDatasetName()}`);
  }

  /**
   * The raw connection of the current transaction, for work the SQL text
   * interface cannot do (the appender). Must run inside `transaction()`.
   */
  nativeConnection(): DuckDBConnection {
    const connection = this.txConnection;
    if (!(connection instanceof DuckdbConnection)) throw new DatabaseException("nativeConnection() must run inside transaction()");
    return connection.connection;
  }

  /**
   * After a load job of a file of `fileBytes`, outside a transaction: lets
   * go of what DuckDB keeps of the load, by closing the connection when
   * the database is due to be opened afresh (see
   * {@link DuckdbDatabase.reopenDue}), else by evicting the blocks it wrote
   * (see {@link DuckdbDatabase.releaseCachedBlocks}).
   */
  async releaseAfterLoad(fileBytes: number): Promise<void> {
    if (this.database.reopenDue(fileBytes)) {
      try {
        // Here, not in the close: closing checkpoints too, but synchronously, holding up the event loop for seconds.
        await this.execute("CHECKPOINT");
      } catch {
        // A transaction began elsewhere meanwhile: the close checkpoints instead. The job itself is done either way.
      }
      await this.endConnections();
      return;
    }
    await this.withConnection((connection) => this.database.releaseCachedBlocks((connection as DuckdbConnection).connection));
  }

  protected async acquireConnection(): Promise<SqlConnection> {
    // Wait for the caller before us, then hold the connection until release().
    const session = this.session;
    const previous = session.leased;
    let release!: () => void;
    session.leased = new Promise<void>((resolve) => (release = resolve));
    await previous;
    try {
      const connection = await this.openConnection();
      await this.database.applyRaisedMemoryLimit(connection);
      await this.setSearchPath(connection);
      return new DuckdbConnection(connection, release);
    } catch (error) {
      release();
      throw error;
    }
  }

  protected async endConnections(): Promise<void> {
    const session = this.session;
    const opening = session.connection;
    if (!opening) return;
    session.connection = undefined;
    // A connection opened after this one needs its own.
    session.searchPathSet = false;
    await session.leased;
    let connection: DuckDBConnection;
    try {
      connection = await opening;
    } catch {
      return;
    }
    this.database.disconnect(connection);
  }

  private openConnection(): Promise<DuckDBConnection> {
    const session = this.session;
    if (session.connection) return session.connection;
    const opening = this.database.connect().then(async (connection) => {
      try {
        await connection.run("SET SESSION TimeZone = 'UTC'");
      } catch (error) {
        this.database.disconnect(connection);
        throw error;
      }
      return connection;
    });
    session.connection = opening;
    opening.catch(() => {
      if (session.connection === opening) session.connection = undefined;
    });
    return opening;
  }

  /** Unqualified names resolve in the dataset once it exists (DuckDB rejects a search path naming a missing schema). */
  private async setSearchPath(connection: DuckDBConnection): Promise<void> {
    const session = this.session;
    if (session.searchPathSet) return;
    try {
      await connection.run(`SET SESSION search_path = ${this.capabilities.escapeLiteral(session.searchPath)}`);
      session.searchPathSet = true;
    } catch {
      // The dataset does not exist yet; the next lease tries again.
    }
  }
}
