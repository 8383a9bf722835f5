import { existsSync, mkdirSync, rmSync } from "node:fs";
import * as path from "node:path";
import { Database } from "node-sqlite3-wasm";
import type { DatabaseException, DestinationCapabilities, SqlQueryResult, SqlRow } from "@dlt-ts/core";
import { SqlClientBase, type SqlConnection } from "@dlt-ts/sql";
import { classifySqliteError } from "./sqlite-errors.js";

/** Values the driver binds. */
export type SqliteValue = number | bigint | string | Uint8Array | boolean | null;

/** The part of a SQLite driver this client uses (node-sqlite3-wasm's `Database` has it). */
export interface SqliteDatabaseLike {
  exec(sql: string): void;
  all(sql: string, values?: SqliteValue[]): Record<string, unknown>[];
  run(sql: string, values?: SqliteValue[]): { changes: number };
  prepare(sql: string): { run(values?: SqliteValue[]): unknown; finalize(): void };
  close(): void;
}

/** Opens a database file (created when missing). */
export type SqliteOpener = (file: string) => SqliteDatabaseLike;

/** Options of SqliteSqlClient. */
export interface SqliteSqlClientOptions {
  /** Path of the main database file; datasets are files next to it. */
  database: string;
  /** Default `<dataset>_staging`. */
  stagingDatasetName?: string;
  /** Default: node-sqlite3-wasm's Database. */
  open?: SqliteOpener;
}

/** Statements that return rows (everything else reports changed rows). */
const RETURNS_ROWS = /^\s*(SELECT|WITH|PRAGMA|VALUES|EXPLAIN)\b|\bRETURNING\b/i;

/**
 * The one connection of a client and its views, with a queue so only one
 * caller uses it at a time: the driver is synchronous, but a transaction
 * spans awaits, and nothing else may run on the connection meanwhile.
 */
class ConnectionHolder {
  db: SqliteDatabaseLike | undefined;
  private tail: Promise<void> = Promise.resolve();

  constructor(
    readonly file: string,
    private readonly opener: SqliteOpener,
  ) {}

  /** Waits for the connection; the returned function hands it back. */
  async lock(): Promise<() => void> {
    let release!: () => void;
    const next = new Promise<void>((resolve) => (release = resolve));
    const previous = this.tail;
    this.tail = previous.then(() => next);
    await previous;
    return release;
  }

  open(): SqliteDatabaseLike {
    if (!this.db) {
      mkdirSync(path.dirname(this.file), { recursive: true });
      this.db = this.opener(this.file);
    }
    return this.db;
  }

  close(): void {
    this.db?.close();
    this.db = undefined;
  }
}

/** JS values as the driver binds them: Dates as ISO text, objects as JSON, undefined as NULL. */
function bindable(value: unknown): SqliteValue {
  if (value === undefined || value === null) return null;
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return value;
  if (typeof value === "object") return JSON.stringify(value);
  return value as SqliteValue;
}

/**
 * SQL client for SQLite. A dataset is a database file ATTACHed under the
 * dataset's name: dataset `shop_data` of `data/shop.sqlite` lives in
 * `data/shop__shop_data.sqlite`, so `"shop_data"."orders"` works as in any
 * database with schemas. Errors are classified by `classifySqliteError`.
 */
export class SqliteSqlClient extends SqlClientBase {
  private readonly holder: ConnectionHolder;

  constructor(capabilities: DestinationCapabilities, datasetName: string, options: SqliteSqlClientOptions) {
    super(capabilities, datasetName, options.stagingDatasetName ? { stagingDatasetName: options.stagingDatasetName } : {});
    this.holder = new ConnectionHolder(path.resolve(options.database), options.open ?? openWasmDatabase);
  }

  /** The file holding dataset `name`: `<main file without extension>__<name><extension>`. */
  datasetFile(name: string = this.datasetName): string {
    const main = this.holder.file;
    const ext = path.extname(main);
    const safe = name.replace(/[^A-Za-z0-9_.-]/g, (c) => `%${c.codePointAt(0)!.toString(16)}`);
    return path.join(path.dirname(main), `${path.basename(main, ext)}__${safe}${ext || ".sqlite"}`);
  }

