import { NoColumnsToWriteException } from "../../src/writers/writer-exceptions.js";
import { table, tempDir, writeWith } from "./writer-test-helpers.js";

const { dir, cleanup } = tempDir();
afterAll(cleanup);

const allTypes = table("events", {
  id: "bigint",
  name: "text",
  flag: "bool",
  at: "timestamp",
  day: "date",
  clock: "time",
  price: "decimal",
  ratio: "double",
  doc: "json",
  blob: "binary",
});

describe("CsvDataWriter", () => {
  it("writes a header and one line per row, typed as PostgreSQL COPY reads them", async () => {
    const content = await writeWith(dir, "csv", allTypes, [
      [
        {
          id: 2n ** 63n - 1n,
          name: "plain",
          flag: true,
          at: "2024-05-01T10:20:30.123456+02:00",
          day: new Date("2024-05-01T00:00:00Z"),
          clock: "12:34:56.000001",
          price: "12.50",
          ratio: 0.25,
          doc: { a: [1, "x,y"], big: 12345678901234567890n },
          blob: new Uint8Array([0xde, 0xad, 0xbe, 0xef]),
        },
        { id: 2, name: "", flag: false, ratio: Number.NaN },
      ],
    ]);
    expect(content.toString("utf8")).toBe(
      "id,name,flag,at,day,clock,price,ratio,doc,blob\n" +
        '9223372036854775807,plain,true,2024-05-01T08:20:30.123456Z,2024-05-01,12:34:56.000001,12.50,0.25,' +
        '"{""a"":[1,""x,y""],""big"":12345678901234567890}",\\xdeadbeef\n' +
        '2,"",false,,,,,NaN,,\n',
    );
  });

  it("writes UTC timestamps with their microseconds, and naive ones without a zone in timezone: false columns", async () => {
    const schema = table("t", { at: "timestamp", local: { dataType: "timestamp", timezone: false } });
    const content = await writeWith(dir, "csv", schema, [
      [
        { at: "2024-05-01T10:20:45.176451Z", local: "2024-05-01T10:20:45.176451" },
        { at: "2024-05-01 10:20:45.176451+02:00", local: "2024-05-01 10:20:45.176451+02:00" },
      ],
    ]);
    expect(content.toString("utf8")).toBe(
      "at,local\n2024-05-01T10:20:45.176451Z,2024-05-01T10:20:45.176451\n2024-05-01T08:20:45.176451Z,2024-05-01T08:20:45.176451\n",
    );
  });

  it("tells NULL (empty, unquoted) from the empty string (\"\")", async () => {
    const content = await writeWith(dir, "csv", table("t", { a: "text", b: "text" }), [
      [{ a: null, b: "" }, { a: "", b: undefined }],
    ]);
    expect(content.toString("utf8")).toBe('a,b\n,""\n"",\n');
  });

  it("quotes only what needs quoting and keeps the data as is", async () => {
    const values = ["a,b", 'say "hi"', "line\nbreak", "cr\rhere", "\\.", "back\\slash", "😀", "nul\u0000char", " padded "];
    const content = await writeWith(dir, "csv", table("t", { v: "text" }), [values.map((v) => ({ v }))]);
    expect(content.toString("utf8")).toBe(
      'v\n"a,b"\n"say ""hi"""\n"line\nbreak"\n"cr\rhere"\n"\\."\nback\\slash\n😀\n"nul\u0000char"\n padded \n',
    );
  });

  it("quotes a field holding NUL, so that a destination removing NUL reads an empty string, not NULL", async () => {
    const content = await writeWith(dir, "csv", table("t", { v: "text" }), [[{ v: "\u0000" }, { v: null }]]);
    expect(content.toString("utf8")).toBe('v\n"\u0000"\n\n');
  });

  it("keeps the sign of -0 in double columns, not in bigint ones", async () => {
    const content = await writeWith(dir, "csv", table("t", { d: "double", i: "bigint" }), [[{ d: -0, i: -0 }, { d: 0, i: 0 }]]);
    expect(content.toString("utf8")).toBe("d,i\n-0,0\n0,0\n");
  });

  it("quotes column names that need it", async () => {
    const content = await writeWith(dir, "csv", table("t", { 'we"ird,name': "text" }), [[{ 'we"ird,name': "x" }]]);
    expect(content.toString("utf8")).toBe('"we""ird,name"\nx\n');
  });

  it("refuses a table without typed columns", async () => {
    await expect(writeWith(dir, "csv", table("empty", { later: {} }), [[{}]])).rejects.toThrow(
      new NoColumnsToWriteException("empty", "csv"),
    );
    await expect(writeWith(dir, "csv", table("empty", {}), [[{}]])).rejects.toThrow(
      'Table "empty" has no column with a data type, so its rows cannot be written as csv ' +
        "(the format needs a fixed column list). Add columns to the table schema before writing rows.",
    );
  });

  it("names the column of a value that does not fit its type", async () => {
    await expect(writeWith(dir, "csv", allTypes, [[{ id: 1, at: "yesterday" }]])).rejects.toThrow(
      'Cannot write value "yesterday" (string) of column "at" in table "events" as timestamp: not an ISO-8601 timestamp.',
    );
  });
});
