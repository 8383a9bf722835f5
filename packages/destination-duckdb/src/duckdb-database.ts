import { existsSync } from "node:fs";
import * as path from "node:path";
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import { escapeDuckdbIdentifier, escapeDuckdbLiteral } from "./duckdb-capabilities.js";
import type { AdaptiveMemoryLimit, MemoryLimitRaise } from "./duckdb-memory-limit.js";

/** The part of a `DuckDBInstance` this package uses, so users and tests can pass their own. */
export interface DuckdbInstanceLike {
  connect(): Promise<DuckDBConnection>;
  closeSync(): void;
}

/** In-memory database path, as DuckDB names it. */
export const MEMORY_DATABASE = ":memory:";

/** How a file database is opened, besides DuckDB's settings. */
export interface DuckdbOpenOptions {
  /** DuckDB config (`memory_limit`, `threads`, ...). */
  settings?: Record<string, string>;
  /** Rows per row group of the file (DuckDB's ATTACH option `ROW_GROUP_SIZE`); DuckDB's own when unset. */
  rowGroupSize?: number;
  /** Bytes per block of the file when it is created (DuckDB's ATTACH option `BLOCK_SIZE`); a file that exists keeps its own. */
  blockSize?: number;
  /** The memory_limit when none is configured (in `settings`): raised when a statement runs out of memory. */
  memoryLimit?: AdaptiveMemoryLimit;
}

/** Catalog names DuckDB keeps for itself: a file named so cannot be attached under its own name. */
const RESERVED_CATALOGS = new Set(["memory", "system", "temp"]);