  protected async acquireConnection(): Promise<SqlConnection> {
    const release = await this.holder.lock();
    let db: SqliteDatabaseLike;
    try {
      db = this.holder.open();
      // Datasets created earlier (by this or another connection) are attached on first use.
      for (const name of [this.datasetName, this.stagingDatasetName]) if (existsSync(this.datasetFile(name))) this.attach(db, name);
    } catch (error) {
      release();
      throw error;
    }
    return {
      query: async (sql, params) => runStatement(db, sql, params),
      release: () => release(),
    };
  }

  protected async endConnections(): Promise<void> {
    const release = await this.holder.lock();
    try {
      this.holder.close();
    } finally {
      release();
    }
  }

  classifyError(error: unknown): DatabaseException {
    return classifySqliteError(error);
  }

  protected override placeholder(): string {
    return "?";
  }

  /** BEGIN IMMEDIATE takes the write lock at once, so a transaction never fails half-way on a lock upgrade. */
  protected override async beginTransaction(connection: SqlConnection): Promise<void> {
    await connection.query("BEGIN IMMEDIATE");
  }

  override async createDataset(): Promise<void> {
    await this.withConnection(async () => this.attach(this.holder.open(), this.datasetName));
  }

  override async hasDataset(): Promise<boolean> {
    return this.withConnection(async () => existsSync(this.datasetFile()) && this.isAttached(this.holder.open(), this.datasetName));
  }

  override async dropDataset(): Promise<void> {
    await this.withConnection(async () => {
      const db = this.holder.open();
      if (this.isAttached(db, this.datasetName)) db.exec(`DETACH DATABASE ${this.fullyQualifiedDatasetName()}`);
      for (const suffix of ["", "-journal", "-wal", "-shm"]) rmSync(`${this.datasetFile()}${suffix}`, { force: true });
    });
  }

  /**
   * Runs statements one by one: SQLite runs in-process, so joining them saves
   * nothing. A `BEGIN` among them that is not followed by its `COMMIT`
   * (a later statement failed) is rolled back, so the one connection is not
   * left inside a transaction.
   */
  override async executeMany(statements: readonly string[]): Promise<void> {
    let opened = false;
    try {
      for (const statement of statements) {
        if (!statement.trim()) continue;
        await this.execute(statement);
        if (/^\s*BEGIN\b/i.test(statement)) opened = true;
        else if (/^\s*(COMMIT|END|ROLLBACK)\b/i.test(statement)) opened = false;
      }
    } catch (error) {
      if (opened && !this.inTransaction) await this.execute("ROLLBACK").catch(() => undefined);
      throw error;
    }
  }

  /**
   * Inserts rows into `qualifiedTableName` with one prepared statement: the
   * fast path of the csv load job. Must run inside `transaction()`.
   */
  async insertRows(qualifiedTableName: string, columns: readonly string[], rows: AsyncIterable<SqliteValue[]>): Promise<number> {
    return this.withConnection(async () => {
      const db = this.holder.open();
      const list = columns.map((c) => this.escapeColumnName(c)).join(", ");
      const statement = db.prepare(`INSERT INTO ${qualifiedTableName} (${list}) VALUES (${columns.map(() => "?").join(", ")})`);
      let count = 0;
      try {
        for await (const row of rows) {
          statement.run(row);
          count++;
        }
      } finally {
        statement.finalize();
      }
      return count;
    });
  }

  private isAttached(db: SqliteDatabaseLike, name: string): boolean {
    return db.all("PRAGMA database_list").some((row) => row.name === this.capabilities.casefoldIdentifier(name));
  }

  private attach(db: SqliteDatabaseLike, name: string): void {
    if (this.isAttached(db, name)) return;
    db.run(`ATTACH DATABASE ? AS ${this.capabilities.escapeIdentifier(this.capabilities.casefoldIdentifier(name))}`, [this.datasetFile(name)]);
  }
}

function runStatement(db: SqliteDatabaseLike, sql: string, params?: readonly unknown[]): SqlQueryResult {
  const values = params?.map(bindable);
  if (RETURNS_ROWS.test(sql)) {
    const rows = db.all(sql, values) as SqlRow[];
    return { rows, rowCount: rows.length };
  }
  if (!values || values.length === 0) {
    db.exec(sql);
    return { rows: [], rowCount: 0 };
  }
  const { changes } = db.run(sql, values);
  return { rows: [], rowCount: changes };
}

/** node-sqlite3-wasm: real SQLite compiled to WebAssembly, reading and writing the file directly (no native build). */
function openWasmDatabase(file: string): SqliteDatabaseLike {
  return new Database(file) as unknown as SqliteDatabaseLike;
}
