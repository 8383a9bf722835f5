import {
  loadTedious,
  type MssqlPoolLike,
  type TediousBulkLoadLike,
  type TediousCallback,
  type TediousColumnValueLike,
  type TediousConnectionLike,
  type TediousDataTypeLike,
  type TediousModuleLike,
  type TediousRequestLike,
  type TediousTypeOptions,
} from "@dlt-ts/destination-mssql";

/*
 * A stand-in for SQL Server behind the structural driver subset: it records
 * every request (SQL, parameters, connection, batch or RPC), keeps a tiny
 * catalog from the DDL this package generates (so a second run sees its
 * tables and ALTERs them), and answers the catalog and marker queries. It
 * checks nothing about T-SQL itself: it exists to capture generated SQL.
 */

export interface RecordedParam {
  name: string;
  type: string;
  value: unknown;
  options?: TediousTypeOptions;
}

export interface Recorded {
  connection: number;
  kind: "batch" | "rpc" | "bulk";
  sql: string;
  params: RecordedParam[];
  /** Bulk loads: the rows sent. */
  rows?: unknown[][];
  bulkColumns?: { name: string; type: string; options: TediousTypeOptions & { nullable: boolean } }[];
  /** Bulk loads: TDS bytes tedious encoded for the rows. */
  bytes?: number;
}

export interface CatalogColumn {
  column_name: string;
  data_type: string;
  max_length: number | null;
  numeric_precision: number | null;
  numeric_scale: number | null;
  datetime_precision: number | null;
  is_nullable: "YES" | "NO";
}

type Responder = (sql: string, params: RecordedParam[], server: FakeServer) => { rows: Record<string, unknown>[]; rowCount?: number } | undefined;

const unescape = (name: string) => name.replace(/]]/g, "]");
const IDENT = String.raw`\[((?:[^\]]|\]\])*)\]`;

/** Parses `[name] type [NOT NULL] [UNIQUE]` as CREATE/ALTER write it. */
function parseColumn(def: string): CatalogColumn | undefined {
  const m = new RegExp(`^\\s*${IDENT}\\s+([a-z0-9]+)(?:\\(([^)]*)\\))?(.*)$`, "i").exec(def);
  if (!m) return undefined;
  const [, rawName, type, args, rest] = m;
  const lower = type!.toLowerCase();
  const nums = (args ?? "").split(",").map((a) => a.trim());
  const column: CatalogColumn = {
    column_name: unescape(rawName!),
    data_type: lower,
    max_length: null,
    numeric_precision: null,
    numeric_scale: null,
    datetime_precision: null,
    is_nullable: /NOT NULL/i.test(rest ?? "") ? "NO" : "YES",
  };
  if (["nvarchar", "varchar", "varbinary", "nchar", "char", "binary"].includes(lower)) column.max_length = nums[0] === "max" ? -1 : Number(nums[0]);
  else if (["decimal", "numeric"].includes(lower)) {
    column.numeric_precision = Number(nums[0] ?? 18);
    column.numeric_scale = Number(nums[1] ?? 0);
  } else if (["datetime2", "datetimeoffset", "time"].includes(lower)) column.datetime_precision = args ? Number(nums[0]) : 7;
  else if (lower === "bigint") column.numeric_precision = 19;
  else if (lower === "int") column.numeric_precision = 10;
  else if (lower === "float") column.numeric_precision = 53;
  return column;
}

/** Splits column definitions at top-level commas. */
function splitDefs(body: string): string[] {
  const defs: string[] = [];
  let depth = 0;
  let inBracket = false;
  let current = "";
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (inBracket) {
      current += c;
      if (c === "]") {
        if (body[i + 1] === "]") {
          current += "]";
          i++;
        } else inBracket = false;
      }
      continue;
    }
    if (c === "[") inBracket = true;
    if (c === "(") depth++;
    if (c === ")") depth--;
    if (c === "," && depth === 0) {
      defs.push(current);
      current = "";
    } else current += c;
  }
  if (current.trim()) defs.push(current);
  return defs;
}

