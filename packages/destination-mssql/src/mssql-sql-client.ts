import { DatabaseException, DatabaseTerminalException, type DestinationCapabilities, type SqlQueryResult, type SqlRow } from "@dlt-ts/core";
import { SqlClientBase, type SqlConnection } from "@dlt-ts/sql";
import { MSSQL_MAX_PARAMETERS, escapeMssqlLiteral } from "./mssql-capabilities.js";
import {
  createMssqlPool,
  loadTedious,
  type MssqlConnectionParams,
  type MssqlPoolFactory,
  type MssqlPoolLike,
  type TediousColumnValueLike,
  type TediousConnectionLike,
  type TediousModuleLike,
} from "./mssql-driver.js";
import { classifyMssqlError } from "./mssql-errors.js";
import type { MssqlColumnWriter } from "./mssql-bulk-columns.js";
import { toTediousParameter, type TypedParameter } from "./mssql-values.js";

/**
 * Parameters a request may carry besides what `sp_executesql` takes for
 * itself (the statement and the parameter list count against SQL Server's 2100).
 */
export const MSSQL_MAX_REQUEST_PARAMETERS = MSSQL_MAX_PARAMETERS - 2;

/** Options of `MssqlSqlClient`. */
export interface MssqlSqlClientOptions {
  /** Connection parameters; required unless `pool` is given. */
  credentials?: MssqlConnectionParams;
  /** A pool to use instead of creating one from `credentials` (tests pass a fake). Closed with the client. */
  pool?: MssqlPoolLike;
  /** Creates the pool from `credentials`. Default: an `mssql` ConnectionPool. */
  poolFactory?: MssqlPoolFactory;
  /** Most connections the pool opens. Default 10. */
  poolSize?: number;
  /** Default `<dataset>_staging`. */
  stagingDatasetName?: string;
  /** The tedious module for Requests and types. Default: the one `mssql` loads. */
  tedious?: TediousModuleLike;
}

/** Session settings of every connection: a failed statement aborts the whole transaction; ISO dates read year first. */
export const MSSQL_SESSION_SQL = "SET XACT_ABORT ON; SET DATEFORMAT ymd;";

/** Bulk load options: constraints checked and triggers fired as INSERT would (then only INSERT permission is needed); NULLs kept. */
const BULK_OPTIONS = { checkConstraints: true, fireTriggers: true, keepNulls: true };

/** bigint values arrive as text from tedious: numbers when exact, else bigints (as the Postgres client does). */
function readValue(column: TediousColumnValueLike): unknown {
  const { value, metadata } = column;
  if (typeof value !== "string") return value;
  const typeName = metadata.type?.name;
  if (typeName === "BigInt" || (typeName === "IntN" && metadata.dataLength === 8)) {
    const n = Number(value);
    return Number.isSafeInteger(n) ? n : BigInt(value);
  }
  return value;
}

/** A leased tedious connection. */
export class MssqlConnection implements SqlConnection {
  constructor(
    readonly native: TediousConnectionLike,
    private readonly tedious: TediousModuleLike,
    private readonly pool: MssqlPoolLike,
  ) {}

  /** Runs `sql`: with parameters through sp_executesql, without as a plain batch (so `#temp` tables outlive it). */
  query(sql: string, params?: readonly unknown[]): Promise<SqlQueryResult> {
    const typed = params?.map((value) => toTediousParameter(value, this.tedious));
    return this.queryTyped(sql, typed);
  }

  /** Runs `sql` with parameters `@p0`, `@p1`, ... of the given tedious types. */
  queryTyped(sql: string, params?: readonly TypedParameter[]): Promise<SqlQueryResult> {
    if (params && params.length > MSSQL_MAX_REQUEST_PARAMETERS) {
      return Promise.reject(
        new DatabaseTerminalException(
          `A statement has ${params.length} parameters; SQL Server takes at most ${MSSQL_MAX_REQUEST_PARAMETERS} per request (2100 with sp_executesql's own two)`,
        ),
      );
    }
    return new Promise((resolve, reject) => {
      const rows: SqlRow[] = [];
      const request = new this.tedious.Request(sql, (error, rowCount) => {
        if (error) reject(error);
        else resolve({ rows, rowCount: rowCount ?? rows.length });
      });
      request.on("row", (columns) => {
        const row: SqlRow = {};
        for (const column of columns) row[column.metadata.colName] = readValue(column);
        rows.push(row);
      });
      if (params && params.length > 0) {
        params.forEach((p, i) => request.addParameter(`p${i}`, p.type, p.value, p.options));
        this.native.execSql(request);
      } else {
        this.native.execSqlBatch(request);
      }
    });
  }

