import type { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { DatabaseException, type DestinationCapabilities, type SqlQueryResult, type SqlRow } from "@dlt-ts/core";
import { SqlClientBase, type SqlConnection } from "@dlt-ts/sql";
import { classifyPostgresError } from "./postgres-errors.js";

/** A query result as `pg` returns it (structural subset). */
export interface PgResultLike {
  rows: SqlRow[];
  rowCount: number | null;
}

/** A pooled `pg` client (structural subset of `pg.PoolClient`). */
export interface PgClientLike {
  query(text: string, values?: unknown[]): Promise<PgResultLike | PgResultLike[]>;
  /** Runs a submittable such as a COPY stream. */
  query<T extends Writable>(stream: T): T;
  on(event: "error", listener: (error: Error) => void): unknown;
  removeListener(event: "error", listener: (error: Error) => void): unknown;
  release(error?: Error | boolean): void;
}

/** A `pg` pool (structural subset of `pg.Pool`), so tests can pass their own. */
export interface PgPoolLike {
  connect(): Promise<PgClientLike>;
  end(): Promise<void>;
  on(event: "error", listener: (error: Error, client: unknown) => void): unknown;
}

/** What the client needs to open connections; `PostgresCredentials` has this shape. */
export interface PostgresConnectionParams {
  host: string;
  port?: number;
  database: string;
  username: string;
  password?: string;
  /** Seconds. Default 15. */
  connectTimeout?: number;
  sslmode?: string;
}

/** Options of `PostgresSqlClient`. */
export interface PostgresSqlClientOptions {
  /** Connection parameters; required unless `pool` is given. */
  credentials?: PostgresConnectionParams;
  /** A pool to use instead of creating one from `credentials`. */
  pool?: PgPoolLike;
  /** Most connections open at once; further requests wait for one. Default 10. */
  poolSize?: number;
  /** Default `<dataset>_staging`. */
  stagingDatasetName?: string;
}

const INT8_OID = 20;
const DATE_OID = 1082;

/**
 * Type parsers of this client only (the global `pg.types` are left alone):
 * int8 as a number when it fits in a double exactly, else as a bigint (so
 * `count(*)` is a number); date as its `YYYY-MM-DD` text (never shifted by
 * the local time zone). Everything else as `pg` parses it.
 */
function typeParser(oid: number, format?: string): (value: string) => unknown {
  if (oid === INT8_OID) {
    return (value: string) => {
      const n = Number(value);
      return Number.isSafeInteger(n) ? n : BigInt(value);
    };
  }
  if (oid === DATE_OID) return (value: string) => value;
  return pg.types.getTypeParser(oid, (format ?? "text") as "text") as (value: string) => unknown;
}

/** `sslmode` as `pg`'s `ssl` option. `prefer` and `allow` connect without TLS (pg cannot fall back). */
export function sslOption(sslmode: string | undefined): false | { rejectUnauthorized: boolean } {
  switch (sslmode) {
    case "require":
      return { rejectUnauthorized: false };
    case "verify-ca":
    case "verify-full":
      return { rejectUnauthorized: true };
    default:
      return false;
  }
}

/** Creates the `pg` pool: UTC session time zone, dlt-ts application name. */
export function createPostgresPool(credentials: PostgresConnectionParams, poolSize = 10): PgPoolLike {
  return new pg.Pool({
    host: credentials.host,
    port: credentials.port ?? 5432,
    database: credentials.database,
    user: credentials.username,
    password: credentials.password,
    ssl: sslOption(credentials.sslmode),
    connectionTimeoutMillis: (credentials.connectTimeout ?? 15) * 1000,
    application_name: "dlt-ts",
    options: "-c TimeZone=UTC",
    max: poolSize,
    types: { getTypeParser: typeParser as never },
  }) as unknown as PgPoolLike;
}

/**
 * Counts leased connections. pg-pool applies `connectionTimeoutMillis` to the
 * wait for a free slot as well as to connecting, so jobs queued behind long
 * loads would fail with "timeout exceeded when trying to connect"; they wait
 * here instead, and the pool is asked only when it has room.
 */
class Slots {
  private used = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly size: number) {}

  async take(): Promise<void> {
    if (this.used < this.size) {
      this.used++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  give(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.used--;
  }
}

/** A leased pg client with the error listener that keeps a dying connection from crashing the process. */
class PostgresConnection implements SqlConnection {
  private lastError: Error | undefined;
  private released = false;
  private readonly onError = (error: Error) => {
    this.lastError = error;
  };

  constructor(
    readonly client: PgClientLike,
    private readonly slots: Slots,
  ) {
    client.on("error", this.onError);
  }

  async query(sql: string, params?: readonly unknown[]): Promise<SqlQueryResult> {
    const result = await this.client.query(sql, params ? [...params] : undefined);
    const last = Array.isArray(result) ? result[result.length - 1] : result;
    return { rows: last?.rows ?? [], rowCount: last?.rowCount ?? 0 };
  }

  release(error?: unknown): void {
    if (this.released) return;
    this.released = true;
    this.client.removeListener("error", this.onError);
    const broken = error ?? this.lastError;
    this.client.release(broken ? (broken instanceof Error ? broken : new Error(String(broken))) : undefined);
    this.slots.give();
  }
}

/**
 * SQL client on `pg`: a pool of connections whose sessions use UTC and
 * search `<dataset>, public`; `%s` parameters become `$1, $2, ...`; errors are
 * classified by SQLSTATE (see `classifyPostgresError`). `copyFrom` streams
 * data into `COPY ... FROM STDIN` inside the current transaction.
 *
 * @example
 * const client = new PostgresSqlClient(postgresCapabilities(), "github_data", { credentials });
 * await client.createDataset();
 * await client.query("SELECT count(*) AS n FROM events");
 * await client.close();
 */
export class PostgresSqlClient extends SqlClientBase {
  private readonly pool: PgPoolLike;
  /** Connections whose session is set up; shared with staging and transaction views. */
  private readonly prepared = new WeakSet<object>();
  private readonly searchPath: string;
  private readonly slots: Slots;

  constructor(capabilities: DestinationCapabilities, datasetName: string, options: PostgresSqlClientOptions) {
    super(capabilities, datasetName, { stagingDatasetName: options.stagingDatasetName });
    const poolSize = options.poolSize ?? 10;
    this.slots = new Slots(poolSize);
    if (options.pool) this.pool = options.pool;
    else if (options.credentials) this.pool = createPostgresPool(options.credentials, poolSize);
    else throw new DatabaseException("PostgresSqlClient needs credentials or a pool");
    this.searchPath = `${this.fullyQualifiedDatasetName()}, public`;
    // Idle clients whose backend dies report here; the pool then drops them. Without a listener Node would crash.
    this.pool.on("error", () => undefined);
  }

  classifyError(error: unknown, statement?: string): DatabaseException {
    return classifyPostgresError(error, statement);
  }

  override async hasDataset(): Promise<boolean> {
    const rows = await this.query("SELECT 1 AS found FROM pg_catalog.pg_namespace WHERE nspname = %s", [this.fullyQualifiedDatasetName(false)]);
    return rows.length > 0;
  }

  override async createDataset(): Promise<void> {
    await this.execute(`CREATE SCHEMA IF NOT EXISTS ${this.fullyQualifiedDatasetName()}`);
  }

  /**
   * Streams `source` (chunks of CSV or text) into `copySql` (a `COPY ... FROM
   * STDIN` statement). Must run inside `transaction()`, so the data commits
   * with whatever else the transaction writes.
   */
  async copyFrom(copySql: string, source: AsyncIterable<Buffer | string> | NodeJS.ReadableStream): Promise<void> {
    const connection = this.txConnection;
    if (!(connection instanceof PostgresConnection)) {
      throw new DatabaseException("copyFrom() must run inside transaction()");
    }
    try {
      const sink = connection.client.query(copyFrom(copySql));
      await pipeline(source as NodeJS.ReadableStream, sink);
    } catch (error) {
      throw this.classifyError(error);
    }
  }

  protected async acquireConnection(): Promise<SqlConnection> {
    await this.slots.take();
    let client: PgClientLike;
    try {
      client = await this.pool.connect();
    } catch (error) {
      this.slots.give();
      throw error;
    }
    const connection = new PostgresConnection(client, this.slots);
    if (!this.prepared.has(client)) {
      try {
        await client.query(`SET search_path TO ${this.searchPath}`);
      } catch (error) {
        connection.release(error);
        throw error;
      }
      this.prepared.add(client);
    }
    return connection;
  }

  protected async endConnections(): Promise<void> {
    await this.pool.end();
  }
}
