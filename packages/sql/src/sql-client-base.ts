import {
  DatabaseException,
  DatabaseTransientException,
  type DestinationCapabilities,
  type SqlClient,
  type SqlQueryResult,
  type SqlRow,
} from "@dlt-ts/core";

/** One leased driver connection, as `SqlClientBase` needs it. */
export interface SqlConnection {
  /** Runs a statement already in the driver's parameter style. */
  query(sql: string, params?: readonly unknown[]): Promise<SqlQueryResult>;
  /** Returns the connection; pass the error that broke it so it is discarded, not reused. */
  release(error?: unknown): void;
}

/** Options of `SqlClientBase`. */
export interface SqlClientBaseOptions {
  /** Default: `<datasetName>_staging`. */
  stagingDatasetName?: string;
}

/**
 * Rewrites `%s` placeholders into the driver's style and `%%` into `%`.
 * Without parameters the text is left alone, so `LIKE 'a%'` needs no escaping.
 *
 * @example
 * formatPercentParams("a = %s AND b LIKE 'x%%'", [1], (i) => `$${i + 1}`); // "a = $1 AND b LIKE 'x%'"
 */
export function formatPercentParams(sql: string, params: readonly unknown[] | undefined, placeholder: (index: number) => string): string {
  if (!params || params.length === 0) return sql;
  let index = 0;
  const out = sql.replace(/%([s%])/g, (_match, kind: string) => (kind === "%" ? "%" : placeholder(index++)));
  if (index !== params.length) {
    throw new DatabaseException(`Statement has ${index} %s placeholder(s) but ${params.length} parameter(s) were given`);
  }
  return out;
}

/** Mutable state shared by a client and the views made from it (staging, transaction). */
interface SharedState {
  open: boolean;
  closed: boolean;
}

/**
 * Base of SQL clients. A driver package implements four things:
 * `acquireConnection()` (a pooled or single connection), `endConnections()`,
 * `classifyError()` (one function mapping native errors to core's taxonomy)
 * and, when its placeholders are not `$1, $2, ...`, `placeholder()`.
 *
 * Defaults: datasets are SQL schemas (`CREATE SCHEMA` / `DROP SCHEMA ... CASCADE`,
 * looked up in `information_schema.schemata`); identifiers are case-folded by
 * `capabilities.casefoldIdentifier` and quoted by `capabilities.escapeIdentifier`;
 * `executeMany` joins statements with `;\n` up to `capabilities.maxQueryLength`;
 * transactions use `BEGIN` / `COMMIT` / `ROLLBACK` (hooks `beginTransaction`,
 * `commitTransaction`, `rollbackTransaction` for dialects that differ).
 */
/** SQL text that starts a transaction of its own. */
const OPENS_TRANSACTION = /(^|;)\s*(BEGIN|START\s+TRANSACTION)\b/i;

export abstract class SqlClientBase implements SqlClient {
  readonly stagingDatasetName: string;
  /** The connection of the transaction this view runs in; undefined on a pool-level client. */
  protected txConnection: SqlConnection | undefined;
  protected shared: SharedState = { open: false, closed: false };

  constructor(
    readonly capabilities: DestinationCapabilities,
    readonly datasetName: string,
    options: SqlClientBaseOptions = {},
  ) {
    this.stagingDatasetName = options.stagingDatasetName ?? `${datasetName}_staging`;
  }

  /** Leases a connection (session settings such as time zone already applied). */
  protected abstract acquireConnection(): Promise<SqlConnection>;
  /** Closes every connection. */
  protected abstract endConnections(): Promise<void>;
  /**
   * Maps a driver error to DatabaseUndefinedRelation, DatabaseTerminalException
   * or DatabaseTransientException, keeping the driver error as `cause`.
   * Errors that already are DatabaseException pass through. `statement` is
   * the SQL that failed, when known (e.g. to name the column at the error's
   * position).
   */
  abstract classifyError(error: unknown, statement?: string): DatabaseException;

  /** The driver's placeholder for parameter `index` (0-based). Default: `$1`, `$2`, ... */
  protected placeholder(index: number): string {
    return `$${index + 1}`;
  }

  /** Starts a transaction on a leased connection. Default: `BEGIN`. */
  protected async beginTransaction(connection: SqlConnection): Promise<void> {
    await connection.query("BEGIN");
  }

  /** Commits the transaction of `connection`. Default: `COMMIT`. */
  protected async commitTransaction(connection: SqlConnection): Promise<void> {
    await connection.query("COMMIT");
  }

  /** Rolls back the transaction of `connection` after an error. Default: `ROLLBACK`. */
  protected async rollbackTransaction(connection: SqlConnection): Promise<void> {
    await connection.query("ROLLBACK");
  }

  get inTransaction(): boolean {
    return this.txConnection !== undefined;
  }

  async open(): Promise<void> {
    if (this.shared.open) return;
    if (this.shared.closed) throw new DatabaseException("The SQL client was closed and cannot be reopened");
    const connection = await this.acquireConnection();
    connection.release();
    this.shared.open = true;
  }

  async close(): Promise<void> {
    if (this.shared.closed) return;
    this.shared.closed = true;
    this.shared.open = false;
    await this.endConnections();
  }

  async createDataset(): Promise<void> {
    await this.execute(`CREATE SCHEMA ${this.fullyQualifiedDatasetName()}`);
  }

  async hasDataset(): Promise<boolean> {
    const rows = await this.query("SELECT 1 AS found FROM information_schema.schemata WHERE schema_name = %s", [
      this.fullyQualifiedDatasetName(false),
    ]);
    return rows.length > 0;
  }