/** The catalog name DuckDB gives a database: `memory` in memory, else the file name up to its first dot. */
export function duckdbCatalogName(databasePath: string): string {
  if (databasePath === MEMORY_DATABASE) return "memory";
  return path.basename(databasePath).split(".")[0] ?? "";
}

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
  /** Bytes of job files loaded since the file was opened (see {@link reopenDue}). */
  private loadedSinceOpen = 0;
  /** How the next open opens the file. */
  private openOptions: DuckdbOpenOptions = {};
  /**
   * The catalog every connection USEs: set when the file is attached to an
   * in-memory instance (to give it a row group size) rather than opened as
   * the instance's own database.
   */
  private attachedAs: string | undefined;

  private constructor(
    /** Absolute file path, or `:memory:`. */
    readonly path: string,
    private readonly keepOpen: boolean,
    private readonly open: () => Promise<DuckdbInstanceLike>,
  ) {}

  /**
   * The database of a file, shared by all callers in this process; relative
   * paths are resolved against the cwd. The options (DuckDB config such as
   * `memory_limit`, the row group size) apply when the file is opened: by
   * the first caller while it stays open. (A plain record of settings is
   * taken as `{ settings }`.)
   */
  static file(filePath: string, options: DuckdbOpenOptions | Record<string, string> = {}): DuckdbDatabase {
    const absolute = path.resolve(filePath);
    let database = DuckdbDatabase.files.get(absolute);
    if (!database) {
      const created: DuckdbDatabase = new DuckdbDatabase(absolute, false, () => created.openFile());
      database = created;
      DuckdbDatabase.files.set(absolute, database);
    }
    const next = isOpenOptions(options) ? options : { settings: options };
    // The default limit of an open database is the one it runs with; one this process raised stays raised when
    // the file is opened again (the data that needed it is still there).
    const raised = database.openOptions.memoryLimit;
    const keep = raised && next.memoryLimit && (database.instance !== undefined || raised.megabytes >= next.memoryLimit.megabytes);
    database.openOptions = keep ? { ...next, memoryLimit: raised } : next;
    return database;
  }

  /**
   * Opens the file as the instance's database; or, with a row group size,
   * attaches it to an in-memory instance (ROW_GROUP_SIZE and BLOCK_SIZE are
   * ATTACH options only) under the catalog name DuckDB would give it anyway, so SQL
   * naming the catalog reads the same. Spilled data goes beside the file in
   * both cases (an in-memory instance would spill to `./.tmp`).
   */
  private async openFile(): Promise<DuckdbInstanceLike> {
    const { settings = {}, rowGroupSize, blockSize, memoryLimit } = this.openOptions;
    const config = { ...settings, ...(memoryLimit ? { memory_limit: memoryLimit.setting } : {}) };
    const catalog = duckdbCatalogName(this.path);
    this.attachedAs = undefined;
    if (rowGroupSize === undefined || RESERVED_CATALOGS.has(catalog.toLowerCase()) || catalog === "") {
      return DuckDBInstance.create(this.path, config);
    }
    const instance = await DuckDBInstance.create(MEMORY_DATABASE, { temp_directory: `${this.path}.tmp`, ...config });
    try {
      const connection = await instance.connect();
      try {
        // DuckDB refuses a BLOCK_SIZE that is not the one an existing file was made with.
        const block = blockSize !== undefined && !existsSync(this.path) ? `, BLOCK_SIZE ${blockSize}` : "";
        await connection.run(`ATTACH ${escapeDuckdbLiteral(this.path)} AS ${escapeDuckdbIdentifier(catalog)} (ROW_GROUP_SIZE ${rowGroupSize}${block})`);
      } finally {
        connection.closeSync();
      }
    } catch (error) {
      instance.closeSync();
      throw error;
    }
    this.attachedAs = catalog;
    return instance;
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
      const connection = await (await this.instance).connect();
      if (this.attachedAs !== undefined) {
        try {
          await connection.run(`USE ${escapeDuckdbIdentifier(this.attachedAs)}`);
        } catch (error) {
          connection.closeSync();
          throw error;
        }
      }
      return connection;
    } catch (error) {
      this.instance = undefined;
      this.release();
      throw error;
    }
  }

  /**
   * After a statement ran out of memory: raises the database's memory_limit
   * when it is the default one (see `AdaptiveMemoryLimit`); the raise is
   * set by {@link applyRaisedMemoryLimit} before the next statement.
   */
  outOfMemory(): MemoryLimitRaise | undefined {
    return this.opened ? this.openOptions.memoryLimit?.raise() : undefined;
  }

  /** Sets a raised memory_limit on the open database, once. */
  async applyRaisedMemoryLimit(connection: DuckDBConnection): Promise<void> {
    const setting = this.openOptions.memoryLimit?.takeUnapplied();
    if (setting !== undefined) await connection.run(`SET GLOBAL memory_limit = ${escapeDuckdbLiteral(setting)}`);
  }

  /**
   * Lets go of the table blocks DuckDB keeps in memory after writing them:
   * they stay loaded (on 600 columns of GitHub events: 400 MB at 1M
   * records) until the buffer pool reaches memory_limit, though a load never
   * reads them back. DuckDB has no statement that only evicts, so the limit
   * is set low for a moment — DuckDB evicts unpinned blocks until the pool
   * fits it (or refuses, having evicted all it could), and its allocator
   * hands the memory back — then set back: between job files a load of 100k
   * events held 160 MB of RSS instead of 640 MB, as fast. Only on a file
   * this process opened with a limit it knows, and only when no other
   * connection is open: a statement running there could fail for want of
   * the memory.
   */
  async releaseCachedBlocks(connection: DuckDBConnection): Promise<void> {
    const limit = this.openOptions.settings?.memory_limit ?? this.openOptions.memoryLimit?.setting;
    if (limit === undefined || this.keepOpen || this.connections !== 1) return;
    try {
      await connection.run(`SET GLOBAL memory_limit = ${escapeDuckdbLiteral(EVICTING_MEMORY_LIMIT)}`);
    } catch {
      // Blocks still pinned: the rest was evicted.
    } finally {
      await connection.run(`SET GLOBAL memory_limit = ${escapeDuckdbLiteral(limit)}`);
    }
  }

  /**
   * After a load job of a file of `fileBytes`: whether its connection, the
   * only one, should close, so that the next opens the file afresh. DuckDB
   * keeps what it knows of every row group it wrote in memory outside its
   * buffer pool (not under memory_limit, not let go by
   * {@link releaseCachedBlocks}): loading 1M GitHub events (600 columns) it
   * grew by ~15 MB per 100k rows, the RSS between job files from 110 to 265
   * MB and each statement's peak with it; opened afresh, DuckDB reads that
   * back only as a statement needs it, and the RSS between files stayed at
   * 110–120 MB. A close and open took ~300 ms, so it waits for
   * {@link REOPEN_AFTER_LOADED_BYTES} of job files. Only on a file this
   * process opened, when no other connection is open.
   */
  reopenDue(fileBytes: number): boolean {
    if (this.keepOpen || !this.opened || this.connections !== 1) return false;
    this.loadedSinceOpen += fileBytes;
    return this.loadedSinceOpen >= REOPEN_AFTER_LOADED_BYTES;
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
    this.loadedSinceOpen = 0;
    instance.closeSync();
  }
}

/** Job files loaded after which {@link DuckdbDatabase.reopenDue} opens the file afresh: 64 MiB, about 120k GitHub events in parquet. */
export const REOPEN_AFTER_LOADED_BYTES = 64 * 1024 * 1024;

/** The limit {@link DuckdbDatabase.releaseCachedBlocks} sets for a moment: lower than anything a load keeps pinned between statements. */
const EVICTING_MEMORY_LIMIT = "16MB";

function isOpenOptions(options: DuckdbOpenOptions | Record<string, string>): options is DuckdbOpenOptions {
  return ["settings", "rowGroupSize", "blockSize", "memoryLimit"].some((key) => key in options);
}
