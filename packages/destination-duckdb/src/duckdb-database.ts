import * as path from "node:path";
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";

/** The part of a `DuckDBInstance` this package uses, so users and tests can pass their own. */
export interface DuckdbInstanceLike {
  connect(): Promise<DuckDBConnection>;
  closeSync(): void;
}

/** In-memory database path, as DuckDB names it. */
export const MEMORY_DATABASE = ":memory:";

/**
 * One DuckDB database shared by every client of this process: DuckDB allows
 * a database file to be opened by one instance at a time (a second instance,
 * in this process or another, would fight over the file lock), so clients
 * take connections from a shared instance. A file database is opened by the
 * first connection and closed when the last one closes, which releases the
 * file for other processes; a `keepOpen` database (in-memory, or an
 * instance the user passed in) stays open, since closing it would lose or
 * take away its data.
 */
export class DuckdbDatabase {
  private static readonly files = new Map<string, DuckdbDatabase>();
  private instance: Promise<DuckdbInstanceLike> | undefined;
  /** The instance once open: closed synchronously, so a new open never overlaps the old one. */
  private opened: DuckdbInstanceLike | undefined;
  private connections = 0;
  /** DuckDB config the next open uses. */
  private settings: Record<string, string> = {};

  private constructor(
    /** Absolute file path, or `:memory:`. */
    readonly path: string,
    private readonly keepOpen: boolean,
    private readonly open: () => Promise<DuckdbInstanceLike>,
  ) {}

  /**
   * The database of a file, shared by all callers in this process; relative
   * paths are resolved against the cwd. `settings` (DuckDB config such as
   * `memory_limit`) apply when the file is opened: by the first caller while
   * it stays open.
   */
  static file(filePath: string, settings: Record<string, string> = {}): DuckdbDatabase {
    const absolute = path.resolve(filePath);
    let database = DuckdbDatabase.files.get(absolute);
    if (!database) {
      database = new DuckdbDatabase(absolute, false, () => DuckDBInstance.create(absolute, database!.settings));
      DuckdbDatabase.files.set(absolute, database);
    }
    database.settings = settings;
    return database;
  }

  /** A new in-memory database, open as long as the returned object lives. */
  static memory(settings: Record<string, string> = {}): DuckdbDatabase {
    return new DuckdbDatabase(MEMORY_DATABASE, true, () => DuckDBInstance.create(MEMORY_DATABASE, settings));
  }

  /** A database on an instance the caller opened (and closes). */
  static fromInstance(instance: DuckdbInstanceLike, name = MEMORY_DATABASE): DuckdbDatabase {
    return new DuckdbDatabase(name, true, () => Promise.resolve(instance));
  }

  get isMemory(): boolean {
    return this.path === MEMORY_DATABASE;
  }

  /** A new connection; pair every call with `disconnect()`. */
  async connect(): Promise<DuckDBConnection> {
    this.connections++;
    try {
      this.instance ??= this.open().then((instance) => (this.opened = instance));
      return await (await this.instance).connect();
    } catch (error) {
      this.instance = undefined;
      this.release();
      throw error;
    }
  }

  /** Closes the connection; the last one closes a file database. */
  disconnect(connection: DuckDBConnection): void {
    try {
      connection.closeSync();
    } finally {
      this.release();
    }
  }

  private release(): void {
    this.connections--;
    if (this.connections > 0 || this.keepOpen || !this.opened) return;
    const instance = this.opened;
    this.opened = undefined;
    this.instance = undefined;
    instance.closeSync();
  }
}
