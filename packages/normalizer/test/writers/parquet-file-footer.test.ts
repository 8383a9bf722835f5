import { parquetMetadata } from "hyparquet";
import { ByteWriter } from "hyparquet-writer";
import { writeMetadata } from "hyparquet-writer/src/metadata.js";
import { table, tempDir, writeWith } from "./writer-test-helpers.js";

const { dir, cleanup } = tempDir();
afterAll(cleanup);

describe("the parquet footer, row groups encoded as they are written", () => {
  it("is byte for byte what hyparquet-writer writes for the same metadata", async () => {
    const schema = table("events", {
      id: "bigint",
      name: "text",
      flag: "bool",
      at: "timestamp",
      local: { dataType: "timestamp", timezone: false },
      day: "date",
      clock: "time",
      price: "decimal",
      ratio: "double",
      doc: "json",
      blob: "binary",
    });
    const rows = Array.from({ length: 40 }, (_, i) => ({
      id: BigInt(i),
      name: i % 3 ? `n${i}` : null,
      flag: i % 2 === 0,
      at: "2024-05-01T10:20:30.123456Z",
      local: "2024-05-01T10:20:30",
      day: "2024-05-01",
      clock: "12:34:56",
      price: "1.5",
      ratio: i / 4,
      doc: { i },
      blob: new Uint8Array([i]),
    }));
    // 20 row groups: more than the 14 a one-byte list header counts.
    const content = await writeWith(dir, "parquet", schema, [rows], { parquetRowGroupSize: 2 });
    const file = content.buffer.slice(content.byteOffset, content.byteOffset + content.byteLength) as ArrayBuffer;
    const metadata = parquetMetadata(file);
    expect(metadata.row_groups).toHaveLength(20);
    const reference = new ByteWriter();
    writeMetadata(reference, metadata);
    const footerLength = content.readUInt32LE(content.length - 8);
    const footer = content.subarray(content.length - 8 - footerLength, content.length - 4);
    expect(Buffer.from(reference.getBytes())).toEqual(footer);
    expect(metadata.created_by).toBe("dlt-ts");
    expect(metadata.num_rows).toBe(40n);
  });
});