  /** Streams `rows` into `table` with a TDS bulk load (`INSERT BULK`). Resolves to the row count. */
  bulkLoad(table: string, columns: readonly MssqlColumnWriter[], rows: AsyncIterable<unknown[]>): Promise<number> {
    return new Promise((resolve, reject) => {
      const bulk = this.native.newBulkLoad(table, BULK_OPTIONS, (error, rowCount) => {
        if (error) reject(error);
        else resolve(rowCount ?? 0);
      });
      // tedious writes `[name]` without escaping: double `]` here.
      for (const c of columns) bulk.addColumn(c.name.replace(/]/g, "]]"), c.type, { ...c.options, nullable: c.nullable });
      bulk.setTimeout(0);
      this.native.execBulkLoad(bulk, rows);
    });
  }

  release(error?: unknown): void {
    // mssql's pool destroys a connection flagged hasError instead of lending it again.
    if (error !== undefined) this.native.hasError = true;
    this.pool.release(this.native);
  }
}

/**
 * SQL client on `mssql` / tedious: a pool of connections with
 * `XACT_ABORT ON` (an error aborts the whole transaction) and `DATEFORMAT
 * ymd`; `%s` parameters become `@p0, @p1, ...` (typed from the JS values, at
 * most 2098 per request); statements without parameters run as plain batches;
 * transactions are `BEGIN TRANSACTION` / `COMMIT TRANSACTION` /
 * `IF @@TRANCOUNT > 0 ROLLBACK TRANSACTION`; errors are classified by SQL
 * Server error number (see `classifyMssqlError`). Datasets are SQL schemas
 * (`CREATE SCHEMA`, dropped table by table as SQL Server has no CASCADE).
 * `bulkLoad` and `insertRows` load rows inside the current transaction.
 *
 * @example
 * const client = new MssqlSqlClient(mssqlCapabilities(), "github_data", { credentials });
 * await client.createDataset();
 * await client.query("SELECT count(*) AS n FROM [github_data].[events]");
 * await client.close();
 */
export class MssqlSqlClient extends SqlClientBase {
  private readonly pool: MssqlPoolLike;
  private readonly tedious: TediousModuleLike;
  /** Connections whose session is set up; shared with staging and transaction views. */
  private readonly prepared = new WeakSet<object>();
  /** The pool's connect(); an object so staging and transaction views share it. */
  private readonly pooled: { connecting?: Promise<unknown> } = {};

  constructor(capabilities: DestinationCapabilities, datasetName: string, options: MssqlSqlClientOptions) {
    super(capabilities, datasetName, { stagingDatasetName: options.stagingDatasetName });
    if (options.pool) this.pool = options.pool;
    else if (options.credentials) this.pool = (options.poolFactory ?? createMssqlPool)(options.credentials, options.poolSize ?? 10);
    else throw new DatabaseException("MssqlSqlClient needs credentials or a pool");
    this.tedious = options.tedious ?? loadTedious();
    // Without a listener an error of an idle connection would crash the process; the pool drops such connections.
    this.pool.on("error", () => undefined);
  }

  classifyError(error: unknown): DatabaseException {
    return classifyMssqlError(error);
  }

  protected override placeholder(index: number): string {
    return `@p${index}`;
  }

  /** Creates the schema unless it exists (CREATE SCHEMA must be alone in its batch, hence EXEC). */
  override async createDataset(): Promise<void> {
    const name = this.fullyQualifiedDatasetName(false);
    await this.execute(
      `IF SCHEMA_ID(${escapeMssqlLiteral(name)}) IS NULL EXEC(${escapeMssqlLiteral(`CREATE SCHEMA ${this.fullyQualifiedDatasetName()}`)})`,
    );
  }

  override async hasDataset(): Promise<boolean> {
    const rows = await this.query("SELECT 1 AS found FROM sys.schemas WHERE name = %s", [this.fullyQualifiedDatasetName(false)]);
    return rows.length > 0;
  }

  /** Drops the views and tables of the dataset, then the schema. */
  override async dropDataset(): Promise<void> {
    const schema = this.fullyQualifiedDatasetName(false);
    const objects = await this.query<{ name: string; kind: string }>(
      "SELECT TABLE_NAME AS name, TABLE_TYPE AS kind FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = %s",
      [schema],
    );
    const views = objects.filter((o) => o.kind === "VIEW").map((o) => `DROP VIEW IF EXISTS ${this.makeQualifiedTableName(o.name)}`);
    const tables = objects.filter((o) => o.kind !== "VIEW").map((o) => `DROP TABLE IF EXISTS ${this.makeQualifiedTableName(o.name)}`);
    await this.executeMany([...views, ...tables]);
    await this.execute(`DROP SCHEMA IF EXISTS ${this.fullyQualifiedDatasetName()}`);
  }

  /**
   * Streams `rows` into `qualifiedTableName` with a TDS bulk load, inside the
   * current transaction. `columns` must match the table's columns (types,
   * lengths, precision); the table must not change while the load runs.
   */
  async bulkLoad(qualifiedTableName: string, columns: readonly MssqlColumnWriter[], rows: AsyncIterable<unknown[]>): Promise<number> {
    const connection = this.transactionConnection("bulkLoad()");
    try {
      return await connection.bulkLoad(qualifiedTableName, columns, rows);
    } catch (error) {
      throw this.classifyError(error);
    }
  }

