import type { ConnectionStringCredentials, DataItem } from "@dlt-ts/core";
import { InformationSchemaCatalog } from "./information-schema-catalog.js";
import { PostgresDialect } from "./postgres-dialect.js";
import { classifyPostgresSourceError } from "./postgres-errors.js";
import { CopyTextRows, inlineParameters, type FieldParser } from "./postgres-copy-text.js";
import { SOURCE_SESSION_OPTIONS, sourceTypeParsers, type PgTypesLike } from "./postgres-values.js";
import type { CatalogColumn, CatalogTable, SourceConnection, SqlQuery } from "./source-connection.js";
import { DriverNotInstalledException } from "./sql-source-exceptions.js";

/** A `pg-cursor` Cursor (structural subset). */
export interface PgCursorLike {
  read(rows: number): Promise<DataItem[]>;
  close(): Promise<void>;
}

/** The `pg-cursor` constructor. */
export type PgCursorClass = new (text: string, values: unknown[], config: { types: PgTypesLike }) => PgCursorLike;

/** A `pg-copy-streams` COPY TO stream (structural subset): the COPY's bytes, pulled. */
export interface PgCopyStreamLike extends AsyncIterable<Buffer> {
  destroy(): unknown;
  on(event: "error", listener: (error: Error) => void): unknown;
}

/** The columns of a result as `pg` describes them. */
export interface PgFieldLike {
  name: string;
  dataTypeID: number;
}

/** A `pg` Client (structural subset of `pg.Client`). */
export interface PgClientLike {
  connect(): Promise<unknown>;
  query(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[]; fields?: PgFieldLike[] }>;
  /** Submits a cursor; it runs when read. */
  query<T extends PgCursorLike>(cursor: T): T;
  /** Submits a COPY TO stream; it runs when read. */
  query<T extends PgCopyStreamLike>(copy: T): T;
  end(): Promise<void>;
  on(event: "error", listener: (error: Error) => void): unknown;
}

/** The parts of the `pg`, `pg-cursor` and `pg-copy-streams` modules used here, so tests can pass their own. */
export interface PgModules {
  Client: new (config: Record<string, unknown>) => PgClientLike;
  types: PgTypesLike;
  Cursor: PgCursorClass;
  /** `pg-copy-streams`' `to`: rows are read with COPY when it is there, with the cursor otherwise. */
  copyTo?: (text: string) => PgCopyStreamLike;
}

/**
 * `pg` and `pg-cursor`, loaded when a Postgres source is first read (they are
 * optional peer dependencies), and `pg-copy-streams` when installed.
 */
export function loadPgModules(): PgModules {
  let modules: PgModules;
  try {
    const pg = require("pg") as { Client: PgModules["Client"]; types: PgTypesLike };
    const Cursor = require("pg-cursor") as PgCursorClass;
    modules = { Client: pg.Client, types: pg.types, Cursor };
  } catch (error) {
    throw new DriverNotInstalledException("PostgreSQL", ["pg", "pg-cursor"], error);
  }
  try {
    modules.copyTo = (require("pg-copy-streams") as { to: PgModules["copyTo"] }).to;
  } catch {
    // Optional: without it rows come through the cursor, about half as fast.
  }
  return modules;
}

/** `sslmode` as `pg`'s `ssl` option: `require` encrypts without checking the certificate, `verify-ca`/`verify-full` check it; others connect in clear. */
function sslOption(sslmode: string | undefined): false | { rejectUnauthorized: boolean } {
  if (sslmode === "require") return { rejectUnauthorized: false };
  if (sslmode === "verify-ca" || sslmode === "verify-full") return { rejectUnauthorized: true };
  return false;
}

/**
 * A Postgres source connection: one `pg` Client in the session settings the
 * value parsers rely on (UTC, ISO dates), catalog through
 * `information_schema`. Rows come through `COPY (SELECT ...) TO STDOUT` in
 * text format when `pg-copy-streams` is installed (pulled as the pipeline
 * consumes them, so the server waits while a page is worked on), else
 * through a `pg-cursor` portal read `chunkSize` rows at a time. Both give
 * the same values: each field's text goes through the same type parsers.
 */
export class PostgresConnection implements SourceConnection {
  readonly dialect = new PostgresDialect();
  private readonly catalog: InformationSchemaCatalog;
  /** An error the client emitted while idle (a dropped connection), raised on the next call. */
  private broken: Error | undefined;

  constructor(
    private readonly client: PgClientLike,
    private readonly modules: PgModules,
    private readonly types: PgTypesLike,
    /** The credentials as printed (password masked), for messages. */
    private readonly where: string,
  ) {
    client.on("error", (error) => (this.broken = error));
    this.catalog = new InformationSchemaCatalog((sql, params) => this.query(sql, params), (i) => `$${i}`);
  }