/** The shared state of a fake server: schemas, tables, the request log. */
export class FakeServer {
  readonly log: Recorded[] = [];
  readonly schemas = new Set<string>();
  /** schema → table → columns, names compared case-insensitively as SQL Server does by default. */
  readonly tables = new Map<string, Map<string, { name: string; columns: CatalogColumn[] }>>();
  pools = 0;
  connections = 0;
  /** Extra answers tried before the built-in ones (tests set it). */
  responders: Responder[] = [];
  /** When set, a request whose SQL matches fails with this error. */
  failOn?: { pattern: RegExp; error: unknown; times?: number };

  table(schema: string, name: string) {
    return this.tables.get(schema.toLowerCase())?.get(name.toLowerCase());
  }

  respond(sql: string, params: RecordedParam[]): { rows: Record<string, unknown>[]; rowCount: number } {
    if (this.failOn && this.failOn.pattern.test(sql) && (this.failOn.times === undefined || this.failOn.times-- > 0)) throw this.failOn.error;
    for (const responder of this.responders) {
      const answer = responder(sql, params, this);
      if (answer) return { rows: answer.rows, rowCount: answer.rowCount ?? answer.rows.length };
    }
    const createSchema = /EXEC\(N'CREATE SCHEMA \[((?:[^\]]|\]\])*)\]'\)/.exec(sql.replace(/''/g, "'"));
    if (createSchema) {
      this.schemas.add(unescape(createSchema[1]!).toLowerCase());
      return { rows: [], rowCount: 0 };
    }
    if (/FROM sys\.schemas WHERE name = @p0/.test(sql)) {
      return { rows: this.schemas.has(String(params[0]!.value).toLowerCase()) ? [{ found: 1 }] : [], rowCount: 0 };
    }
    const create = new RegExp(`CREATE TABLE ${IDENT}\\.${IDENT} \\(\\n([\\s\\S]*)\\n\\)$`).exec(sql);
    if (create) {
      const schema = unescape(create[1]!).toLowerCase();
      const name = unescape(create[2]!);
      const columns = splitDefs(create[3]!).map((d) => parseColumn(d)!);
      if (!this.tables.has(schema)) this.tables.set(schema, new Map());
      this.tables.get(schema)!.set(name.toLowerCase(), { name, columns });
      return { rows: [], rowCount: 0 };
    }
    const alter = new RegExp(`^ALTER TABLE ${IDENT}\\.${IDENT} ADD\\n([\\s\\S]*)$`).exec(sql);
    if (alter) {
      const table = this.table(unescape(alter[1]!), unescape(alter[2]!));
      if (table) table.columns.push(...splitDefs(alter[3]!).map((d) => parseColumn(d)!));
      return { rows: [], rowCount: 0 };
    }
    if (/FROM INFORMATION_SCHEMA\.COLUMNS WHERE TABLE_SCHEMA = @p0 AND TABLE_NAME IN/.test(sql)) {
      const schema = String(params[0]!.value);
      const rows: Record<string, unknown>[] = [];
      for (const p of params.slice(1)) {
        const table = this.table(schema, String(p.value));
        if (table) for (const c of table.columns) rows.push({ table_name: table.name, ...c });
      }
      return { rows, rowCount: rows.length };
    }
    return { rows: [], rowCount: 0 };
  }

  /** SQL texts in order, optionally only those matching. */
  statements(match?: RegExp): string[] {
    return this.log.map((r) => r.sql).filter((s) => !match || match.test(s));
  }
}

/** What the fake reads from a real tedious Request. */
interface RealRequest extends TediousRequestLike {
  sqlTextOrProcedure: string;
  parameters: { name: string; type: TediousDataTypeLike; value: unknown; length?: number; precision?: number; scale?: number }[];
  callback: TediousCallback;
  emit(event: "row", columns: TediousColumnValueLike[]): boolean;
  validateParameters(collation: unknown): void;
}

/** What the fake reads from a real tedious BulkLoad. */
interface RealBulkLoad extends TediousBulkLoadLike {
  callback: TediousCallback;
  columns: { name: string; type: TediousDataTypeLike; length?: number; precision?: number; scale?: number; nullable?: boolean }[];
  rowToPacketTransform: NodeJS.ReadWriteStream & { write(row: unknown[], cb: (error?: Error | null) => void): boolean };
}

