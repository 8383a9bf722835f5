import { readFileSync, writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readInsertValuesStatements } from "@dlt-ts/sql";
import { escapeMssqlIdentifier, escapeMssqlLiteral, mssqlCapabilities } from "@dlt-ts/destination-mssql";

describe("escapeMssqlIdentifier", () => {
  test.each([
    ["events", "[events]"],
    ["weird]name", "[weird]]name]"],
    ["]]", "[]]]]]"],
    ['quote"and\'apostrophe', "[quote\"and'apostrophe]"],
    ["[bracketed]", "[[bracketed]]]"],
    ["drop table x; --", "[drop table x; --]"],
    ["nul\0byte", "[nulbyte]"],
    ["Ünïcødé 名前", "[Ünïcødé 名前]"],
  ])("%j → %s", (name, escaped) => {
    expect(escapeMssqlIdentifier(name)).toBe(escaped);
  });
});

describe("escapeMssqlLiteral", () => {
  test.each<[unknown, string]>([
    [null, "NULL"],
    [undefined, "NULL"],
    ["plain", "N'plain'"],
    ["it's", "N'it''s'"],
    ["'; DROP TABLE users; --", "N'''; DROP TABLE users; --'"],
    ["名前 ünïcode 😀", "N'名前 ünïcode 😀'"],
    ["line\nbreak", "N'line\nbreak'"],
    ["cr\rlf", "(CAST(N'cr' AS NVARCHAR(MAX)) + NCHAR(13) + N'lf')"],
    ["a\r\nb", "(CAST(N'a' AS NVARCHAR(MAX)) + NCHAR(13) + N'\nb')"],
    ["nul\0x'y", "(CAST(N'nul' AS NVARCHAR(MAX)) + NCHAR(0) + N'x''y')"],
    ["\r", "(CAST(N'' AS NVARCHAR(MAX)) + NCHAR(13) + N'')"],
    ["back\\slash", "N'back\\slash'"],
    [42, "42"],
    [-0.5, "-0.5"],
    [1e21, "1e+21"],
    [Number.NaN, "N'NaN'"],
    [Number.POSITIVE_INFINITY, "N'Infinity'"],
    [12345678901234567890n, "12345678901234567890"],
    [true, "1"],
    [false, "0"],
    [new Date("2024-05-01T10:20:30.123Z"), "N'2024-05-01T10:20:30.123Z'"],
    [new Uint8Array([0, 1, 255]), "0x0001ff"],
    [new Uint8Array([]), "0x"],
    [Buffer.from("hi"), "0x6869"],
    [{ a: "it's", b: [1, 2] }, `N'{"a":"it''s","b":[1,2]}'`],
  ])("%j → %s", (value, literal) => {
    expect(escapeMssqlLiteral(value)).toBe(literal);
  });

  test("a long text with a CR stays nvarchar(max), so concatenation cannot cut it at 4000 characters", () => {
    const long = `${"a".repeat(3000)}\r${"b".repeat(3000)}`;
    expect(escapeMssqlLiteral(long)).toBe(`(CAST(N'${"a".repeat(3000)}' AS NVARCHAR(MAX)) + NCHAR(13) + N'${"b".repeat(3000)}')`);
  });
});

describe("mssqlCapabilities", () => {
  test("SQL Server limits and dialect", () => {
    const caps = mssqlCapabilities();
    expect(caps).toMatchObject({
      preferredLoaderFileFormat: "insert_values",
      supportedLoaderFileFormats: ["insert_values", "csv"],
      maxIdentifierLength: 128,
      maxColumnIdentifierLength: 128,
      hasCaseSensitiveIdentifiers: false,
      maxRowsPerInsert: 1000,
      maxParametersPerQuery: 2100,
      supportsCreateTableIfNotExists: false,
      timestampPrecision: 6,
      decimalPrecision: [38, 9],
      weiPrecision: [38, 0],
      supportedMergeStrategies: ["delete-insert", "upsert", "insert-only", "scd2"],
      supportedReplaceStrategies: ["truncate-and-insert", "insert-from-staging"],
    });
    expect(caps.casefoldIdentifier("MixedCase")).toBe("MixedCase");
    expect(mssqlCapabilities({ preferredLoaderFileFormat: "csv" }).preferredLoaderFileFormat).toBe("csv");
  });

  test("insert_values with hostile literals splits into whole rows the loader can run", async () => {
    const caps = mssqlCapabilities();
    const values = ["a,\nb),\n(c", "it's\r\nx", "\0", "E'not extended'", "trailing\\"];
    const rows = values.map((v, i) => `(${i},${caps.escapeLiteral(v)})`);
    const dir = mkdtempSync(join(tmpdir(), "mssql-iv-"));
    const file = join(dir, "t.1.0.insert_values");
    writeFileSync(file, `INSERT INTO {}(${caps.escapeIdentifier("id")},${caps.escapeIdentifier("v]al")})\nVALUES\n${rows.join(",\n")};`);
    const statements: string[] = [];
    for await (const s of readInsertValuesStatements(file, "[ds].[t]", { maxQueryLength: caps.maxQueryLength, inBytes: true, maxRowsPerInsert: 2 })) {
      statements.push(s);
    }
    expect(statements).toEqual([
      `INSERT INTO [ds].[t]([id],[v]]al])\nVALUES\n${rows.slice(0, 2).join(",\n")};`,
      `INSERT INTO [ds].[t]([id],[v]]al])\nVALUES\n${rows.slice(2, 4).join(",\n")};`,
      `INSERT INTO [ds].[t]([id],[v]]al])\nVALUES\n${rows.slice(4).join(",\n")};`,
    ]);
    expect(readFileSync(file, "utf8")).not.toContain("\r");
  });
});