  /**
   * Connects with `credentials`: host, port (default 5432), database, username,
   * password; `sslmode` and `connect_timeout` (seconds, default 15) from the
   * URL's query.
   */
  static async open(credentials: ConnectionStringCredentials, modules: PgModules = loadPgModules()): Promise<PostgresConnection> {
    const types = sourceTypeParsers(modules.types);
    const query = credentials.query ?? {};
    const client = new modules.Client({
      host: credentials.host,
      port: credentials.port ?? 5432,
      database: credentials.database,
      user: credentials.username,
      password: credentials.password,
      ssl: sslOption(query.sslmode),
      connectionTimeoutMillis: Number(query.connect_timeout ?? 15) * 1000,
      application_name: "dlt-ts",
      options: SOURCE_SESSION_OPTIONS,
      types,
    });
    const connection = new PostgresConnection(client, modules, types, String(credentials));
    try {
      await client.connect();
    } catch (error) {
      await client.end().catch(() => undefined);
      throw classifyPostgresSourceError(error, `Connecting to ${connection.where}`);
    }
    return connection;
  }

  async currentSchema(): Promise<string> {
    const rows = await this.query("SELECT current_schema() AS schema", []);
    return String(rows[0]?.schema ?? "public");
  }

  listTables(schema: string, includeViews: boolean): Promise<string[]> {
    return this.catalog.listTables(schema, includeViews);
  }

  reflectTables(schema: string, tables: readonly string[]): Promise<CatalogTable[]> {
    return this.catalog.reflectTables(schema, tables);
  }

  streamRows(query: SqlQuery, _columns: readonly CatalogColumn[], chunkSize: number): AsyncGenerator<DataItem[]> {
    this.throwIfBroken();
    return this.modules.copyTo ? this.copyRows(query, chunkSize, this.modules.copyTo) : this.cursorRows(query, chunkSize);
  }

  /** Rows of a `COPY (query) TO STDOUT`, parsed by the type of each result column, in pages of `chunkSize`. */
  private async *copyRows(query: SqlQuery, chunkSize: number, copyTo: NonNullable<PgModules["copyTo"]>): AsyncGenerator<DataItem[]> {
    // The result's column types, from the statement planned but not run (no row is read).
    const described = await this.runQuery(`SELECT * FROM (${query.sql}) AS q LIMIT 0`, query.params, "Reading from");
    const fields = described.fields ?? [];
    const rows = new CopyTextRows(
      fields.map((f) => f.name),
      fields.map((f): FieldParser => this.types.getTypeParser(f.dataTypeID, "text")),
    );
    const copy = this.client.query(copyTo(`COPY (${inlineParameters(query.sql, query.params)}) TO STDOUT`));
    let done = false;
    let page: DataItem[] = [];
    try {
      for await (const chunk of copy) {
        rows.push(chunk, page);
        while (page.length >= chunkSize) {
          const full = page.length === chunkSize ? page : page.slice(0, chunkSize);
          page = page.length === chunkSize ? [] : page.slice(chunkSize);
          yield full;
        }
      }
      done = true;
    } catch (error) {
      throw classifyPostgresSourceError(error, `Reading from ${this.where}`);
    } finally {
      if (!done) {
        // Stopped early: the connection is closed next, which ends the COPY on the server.
        copy.on("error", () => undefined);
        copy.destroy();
      }
    }
    if (rows.pending) throw classifyPostgresSourceError(new Error("COPY ended in the middle of a row"), `Reading from ${this.where}`);
    if (page.length > 0) yield page;
  }

  private async *cursorRows(query: SqlQuery, chunkSize: number): AsyncGenerator<DataItem[]> {
    const cursor = this.client.query(new this.modules.Cursor(query.sql, query.params, { types: this.types }));
    const read = (): Promise<DataItem[]> => {
      const page = cursor.read(chunkSize).catch((error: unknown) => {
        throw classifyPostgresSourceError(error, `Reading from ${this.where}`);
      });
      // Awaited below; until then a failure must not count as unhandled.
      page.catch(() => undefined);
      return page;
    };
    try {
      let next = read();
      for (;;) {
        const rows = await next;
        // A short page is the last one: no round trip to learn the portal is done.
        const last = rows.length < chunkSize;
        // Ask for the next page before handing this one over: the server produces it while the pipeline works.
        if (!last) next = read();
        if (rows.length > 0) yield rows;
        if (last) return;
      }
    } finally {
      await cursor.close().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    await this.client.end().catch(() => undefined);
  }

  private async query(sql: string, params: unknown[]): Promise<Record<string, unknown>[]> {
    return (await this.runQuery(sql, params, "Reading the catalog of")).rows;
  }

  private async runQuery(sql: string, params: unknown[], doing: string): Promise<{ rows: Record<string, unknown>[]; fields?: PgFieldLike[] }> {
    this.throwIfBroken();
    try {
      return await this.client.query(sql, params);
    } catch (error) {
      throw classifyPostgresSourceError(error, `${doing} ${this.where}`);
    }
  }

  private throwIfBroken(): void {
    if (this.broken) throw classifyPostgresSourceError(this.broken, `Connection to ${this.where}`);
  }
}