  async dropDataset(): Promise<void> {
    await this.execute(`DROP SCHEMA IF EXISTS ${this.fullyQualifiedDatasetName()} CASCADE`);
  }

  async execute<R extends SqlRow = SqlRow>(sql: string, params?: readonly unknown[]): Promise<SqlQueryResult<R>> {
    const text = formatPercentParams(sql, params, (i) => this.placeholder(i));
    return this.withConnection((connection) => connection.query(text, params), text) as Promise<SqlQueryResult<R>>;
  }

  async query<R extends SqlRow = SqlRow>(sql: string, params?: readonly unknown[]): Promise<R[]> {
    return (await this.execute<R>(sql, params)).rows;
  }

  async executeMany(statements: readonly string[]): Promise<void> {
    const limit = this.capabilities.maxQueryLength;
    const measure = this.capabilities.isMaxQueryLengthInBytes ? (s: string) => Buffer.byteLength(s) : (s: string) => s.length;
    let batch: string[] = [];
    let size = 0;
    const flush = async () => {
      if (batch.length === 0) return;
      await this.execute(batch.join(";\n"));
      batch = [];
      size = 0;
    };
    for (const raw of statements) {
      const statement = raw.trim().replace(/;+$/, "");
      if (!statement) continue;
      const length = measure(statement) + 2;
      if (size + length > limit) await flush();
      batch.push(statement);
      size += length;
    }
    await flush();
  }

  async executeFragments(fragments: readonly string[], params?: readonly unknown[]): Promise<SqlQueryResult> {
    return this.execute(fragments.join(""), params);
  }

  async transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T> {
    if (this.txConnection) return fn(this);
    const connection = await this.lease();
    const tx = this.view({ txConnection: connection });
    let broken: unknown;
    let fromFn = false;
    try {
      await this.beginTransaction(connection);
      fromFn = true;
      const result = await fn(tx);
      fromFn = false;
      await this.commitTransaction(connection);
      return result;
    } catch (error) {
      const classified = this.classifyError(error);
      if (classified instanceof DatabaseTransientException) broken = error;
      try {
        await this.rollbackTransaction(connection);
      } catch (rollbackError) {
        broken = rollbackError;
      }
      // As documented: fn's own error is rethrown as it is (the client's errors in it are classified
      // already); BEGIN and COMMIT failures are the driver's, classified here.
      throw fromFn ? error : classified;
    } finally {
      connection.release(broken);
    }
  }

  withStagingDataset(): SqlClient {
    return this.view({ datasetName: this.stagingDatasetName });
  }

  fullyQualifiedDatasetName(escape = true): string {
    const name = this.capabilities.casefoldIdentifier(this.datasetName);
    return escape ? this.capabilities.escapeIdentifier(name) : name;
  }

  makeQualifiedTableName(table: string, escape = true): string {
    const name = this.capabilities.casefoldIdentifier(table);
    return `${this.fullyQualifiedDatasetName(escape)}.${escape ? this.capabilities.escapeIdentifier(name) : name}`;
  }

  escapeColumnName(name: string, escape = true): string {
    const folded = this.capabilities.casefoldIdentifier(name);
    return escape ? this.capabilities.escapeIdentifier(folded) : folded;
  }

  async truncateTables(...tables: string[]): Promise<void> {
    const verb = this.capabilities.supportsTruncateCommand ? "TRUNCATE TABLE" : "DELETE FROM";
    await this.executeMany(tables.map((t) => `${verb} ${this.makeQualifiedTableName(t)}`));
  }

  async dropTables(...tables: string[]): Promise<void> {
    await this.executeMany(tables.map((t) => `DROP TABLE IF EXISTS ${this.makeQualifiedTableName(t)}`));
  }

  /** Runs `fn` on the transaction's connection, or on a leased one released afterwards. `statement`: the SQL it runs, for error messages. */
  protected async withConnection<T>(fn: (connection: SqlConnection) => Promise<T>, statement?: string): Promise<T> {
    if (this.txConnection) {
      try {
        return await fn(this.txConnection);
      } catch (error) {
        throw this.classifyError(error, statement);
      }
    }
    const connection = await this.lease();
    let broken: unknown;
    try {
      return await fn(connection);
    } catch (error) {
      const classified = this.classifyError(error, statement);
      // A transient error usually means the connection itself is gone: do not hand it out again.
      if (classified instanceof DatabaseTransientException) broken = error;
      else if (statement !== undefined && OPENS_TRANSACTION.test(statement)) {
        // Text that opened its own transaction (`BEGIN; ...; COMMIT` through executeMany) and failed
        // midway leaves the connection inside an aborted transaction: end it before the pool hands
        // the connection out again, or drop the connection when that fails.
        try {
          await this.rollbackTransaction(connection);
        } catch (rollbackError) {
          broken = rollbackError;
        }
      }
      throw classified;
    } finally {
      connection.release(broken);
    }
  }

  private async lease(): Promise<SqlConnection> {
    if (this.shared.closed) throw new DatabaseException("The SQL client is closed");
    try {
      return await this.acquireConnection();
    } catch (error) {
      throw this.classifyError(error);
    }
  }

  /** A shallow copy sharing connections and state, with some fields replaced. */
  protected view(overrides: { datasetName?: string; txConnection?: SqlConnection }): this {
    const copy = Object.create(Object.getPrototypeOf(this) as object) as this;
    Object.assign(copy, this, overrides);
    return copy;
  }
}
