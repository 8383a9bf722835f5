import { Readable } from "node:stream";
import { MalformedCsvException, readCsvRecords } from "@dlt-ts/destination-mssql";

async function records(text: string, chunkSize = text.length || 1): Promise<(string | null)[][]> {
  const chunks: string[] = [];
  for (let i = 0; i < text.length; i += chunkSize) chunks.push(text.slice(i, i + chunkSize));
  const out: (string | null)[][] = [];
  for await (const r of readCsvRecords(Readable.from(chunks))) out.push(r);
  return out;
}

/** Every split of the text into chunks gives the same records. */
async function allChunkings(text: string): Promise<(string | null)[][]> {
  const whole = await records(text);
  for (const size of [1, 2, 3, 5, 7]) expect(await records(text, size)).toEqual(whole);
  return whole;
}

describe("readCsvRecords", () => {
  test("header and rows; NULL is an empty unquoted field, the empty string is a quoted one", async () => {
    expect(await allChunkings('id,name,note\n1,a,\n2,"",x\n3,,""\n')).toEqual([
      ["id", "name", "note"],
      ["1", "a", null],
      ["2", "", "x"],
      ["3", null, ""],
    ]);
  });

  test("quoted fields hold commas, doubled quotes, LF, CR and CRLF", async () => {
    expect(await allChunkings('a,b\n"x,y","say ""hi"""\n"line\nbreak","cr\rlf\r\n"\n')).toEqual([
      ["a", "b"],
      ["x,y", 'say "hi"'],
      ["line\nbreak", "cr\rlf\r\n"],
    ]);
  });

  test("an empty line is a record of one NULL (a one-column file); the end after the last line end is none", async () => {
    expect(await allChunkings("v\nx\n\ny\n")).toEqual([["v"], ["x"], [null], ["y"]]);
  });

  test("a last line without line end, and a trailing comma", async () => {
    expect(await allChunkings("a,b\n1,2")).toEqual([["a", "b"], ["1", "2"]]);
    expect(await allChunkings("a,b\n1,")).toEqual([["a", "b"], ["1", null]]);
    expect(await allChunkings('a,b\n1,"z"')).toEqual([["a", "b"], ["1", "z"]]);
  });

  test("CRLF line ends are read like LF", async () => {
    expect(await allChunkings('a,b\r\n1,\r\n"q",2\r\n')).toEqual([["a", "b"], ["1", null], ["q", "2"]]);
  });

  test("multi-byte UTF-8 split across Buffer chunks", async () => {
    const bytes = Buffer.from("t\n😀ü名\n", "utf8");
    const out: (string | null)[][] = [];
    const chunks = [...bytes].map((b) => Buffer.from([b]));
    for await (const r of readCsvRecords(Readable.from(chunks))) out.push(r);
    expect(out).toEqual([["t"], ["😀ü名"]]);
  });

  test("the writer's own forms: \\. quoted, binary as \\x hex, JSON quoted", async () => {
    expect(await allChunkings('a,b,c\n"\\.",\\x00ff,"{""k"":[1,2]}"\n')).toEqual([["a", "b", "c"], ["\\.", "\\x00ff", '{"k":[1,2]}']]);
  });

  test.each([
    ['a\nx"y\n', /line 2: a quote inside an unquoted field/],
    ['a\n"x"y\n', /line 2: text after a closing quote/],
    ['a\n"open\n', /a quoted field is not closed/],
  ])("malformed %j", async (text, message) => {
    await expect(records(text)).rejects.toThrow(MalformedCsvException);
    await expect(records(text)).rejects.toThrow(message);
  });

  test("empty input has no records", async () => {
    expect(await records("")).toEqual([]);
  });
});
