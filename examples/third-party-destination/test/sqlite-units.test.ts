import { Readable } from "node:stream";
import { Database } from "node-sqlite3-wasm";
import { DatabaseTerminalException, DatabaseTransientException, DatabaseUndefinedRelation } from "@dlt-ts/core";
import { SqliteCredentials, SqliteTypeMapper, classifySqliteError, escapeSqliteLiteral, sqliteCapabilities } from "../src/index.js";
import { readCsvRecords } from "../src/sqlite-csv-reader.js";

async function records(text: string, chunk = 3) {
  const parts: string[] = [];
  for (let i = 0; i < text.length; i += chunk) parts.push(text.slice(i, i + chunk));
  const out = [];
  for await (const record of readCsvRecords(Readable.from(parts))) out.push(record.map((f) => (f.quoted ? `"${f.text}"` : f.text)));
  return out;
}

describe("csv reader", () => {
  test("keeps NULL (empty) apart from the empty string, reads quotes and line breaks inside fields, across chunks", async () => {
    expect(await records('id,name,note\n1,"",\n2,"say ""hi""","a\nb, c"\n3,plain,x\n')).toEqual([
      ["id", "name", "note"],
      ["1", '""', ""],
      ["2", '"say "hi""', '"a\nb, c"'],
      ["3", "plain", "x"],
    ]);
  });

  test("a last line without newline is a record", async () => {
    expect(await records("a,b\n1,2")).toEqual([
      ["a", "b"],
      ["1", "2"],
    ]);
  });
});

describe("type mapper", () => {
  const mapper = new SqliteTypeMapper(sqliteCapabilities());
  const table = { name: "t", columns: {} };

  test("exact types get TEXT-affinity names, and map back", () => {
    expect(mapper.toDestinationType({ name: "d", dataType: "decimal" }, table)).toBe("DECIMAL_TEXT(38,9)");
    expect(mapper.toDestinationType({ name: "w", dataType: "wei" }, table)).toBe("WEI_TEXT");
    expect(mapper.toDestinationType({ name: "j", dataType: "json" }, table)).toBe("JSON_TEXT");
    expect(mapper.toDestinationType({ name: "i", dataType: "bigint", precision: 16 }, table)).toBe("INTEGER");
    expect(mapper.fromDestinationType("decimal_text(20,4)")).toEqual({ dataType: "decimal", precision: 20, scale: 4 });
    expect(mapper.fromDestinationType("wei_text")).toEqual({ dataType: "wei" });
    expect(mapper.fromDestinationType("json_text")).toEqual({ dataType: "json" });
    expect(mapper.fromDestinationType("something odd")).toEqual({ dataType: "text" });
  });
});

describe("credentials, literals, errors", () => {
  test("a path or a sqlite:/// URL; in-memory databases are refused", () => {
    expect(SqliteCredentials.from("sqlite:///data/shop.sqlite").database).toBe("data/shop.sqlite");
    expect(SqliteCredentials.from("sqlite:////tmp/shop.sqlite").database).toBe("/tmp/shop.sqlite");
    expect(SqliteCredentials.from("shop.sqlite").database).toBe("shop.sqlite");
    expect(() => SqliteCredentials.from(":memory:")).toThrow("in-memory databases are not supported");
    expect(new SqliteCredentials("sqlite:///data/shop.sqlite").database).toBe("data/shop.sqlite");
  });

  test("literals: quotes doubled, backslashes literal, blobs as X'…'", () => {
    expect(escapeSqliteLiteral("it's \\")).toBe("'it''s \\'");
    expect(escapeSqliteLiteral(new Uint8Array([0, 255]))).toBe("X'00ff'");
    expect(escapeSqliteLiteral(true)).toBe("1");
  });

  test("binary literals (core's default, X'…') reach SQLite as blobs with their bytes", () => {
    const bytes = Buffer.from([0xff, 0xfe, 0x00, 0x80, 0x27]);
    const db = new Database();
    try {
      const row = db.get(`SELECT typeof(${escapeSqliteLiteral(bytes)}) AS kind, ${escapeSqliteLiteral(bytes.subarray(1, 4))} AS value`);
      expect(row).toEqual({ kind: "blob", value: new Uint8Array([0xfe, 0x00, 0x80]) });
    } finally {
      db.close();
    }
  });

  test("SQLite messages are classified", () => {
    expect(classifySqliteError(new Error("no such table: x.y"))).toBeInstanceOf(DatabaseUndefinedRelation);
    expect(classifySqliteError(new Error("database is locked"))).toBeInstanceOf(DatabaseTransientException);
    expect(classifySqliteError(new Error('near "SELEC": syntax error'))).toBeInstanceOf(DatabaseTerminalException);
    expect(classifySqliteError(new Error("NOT NULL constraint failed: t.a"))).toBeInstanceOf(DatabaseTerminalException);
  });
});
