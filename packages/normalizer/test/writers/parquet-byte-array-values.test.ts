import { promises as fs } from "node:fs";
import { parquetMetadata, parquetReadObjects } from "hyparquet";
import { utf8Length } from "../../src/writers/parquet/byte-array-values.js";
import { openWriter, table, tempDir, writeWith } from "./writer-test-helpers.js";

const { dir, cleanup } = tempDir();
afterAll(cleanup);

function arrayBuffer(content: Buffer): ArrayBuffer {
  return content.buffer.slice(content.byteOffset, content.byteOffset + content.byteLength) as ArrayBuffer;
}

/** Text as Node writes it to UTF-8 and a reader decodes it: lone surrogates become U+FFFD. */
function asWritten(text: string): string {
  return Buffer.from(text, "utf8").toString("utf8");
}

const texts = table("texts", { id: "bigint", name: "text", blob: "binary" });

describe("BYTE_ARRAY columns (DELTA_LENGTH_BYTE_ARRAY, strings encoded in batches)", () => {
  it("counts UTF-8 bytes as Node encodes them", () => {
    for (const text of ["", "ascii", "naïve", "€uro", "😀", "a😀b", "\ud83d", "x\ude00y", "\ude00\ud83d", "\u0000\u007f\u0080\u07ff\u0800\uffff"]) {
      expect(utf8Length(text)).toBe(Buffer.byteLength(text, "utf8"));
    }
  });

  it("reads back non-ASCII, empty, long and binary values, in batches of every kind", async () => {
    const long = "long text ".repeat(10_000);
    const values = [
      // A surrogate pair split between two values: joined, they would make one character.
      "\ud83d",
      "\ude00",
      "",
      "plain",
      "naïve 😀 \u0000",
      long,
      `${long}é`,
      "",
      "lone \udc00 surrogate",
      ...Array.from({ length: 3000 }, (_, i) => (i % 500 === 0 ? `ünïcode ${i}` : `ascii ${i}`)),
    ];
    const rows = values.map((name, i) => ({
      id: BigInt(i),
      // Nulls in between, and binary values from empty to long.
      name: i % 7 === 6 ? null : name,
      blob: i % 3 === 0 ? new Uint8Array(i % 50).fill(i & 0xff) : null,
    }));
    const content = await writeWith(dir, "parquet", texts, [rows], { parquetRowGroupSize: 1000 });
    const metadata = parquetMetadata(arrayBuffer(content));
    expect(metadata.row_groups[0]!.columns[1]!.meta_data!.encodings).toContain("DELTA_LENGTH_BYTE_ARRAY");
    const back = await parquetReadObjects({ file: arrayBuffer(content), utf8: false });
    expect(back.map((row) => row.name)).toEqual(rows.map((row) => (row.name === null ? null : asWritten(row.name))));
    expect(back.map((row) => (row.blob === null ? null : Array.from(row.blob as Uint8Array)))).toEqual(
      rows.map((row) => (row.blob === null ? null : Array.from(row.blob))),
    );
  });

  it("takes back the text of a row that failed half-way", async () => {
    const schema = table("t", { name: "text", id: "bigint" });
    const { writer, filePath } = openWriter(dir, "parquet", schema);
    await writer.write([{ name: "kept", id: 1n }]);
    // The text is taken before the bad id fails the row.
    await expect(writer.write([{ name: "dropped", id: 1.5 }])).rejects.toThrow('column "id"');
    // Long enough to be encoded as soon as it comes (a batch of its own), in two bytes a character: taken back all the same.
    await expect(writer.write([{ name: "ü".repeat(40_000), id: 1.5 }])).rejects.toThrow('column "id"');
    await writer.write([{ name: "after ü", id: 2n }]);
    await writer.close();
    const back = await parquetReadObjects({ file: arrayBuffer(await fs.readFile(filePath)) });
    expect(back).toEqual([
      { name: "kept", id: 1n },
      { name: "after ü", id: 2n },
    ]);
  });
});
