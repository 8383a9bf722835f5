import type { DestinationCapabilities } from "./capabilities.js";

/** A result row keyed by column name. */
export type SqlRow = Record<string, unknown>;

/** What a statement returned. */
export interface SqlQueryResult<R extends SqlRow = SqlRow> {
  rows: R[];
  /** Rows the statement affected or returned; 0 when the driver does not say. */
  rowCount: number;
}

/**
 * A connection to a SQL destination, bound to one dataset (a SQL schema).
 * Parameters are written `%s` whatever the driver uses (`%%` is a literal
 * `%`); the client rewrites them. Every driver error comes out classified as
 * DatabaseUndefinedRelation, DatabaseTerminalException or
 * DatabaseTransientException with the driver error as `cause`.
 *
 * @example
 * const client = await destination.sqlClient!();
 * try {
 *   const rows = await client.query<{ n: number }>("SELECT count(*) AS n FROM events WHERE type = %s", ["PushEvent"]);
 * } finally {
 *   await client.close();
 * }
 */
export interface SqlClient {
  readonly capabilities: DestinationCapabilities;
  /** Dataset (SQL schema) the client works in; unqualified names resolve here. */
  readonly datasetName: string;
  /** Dataset used for staging merges and replaces: `<dataset>_staging` by default. */
  readonly stagingDatasetName: string;
  /** True inside `transaction()`. */
  readonly inTransaction: boolean;

  /** Connects (or checks the pool can connect). Calling it again does nothing. */
  open(): Promise<void>;
  /** Closes every connection. The client cannot be used afterwards. */
  close(): Promise<void>;

  createDataset(): Promise<void>;
  hasDataset(): Promise<boolean>;
  /** Drops the dataset with everything in it. */
  dropDataset(): Promise<void>;

  /** Runs one statement. */
  execute<R extends SqlRow = SqlRow>(sql: string, params?: readonly unknown[]): Promise<SqlQueryResult<R>>;
  /** Runs one statement and returns its rows. */
  query<R extends SqlRow = SqlRow>(sql: string, params?: readonly unknown[]): Promise<R[]>;
  /**
   * Runs statements without parameters, joined into as few requests as the
   * max query length allows. Not atomic unless run inside `transaction()`.
   */
  executeMany(statements: readonly string[]): Promise<void>;
  /** Joins fragments (e.g. an INSERT header and VALUES rows) into one statement and runs it. */
  executeFragments(fragments: readonly string[], params?: readonly unknown[]): Promise<SqlQueryResult>;

  /**
   * Runs `fn` on one connection inside a transaction: commits when it
   * resolves, rolls back and rethrows when it throws. `fn` must use the
   * client it receives. Nested calls join the outer transaction.
   */
  transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T>;

  /** A client for the staging dataset, sharing this client's connections (and transaction). */
  withStagingDataset(): SqlClient;

  /** `"dataset"` escaped (or not) and case-folded as the destination stores it. */
  fullyQualifiedDatasetName(escape?: boolean): string;
  /** `"dataset"."table"`. */
  makeQualifiedTableName(table: string, escape?: boolean): string;
  /** A column (or other identifier) escaped and case-folded. */
  escapeColumnName(name: string, escape?: boolean): string;

  truncateTables(...tables: string[]): Promise<void>;
  dropTables(...tables: string[]): Promise<void>;
}