  /**
   * Inserts `rows` into `qualifiedTableName` with parameterized multi-row
   * INSERT statements inside the current transaction: at most 1000 rows and
   * 2098 parameters per statement (see {@link parameterBatchSize}).
   * Resolves to the row count.
   */
  async insertRows(qualifiedTableName: string, columns: readonly MssqlColumnWriter[], rows: AsyncIterable<unknown[]>): Promise<number> {
    const connection = this.transactionConnection("insertRows()");
    const perStatement = parameterBatchSize(columns.length, this.capabilities.maxRowsPerInsert);
    let batch: unknown[][] = [];
    let total = 0;
    const flush = async () => {
      if (batch.length === 0) return;
      const { sql, params } = insertStatement(qualifiedTableName, columns, batch, (c) => this.escapeColumnName(c));
      await connection.queryTyped(sql, params);
      total += batch.length;
      batch = [];
    };
    try {
      for await (const row of rows) {
        batch.push(row);
        if (batch.length >= perStatement) await flush();
      }
      await flush();
      return total;
    } catch (error) {
      throw this.classifyError(error);
    }
  }

  protected override async beginTransaction(connection: SqlConnection): Promise<void> {
    await connection.query("BEGIN TRANSACTION");
  }

  protected override async commitTransaction(connection: SqlConnection): Promise<void> {
    await connection.query("COMMIT TRANSACTION");
  }

  /** With XACT_ABORT the server may have rolled back already: only roll back what is still open. */
  protected override async rollbackTransaction(connection: SqlConnection): Promise<void> {
    await connection.query("IF @@TRANCOUNT > 0 ROLLBACK TRANSACTION");
  }

  protected async acquireConnection(): Promise<SqlConnection> {
    if (!this.pooled.connecting) {
      const connecting = this.pool.connect();
      this.pooled.connecting = connecting;
      // A failed connect is retried by the next lease.
      connecting.catch(() => {
        if (this.pooled.connecting === connecting) this.pooled.connecting = undefined;
      });
    }
    await this.pooled.connecting;
    const native = await this.pool.acquire(this);
    const connection = new MssqlConnection(native, this.tedious, this.pool);
    if (!this.prepared.has(native)) {
      try {
        await connection.query(MSSQL_SESSION_SQL);
      } catch (error) {
        connection.release(error);
        throw error;
      }
      this.prepared.add(native);
    }
    return connection;
  }

  protected async endConnections(): Promise<void> {
    // mssql refuses to close a pool that is still connecting.
    if (this.pooled.connecting) await this.pooled.connecting.catch(() => undefined);
    await this.pool.close();
  }

  private transactionConnection(what: string): MssqlConnection {
    const connection = this.txConnection;
    if (!(connection instanceof MssqlConnection)) throw new DatabaseException(`${what} must run inside transaction()`);
    return connection;
  }
}

/**
 * Rows per parameterized INSERT for a table of `columnCount` columns: as
 * many as fit in 2098 parameters, at most `maxRows` (1000, SQL Server's
 * limit for a VALUES list).
 *
 * @example
 * parameterBatchSize(3);  // 699
 * parameterBatchSize(2);  // 1000
 */
export function parameterBatchSize(columnCount: number, maxRows = 1000): number {
  if (columnCount < 1) throw new DatabaseTerminalException("An INSERT needs at least one column");
  const rows = Math.min(maxRows, Math.floor(MSSQL_MAX_REQUEST_PARAMETERS / columnCount));
  if (rows < 1) throw new DatabaseTerminalException(`A table of ${columnCount} columns cannot be inserted with parameters (at most ${MSSQL_MAX_REQUEST_PARAMETERS} per request)`);
  return rows;
}

/**
 * One parameterized multi-row INSERT: `INSERT INTO t ([a], [b]) VALUES (@p0, @p1), (@p2, @p3)`
 * with each value typed by its column's writer.
 */
export function insertStatement(
  qualifiedTableName: string,
  columns: readonly MssqlColumnWriter[],
  rows: readonly unknown[][],
  escapeColumn: (name: string) => string,
): { sql: string; params: TypedParameter[] } {
  const params: TypedParameter[] = [];
  const tuples = rows.map((row) => {
    const placeholders = columns.map((column, i) => {
      params.push({ type: column.type, value: row[i], options: column.options });
      return `@p${params.length - 1}`;
    });
    return `(${placeholders.join(", ")})`;
  });
  const names = columns.map((c) => escapeColumn(c.name)).join(", ");
  return { sql: `INSERT INTO ${qualifiedTableName} (${names}) VALUES ${tuples.join(", ")}`, params };
}
