import type { ConnectionStringCredentials, DataItem } from "@dlt-ts/core";
import type { Readable } from "node:stream";
import { InformationSchemaCatalog } from "./information-schema-catalog.js";
import { MssqlDialect } from "./mssql-dialect.js";
import { classifyMssqlSourceError } from "./mssql-errors.js";
import type { CatalogColumn, CatalogTable, SourceConnection, SqlQuery } from "./source-connection.js";
import { DriverNotInstalledException, SqlSourceOptionsException } from "./sql-source-exceptions.js";

/** An `mssql` Request (structural subset). */
export interface MssqlRequestLike {
  input(name: string, value: unknown): unknown;
  query(sql: string): Promise<{ recordset: Record<string, unknown>[] }>;
  /** Streams the rows of the next `query()`; the request pauses while the stream's buffer is full. */
  toReadableStream(options?: { highWaterMark?: number }): Readable;
  cancel(): unknown;
}

/** An `mssql` ConnectionPool (structural subset). */
export interface MssqlPoolLike {
  connect(): Promise<unknown>;
  close(): Promise<unknown>;
  on(event: "error", listener: (error: Error) => void): unknown;
}

/** The part of `mssql` used here, so tests can pass their own. */
export interface MssqlModule {
  ConnectionPool: new (config: Record<string, unknown>) => MssqlPoolLike;
  Request: new (pool: MssqlPoolLike) => MssqlRequestLike;
}

/** `mssql`, loaded when a SQL Server source is first read (an optional peer dependency). */
export function loadMssqlModule(): MssqlModule {
  try {
    return require("mssql") as MssqlModule;
  } catch (error) {
    throw new DriverNotInstalledException("SQL Server", ["mssql"], error);
  }
}

const TRUE = new Set(["true", "yes", "1", "on", "mandatory"]);

/** A URL parameter by any of its names (case-insensitive), trimmed and lower-cased; undefined when absent. */
function param(query: Record<string, string>, ...names: string[]): string | undefined {
  const key = Object.keys(query).find((k) => names.includes(k.toLowerCase()));
  return key === undefined ? undefined : query[key]!.trim().toLowerCase();
}

/** A yes/no URL parameter, or undefined. */
function flag(query: Record<string, string>, ...names: string[]): boolean | undefined {
  const value = param(query, ...names);
  return value === undefined ? undefined : TRUE.has(value);
}

/**
 * A SQL Server source connection: an `mssql` pool of one connection (UTC
 * dates, no request timeout), catalog through `information_schema`, rows
 * streamed from a request (`stream = true`) that pauses while a page waits
 * for the pipeline and resumes when the next one is pulled.
 */
export class MssqlConnection implements SourceConnection {
  readonly dialect = new MssqlDialect();
  private readonly catalog: InformationSchemaCatalog;
  private broken: Error | undefined;

  constructor(
    private readonly pool: MssqlPoolLike,
    private readonly module: MssqlModule,
    /** The credentials as printed (password masked), for messages. */
    private readonly where: string,
  ) {
    pool.on("error", (error) => (this.broken = error));
    this.catalog = new InformationSchemaCatalog((sql, params) => this.query(sql, params), (i) => `@p${i}`);
  }

  /**
   * Connects with `credentials`: host, port (default 1433), database,
   * username, password; from the URL's query `encrypt` (default yes),
   * `TrustServerCertificate` (default no), `connect_timeout` (seconds, default 30).
   */
  static async open(credentials: ConnectionStringCredentials, module: MssqlModule = loadMssqlModule()): Promise<MssqlConnection> {
    const where = String(credentials);
    if (!credentials.host) throw new SqlSourceOptionsException(`${where}: a SQL Server source needs a host (mssql://user:password@host:1433/database)`);
    const query = credentials.query ?? {};
    const timeout = param(query, "connect_timeout");
    // tedious takes "strict" (TDS 8.0) besides yes/no.
    const encrypt = param(query, "encrypt") === "strict" ? "strict" : (flag(query, "encrypt") ?? true);
    const pool = new module.ConnectionPool({
      server: credentials.host,
      port: credentials.port ?? 1433,
      database: credentials.database,
      user: credentials.username,
      password: credentials.password,
      connectionTimeout: Number(timeout ?? 30) * 1000,
      requestTimeout: 0,
      pool: { max: 1, min: 0 },
      options: {
        encrypt,
        trustServerCertificate: flag(query, "trustservercertificate", "trust_server_certificate") ?? false,
        useUTC: true,
        appName: "dlt-ts",
      },
    });
    const connection = new MssqlConnection(pool, module, where);
    try {
      await pool.connect();
    } catch (error) {
      await pool.close().catch(() => undefined);
      throw classifyMssqlSourceError(error, `Connecting to ${where}`);
    }
    return connection;
  }

  async currentSchema(): Promise<string> {
    const rows = await this.query("SELECT SCHEMA_NAME() AS [schema]", []);
    return String(rows[0]?.schema ?? "dbo");
  }

  listTables(schema: string, includeViews: boolean): Promise<string[]> {
    return this.catalog.listTables(schema, includeViews);
  }

  reflectTables(schema: string, tables: readonly string[]): Promise<CatalogTable[]> {
    return this.catalog.reflectTables(schema, tables);
  }

  async *streamRows(query: SqlQuery, columns: readonly CatalogColumn[], chunkSize: number): AsyncGenerator<DataItem[]> {
    this.throwIfBroken();
    const request = this.request(query.params);
    const rows = request.toReadableStream({ highWaterMark: chunkSize });
    const converters = columns
      .map((column) => [column.name, this.dialect.valueConverter(column)] as const)
      .filter((entry): entry is readonly [string, NonNullable<(typeof entry)[1]>] => entry[1] !== undefined);
    let ended = false;
    // Errors reach the stream (stream mode resolves the promise either way).
    request.query(query.sql).catch(() => undefined);
    try {
      let page: DataItem[] = [];
      for await (const row of rows as AsyncIterable<DataItem>) {
        for (const [name, convert] of converters) {
          const value = row[name];
          if (value !== null && value !== undefined) row[name] = convert(value);
        }
        page.push(row);
        if (page.length === chunkSize) {
          yield page;
          page = [];
        }
      }
      ended = true;
      if (page.length > 0) yield page;
    } catch (error) {
      ended = true;
      throw classifyMssqlSourceError(error, `Reading from ${this.where}`);
    } finally {
      // Stopped early (the pipeline has what it needs): cancel instead of reading the rest.
      if (!ended) request.cancel();
      rows.destroy();
    }
  }

  async close(): Promise<void> {
    await this.pool.close().catch(() => undefined);
  }

  private request(params: readonly unknown[]): MssqlRequestLike {
    const request = new this.module.Request(this.pool);
    params.forEach((value, i) => request.input(`p${i + 1}`, value));
    return request;
  }

  private async query(sql: string, params: unknown[]): Promise<Record<string, unknown>[]> {
    this.throwIfBroken();
    try {
      return (await this.request(params).query(sql)).recordset;
    } catch (error) {
      throw classifyMssqlSourceError(error, `Reading the catalog of ${this.where}`);
    }
  }

  private throwIfBroken(): void {
    if (this.broken) throw classifyMssqlSourceError(this.broken, `Connection to ${this.where}`);
  }
}