let offline: TediousConnectionLike | undefined;
/** A tedious Connection that never connects: it builds real BulkLoads, whose row encoding the fake runs. */
function offlineConnection(): TediousConnectionLike {
  const tedious = loadTedious() as TediousModuleLike & { Connection: new (config: object) => TediousConnectionLike };
  offline ??= new tedious.Connection({
    server: "offline.invalid",
    authentication: { type: "default", options: { userName: "x", password: "x" } },
    options: { useUTC: true },
  });
  return offline;
}

export class FakeConnection implements TediousConnectionLike {
  closed = false;
  hasError?: boolean;
  constructor(
    readonly server: FakeServer,
    readonly id: number,
  ) {}

  private run(request: TediousRequestLike, kind: "batch" | "rpc"): void {
    const r = request as RealRequest;
    const params: RecordedParam[] = r.parameters.map((p) => ({
      name: p.name,
      type: p.type.name,
      value: p.value,
      options: Object.fromEntries(Object.entries({ length: p.length, precision: p.precision, scale: p.scale }).filter(([, v]) => v !== undefined)),
    }));
    const entry: Recorded = { connection: this.id, kind, sql: r.sqlTextOrProcedure, params };
    this.server.log.push(entry);
    setImmediate(() => {
      let answer: { rows: Record<string, unknown>[]; rowCount: number };
      try {
        // tedious validates parameters when it sends them: so does the fake.
        if (kind === "rpc") r.validateParameters(undefined);
        answer = this.server.respond(r.sqlTextOrProcedure, params);
      } catch (error) {
        r.callback(error as Error);
        return;
      }
      for (const row of answer.rows) r.emit("row", Object.entries(row).map(([colName, value]) => ({ value, metadata: { colName } })));
      r.callback(null, answer.rowCount);
    });
  }

  execSql(request: TediousRequestLike): void {
    this.run(request, "rpc");
  }

  execSqlBatch(request: TediousRequestLike): void {
    this.run(request, "batch");
  }

  newBulkLoad(table: string, options: object, callback: TediousCallback): TediousBulkLoadLike {
    return offlineConnection().newBulkLoad(table, options, callback);
  }

  /** Runs the rows through tedious's own row encoder (validation and TDS bytes), then reports success. */
  execBulkLoad(bulkLoad: TediousBulkLoadLike, rows: AsyncIterable<unknown[]> | Iterable<unknown[]>): void {
    const bulk = bulkLoad as RealBulkLoad;
    const entry: Recorded = {
      connection: this.id,
      kind: "bulk",
      sql: bulk.getBulkInsertSql(),
      params: [],
      rows: [],
      bulkColumns: bulk.columns.map((c) => ({
        name: c.name,
        type: c.type.name,
        options: { length: c.length, precision: c.precision, scale: c.scale, nullable: c.nullable ?? true },
      })),
      bytes: 0,
    };
    this.server.log.push(entry);
    const transform = bulk.rowToPacketTransform;
    transform.on("data", (chunk: Buffer) => (entry.bytes! += chunk.length));
    void (async () => {
      try {
        if (this.server.failOn && this.server.failOn.pattern.test(entry.sql)) throw this.server.failOn.error;
        for await (const row of rows as AsyncIterable<unknown[]>) {
          await new Promise<void>((resolve, reject) => transform.write(row, (error) => (error ? reject(error) : resolve())));
          entry.rows!.push(row);
        }
      } catch (error) {
        // tedious reports an error of the row source as a cancelled request.
        bulk.callback(Object.assign(new Error("Canceled."), { code: "ECANCEL", cause: error }));
        return;
      }
      bulk.callback(null, entry.rows!.length);
    })();
  }

  close(): void {
    this.closed = true;
  }
}

export class FakePool implements MssqlPoolLike {
  readonly idle: FakeConnection[] = [];
  connected = false;
  closed = false;
  leased = 0;
  constructor(readonly server: FakeServer) {
    server.pools++;
  }
  async connect(): Promise<this> {
    this.connected = true;
    return this;
  }
  async acquire(): Promise<TediousConnectionLike> {
    if (!this.connected) throw new Error("Connection not yet open.");
    this.leased++;
    const reused = this.idle.pop();
    return reused ?? new FakeConnection(this.server, ++this.server.connections);
  }
  release(connection: TediousConnectionLike): void {
    this.leased--;
    if (!connection.hasError) this.idle.push(connection as FakeConnection);
  }
  async close(): Promise<void> {
    this.closed = true;
  }
  on(): this {
    return this;
  }
}

