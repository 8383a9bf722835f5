import { createRequire } from "node:module";
import mssql from "mssql";
import type { MssqlEncrypt } from "./mssql-credentials.js";

/*
 * The structural subset of `mssql` and `tedious` this package codes against,
 * so tests can pass a fake pool. `mssql` supplies the pool (tarn, config,
 * connect); each leased connection is a raw tedious Connection, used directly
 * because only tedious streams a bulk load from an async iterable (mssql's
 * Table buffers every row) and only a plain SQL batch keeps `#temp` tables
 * alive between statements (sp_executesql scopes them to one call).
 */

/** A tedious data type (`TYPES.NVarChar`, ...), or one of this package's own with the same shape. */
export interface TediousDataTypeLike {
  readonly name: string;
  readonly id?: number;
}

/** Length, precision and scale of a parameter or bulk load column. `length: Infinity` means (max). */
export interface TediousTypeOptions {
  length?: number;
  precision?: number;
  scale?: number;
}

/** One value of a result row, as tedious reports it (`useColumnNames: false`). */
export interface TediousColumnValueLike {
  value: unknown;
  metadata: { colName: string; type?: { name?: string }; dataLength?: number };
}

/** A tedious Request. */
export interface TediousRequestLike {
  addParameter(name: string, type: TediousDataTypeLike, value?: unknown, options?: TediousTypeOptions): void;
  on(event: "row", listener: (columns: TediousColumnValueLike[]) => void): unknown;
}

/** A tedious BulkLoad. */
export interface TediousBulkLoadLike {
  addColumn(name: string, type: TediousDataTypeLike, options: TediousTypeOptions & { nullable: boolean }): void;
  /** 0: no timeout. */
  setTimeout(timeout: number): void;
  getBulkInsertSql(): string;
}

/** Options of `Connection.newBulkLoad`. */
export interface TediousBulkLoadOptions {
  checkConstraints?: boolean;
  fireTriggers?: boolean;
  keepNulls?: boolean;
  lockTable?: boolean;
}

export type TediousCallback = (error: Error | null | undefined, rowCount?: number) => void;

/** A tedious Connection, as `mssql`'s pool hands it out. */
export interface TediousConnectionLike {
  execSql(request: TediousRequestLike): void;
  execSqlBatch(request: TediousRequestLike): void;
  newBulkLoad(table: string, options: TediousBulkLoadOptions, callback: TediousCallback): TediousBulkLoadLike;
  execBulkLoad(bulkLoad: TediousBulkLoadLike, rows: AsyncIterable<unknown[]> | Iterable<unknown[]>): void;
  close(): void;
  readonly closed?: boolean;
  /** Set by mssql's pool when the socket failed; the pool then destroys the connection. */
  hasError?: boolean;
}

/** The parts of the tedious module used here. */
export interface TediousModuleLike {
  Request: new (sql: string, callback: TediousCallback) => TediousRequestLike;
  TYPES: Record<string, TediousDataTypeLike>;
}

/** A pool of tedious connections (structural subset of `mssql.ConnectionPool`). */
export interface MssqlPoolLike {
  connect(): Promise<unknown>;
  /** Leases a raw tedious connection; `requester` only labels it in mssql's diagnostics. */
  acquire(requester: object): Promise<TediousConnectionLike>;
  release(connection: TediousConnectionLike): unknown;
  close(): Promise<unknown>;
  on(event: "error", listener: (error: Error) => void): unknown;
}

/** What the SQL client needs to open connections; `MssqlCredentials` has this shape. */
export interface MssqlConnectionParams {
  host: string;
  port?: number;
  database: string;
  username: string;
  password?: string;
  /** Seconds. Default 30. */
  connectTimeout?: number;
  /** Default true. */
  encrypt?: MssqlEncrypt;
  /** Default false. */
  trustServerCertificate?: boolean;
}

/** Creates a pool for connection parameters; tests pass their own. */
export type MssqlPoolFactory = (params: MssqlConnectionParams, poolSize: number) => MssqlPoolLike;

let tediousModule: TediousModuleLike | undefined;

/**
 * The tedious module `mssql` itself loads: resolved from mssql's location so
 * Requests and data types always come from the copy that made the connections.
 */
export function loadTedious(): TediousModuleLike {
  if (!tediousModule) tediousModule = createRequire(require.resolve("mssql"))("tedious") as TediousModuleLike;
  return tediousModule;
}

/**
 * The `mssql` connection pool: UTC dates, no request timeout (loads and
 * merges may run long; a broken connection still fails at once),
 * `appName` "dlt-ts", at most `poolSize` connections.
 */
export function createMssqlPool(params: MssqlConnectionParams, poolSize = 10): MssqlPoolLike {
  const pool = new mssql.ConnectionPool({
    server: params.host,
    port: params.port ?? 1433,
    database: params.database,
    user: params.username,
    password: params.password,
    connectionTimeout: (params.connectTimeout ?? 30) * 1000,
    requestTimeout: 0,
    pool: { max: poolSize, min: 0 },
    options: {
      // tedious takes "strict" too (TDS 8.0); @types/mssql only knows booleans.
      encrypt: (params.encrypt ?? true) as boolean,
      trustServerCertificate: params.trustServerCertificate ?? false,
      useUTC: true,
      appName: "dlt-ts",
    },
  });
  return pool as unknown as MssqlPoolLike;
}
