import { CopyTextRows, inlineParameters, quoteLiteral } from "../src/postgres-copy-text";
import type { DataItem } from "@dlt-ts/core";

describe("CopyTextRows: COPY text lines into rows", () => {
  const text = "1\ttab\\there \\\\N\t\\N\n2\tünïcødé 🦆\t\\\\x00ff\n3\t\t\\b\\f\\v\\r\\n\n";
  const expected = [
    { id: "1", note: "tab\there \\N", extra: null },
    { id: "2", note: "ünïcødé 🦆", extra: "\\x00ff" },
    { id: "3", note: "", extra: "\b\f\v\r\n" },
  ];

  it("unescapes fields, reads \\N as null and keeps an empty string", () => {
    const rows: DataItem[] = [];
    new CopyTextRows(["id", "note", "extra"], [String, String, String]).push(Buffer.from(text), rows);
    expect(rows).toEqual(expected);
  });

  it("gives the same rows however the bytes are cut (inside a row, a character or an escape)", () => {
    const bytes = Buffer.from(text);
    for (let cut = 1; cut < bytes.length; cut++) {
      const reader = new CopyTextRows(["id", "note", "extra"], [String, String, String]);
      const rows: DataItem[] = [];
      reader.push(bytes.subarray(0, cut), rows);
      reader.push(bytes.subarray(cut), rows);
      expect(rows).toEqual(expected);
      expect(reader.pending).toBe(false);
    }
  });

  it("parses each field with its column's parser; a row cut short is pending", () => {
    const reader = new CopyTextRows(["n", "b"], [Number, (t) => t === "t"]);
    const rows: DataItem[] = [];
    reader.push(Buffer.from("1\tt\n2\tf\n3\t"), rows);
    expect(rows).toEqual([
      { n: 1, b: true },
      { n: 2, b: false },
    ]);
    expect(reader.pending).toBe(true);
  });
});

describe("inlineParameters: COPY takes no parameters", () => {
  it("writes $n as quoted literals, leaving $ in quoted identifiers and strings alone", () => {
    expect(inlineParameters(`SELECT "a$1" FROM "t" WHERE "x" >= $1 AND "y" < $2 AND "z" <> '$1'`, ["it's", 10n])).toBe(
      `SELECT "a$1" FROM "t" WHERE "x" >= 'it''s' AND "y" < '10' AND "z" <> '$1'`,
    );
    expect(inlineParameters(`SELECT 1`, [])).toBe("SELECT 1");
    expect(() => inlineParameters(`WHERE x = $2`, [1])).toThrow("Parameter $2 has no value (1 given)");
  });

  it("quotes numbers, booleans, dates and bytes; refuses null and NUL", () => {
    expect(quoteLiteral(1.5)).toBe("'1.5'");
    expect(quoteLiteral(true)).toBe("'true'");
    expect(quoteLiteral(new Date("2024-01-01T00:00:00Z"))).toBe("'2024-01-01T00:00:00.000Z'");
    expect(quoteLiteral(Buffer.from([0, 255]))).toBe("'\\x00ff'");
    expect(() => quoteLiteral(null)).toThrow(TypeError);
    expect(() => quoteLiteral("a\0b")).toThrow("NUL");
  });
});
