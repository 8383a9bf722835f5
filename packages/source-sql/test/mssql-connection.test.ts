import { Readable } from "node:stream";
import { DatabaseUndefinedRelation, type DataItem } from "@dlt-ts/core";
import { MssqlConnection, type MssqlModule, type MssqlPoolLike, type MssqlRequestLike } from "../src/mssql-connection";
import { classifyMssqlSourceError } from "../src/mssql-errors";
import type { CatalogColumn } from "../src/source-connection";

/*
 * The SQL Server connection against a fake `mssql` (no server runs here):
 * pages, value conversion, parameters, and a cancelled request when the
 * pipeline stops early. The live suite is mssql-source.integration.test.ts.
 */

class FakeRequest implements MssqlRequestLike {
  inputs: Record<string, unknown> = {};
  sql: string | undefined;
  cancelled = false;
  stream: Readable | undefined;
  constructor(private readonly rows: DataItem[]) {}
  input(name: string, value: unknown): void {
    this.inputs[name] = value;
  }
  async query(sql: string): Promise<{ recordset: Record<string, unknown>[] }> {
    this.sql = sql;
    return { recordset: this.rows };
  }
  toReadableStream(options?: { highWaterMark?: number }): Readable {
    this.stream = Readable.from(this.rows, { objectMode: true, highWaterMark: options?.highWaterMark });
    return this.stream;
  }
  cancel(): void {
    this.cancelled = true;
  }
}

function fakeConnection(rows: DataItem[]): { connection: MssqlConnection; requests: FakeRequest[] } {
  const requests: FakeRequest[] = [];
  const pool: MssqlPoolLike = { connect: async () => undefined, close: async () => undefined, on: () => undefined };
  const module: MssqlModule = {
    ConnectionPool: class {} as never,
    Request: class extends FakeRequest {
      constructor() {
        super(rows.map((r) => ({ ...r })));
        requests.push(this);
      }
    } as never,
  };
  return { connection: new MssqlConnection(pool, module, "mssql://sa:***@db:1433/crm"), requests };
}

const columns: CatalogColumn[] = [
  { name: "id", dataType: "bigint", nullable: false },
  { name: "created", dataType: "datetime2", nullable: true, precision: 7 },
];

const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ id: String(9007199254740990 + i), created: "2024-05-01T10:20:45.1234567" }));

describe("MssqlConnection.streamRows", () => {
  it("yields pages of chunkSize rows, converted, with @p parameters", async () => {
    const { connection, requests } = fakeConnection(rows(5));
    const pages: DataItem[][] = [];
    for await (const page of connection.streamRows({ sql: "SELECT 1", params: ["2024-01-01T00:00:00", 3] }, columns, 2)) pages.push(page);
    expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
    expect(pages[0]![0]).toEqual({ id: 9007199254740990, created: "2024-05-01T10:20:45.123456" });
    expect(pages[2]![0]).toEqual({ id: 9007199254740994n, created: "2024-05-01T10:20:45.123456" });
    expect(requests[0]!.inputs).toEqual({ p1: "2024-01-01T00:00:00", p2: 3 });
    expect(requests[0]!.sql).toBe("SELECT 1");
    expect(requests[0]!.cancelled).toBe(false);
  });

  it("cancels the request when the consumer stops early", async () => {
    const { connection, requests } = fakeConnection(rows(10));
    for await (const page of connection.streamRows({ sql: "SELECT 1", params: [] }, columns, 3)) {
      expect(page).toHaveLength(3);
      break;
    }
    expect(requests[0]!.cancelled).toBe(true);
    expect(requests[0]!.stream!.destroyed).toBe(true);
  });

  it("reads the catalog through information_schema with @p parameters", async () => {
    const { connection, requests } = fakeConnection([{ table_name: "deals" }]);
    expect(await connection.listTables("dbo", false)).toEqual(["deals"]);
    expect(requests[0]!.sql).toBe(
      "SELECT t.table_name AS table_name FROM information_schema.tables t WHERE t.table_schema = @p1 AND t.table_type IN ('BASE TABLE') ORDER BY t.table_name",
    );
    expect(requests[0]!.inputs).toEqual({ p1: "dbo" });
  });
});

describe("classifyMssqlSourceError", () => {
  it("invalid object name is an undefined relation; the message masks nothing it need not", () => {
    const error = classifyMssqlSourceError({ message: "Invalid object name 'dbo.nope'.", number: 208, code: "EREQUEST" }, "Reading from mssql://sa:***@db/crm");
    expect(error).toBeInstanceOf(DatabaseUndefinedRelation);
    expect(error.message).toBe("Reading from mssql://sa:***@db/crm: Invalid object name 'dbo.nope'. [error 208]");
    expect(classifyMssqlSourceError({ message: "deadlock", originalError: { number: 1205 } }, "x").constructor.name).toBe("DatabaseTransientException");
    expect(classifyMssqlSourceError({ message: "Login failed", code: "ELOGIN" }, "x").constructor.name).toBe("DatabaseTerminalException");
  });
});
