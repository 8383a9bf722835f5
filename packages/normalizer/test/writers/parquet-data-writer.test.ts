import { promises as fs } from "node:fs";
import { capabilities } from "@dlt-ts/core";
import { parquetMetadata, parquetReadObjects } from "hyparquet";
import { parquetHeader } from "hyparquet/src/column.js";
import { ByteWriter } from "hyparquet-writer";
import { writeMetadata } from "hyparquet-writer/src/metadata.js";
import { pageBytesFor } from "../../src/writers/parquet/column-chunk-buffer.js";
import { openWriter, table, tempDir, writeWith } from "./writer-test-helpers.js";

const { dir, cleanup } = tempDir();
afterAll(cleanup);

const decoder = new TextDecoder();

function arrayBuffer(content: Buffer): ArrayBuffer {
  return content.buffer.slice(content.byteOffset, content.byteOffset + content.byteLength) as ArrayBuffer;
}

/** Reads rows back with raw micros for timestamps and raw bytes for binary/json columns. */
async function readBack(content: Buffer): Promise<Record<string, unknown>[]> {
  return parquetReadObjects({
    file: arrayBuffer(content),
    utf8: false,
    parsers: { timestampFromMicroseconds: (micros: bigint) => micros },
  });
}

const allTypes = table("events", {
  id: "bigint",
  name: "text",
  flag: "bool",
  at: "timestamp",
  local: { dataType: "timestamp", timezone: false },
  day: "date",
  clock: "time",
  price: "decimal",
  amount: { dataType: "wei", precision: 30, scale: 0 },
  ratio: "double",
  doc: "json",
  blob: "binary",
});

const fullRow = {
  id: 2n ** 62n + 1n,
  name: "naïve 😀 \u0000",
  flag: true,
  at: "2024-05-01T10:20:30.123456+02:00",
  local: new Date("2024-05-01T10:20:30.123Z"),
  day: "2024-05-01",
  clock: "12:34:56.000001",
  price: "12.3456789",
  amount: 123456789012345678901234567890n,
  ratio: 0.25,
  doc: { a: [1, "x"], big: 2n ** 64n },
  blob: new Uint8Array([0xde, 0xad]),
};

/** Rows of each page of every column chunk of the file, chunk by chunk (`column@rowGroup`). */
function pageRows(content: Buffer): Record<string, number[]> {
  const file = arrayBuffer(content);
  const view = new DataView(file);
  const pages: Record<string, number[]> = {};
  parquetMetadata(file).row_groups.forEach((group, g) => {
    for (const chunk of group.columns) {
      const meta = chunk.meta_data!;
      const reader = { view, offset: Number(meta.data_page_offset) };
      const end = reader.offset + Number(meta.total_compressed_size);
      const rows: number[] = [];
      while (reader.offset < end) {
        const header = parquetHeader(reader);
        rows.push(header.data_page_header_v2!.num_rows);
        reader.offset += header.compressed_page_size;
      }
      pages[`${meta.path_in_schema.join(".")}@${g}`] = rows;
    }
  });
  return pages;
}

describe("ParquetDataWriter", () => {
  it("maps dlt types to parquet types", async () => {
    const content = await writeWith(dir, "parquet", allTypes, [[fullRow]]);
    const { schema, num_rows, created_by } = parquetMetadata(arrayBuffer(content));
    expect(num_rows).toBe(1n);
    expect(created_by).toBe("dlt-ts");
    const types = Object.fromEntries(
      schema.slice(1).map((e) => [e.name, [e.type, e.converted_type ?? null, e.logical_type ?? null, e.repetition_type]]),
    );
    expect(types).toEqual({
      id: ["INT64", null, null, "OPTIONAL"],
      name: ["BYTE_ARRAY", "UTF8", { type: "STRING" }, "OPTIONAL"],
      flag: ["BOOLEAN", null, null, "OPTIONAL"],
      at: ["INT64", "TIMESTAMP_MICROS", { type: "TIMESTAMP", isAdjustedToUTC: true, unit: "MICROS" }, "OPTIONAL"],
      local: ["INT64", null, { type: "TIMESTAMP", isAdjustedToUTC: false, unit: "MICROS" }, "OPTIONAL"],
      day: ["INT32", "DATE", { type: "DATE" }, "OPTIONAL"],
      clock: ["INT64", "TIME_MICROS", { type: "TIME", isAdjustedToUTC: false, unit: "MICROS" }, "OPTIONAL"],
      price: ["FIXED_LEN_BYTE_ARRAY", "DECIMAL", { type: "DECIMAL", precision: 38, scale: 9 }, "OPTIONAL"],
      amount: ["FIXED_LEN_BYTE_ARRAY", "DECIMAL", { type: "DECIMAL", precision: 30, scale: 0 }, "OPTIONAL"],
      ratio: ["DOUBLE", null, null, "OPTIONAL"],
      doc: ["BYTE_ARRAY", null, { type: "JSON" }, "OPTIONAL"],
      blob: ["BYTE_ARRAY", null, null, "OPTIONAL"],
    });
    expect(schema.find((e) => e.name === "price")?.type_length).toBe(16);
  });

  it("reads back the same values, nulls included", async () => {
    const content = await writeWith(dir, "parquet", allTypes, [[fullRow, { id: 7n, name: "" }]]);
    const [first, second] = await readBack(content);
    expect(first.id).toBe(2n ** 62n + 1n);
    expect(first.name).toBe("naïve 😀 \u0000");
    expect(first.flag).toBe(true);
    expect(first.at).toBe(BigInt(Date.parse("2024-05-01T08:20:30.123Z")) * 1000n + 456n);
    expect(first.local).toBe(BigInt(Date.parse("2024-05-01T10:20:30.123Z")) * 1000n);
    expect(first.day).toEqual(new Date("2024-05-01T00:00:00Z"));
    expect(first.clock).toBe(45_296_000_001n);
    expect(first.price).toBeCloseTo(12.3456789, 9);
    expect(first.ratio).toBe(0.25);
    // json keeps the bigint's digits: check the stored text, not a JSON.parse of it.
    expect(decoder.decode(first.doc as Uint8Array)).toBe('{"a":[1,"x"],"big":18446744073709551616}');
    expect(Array.from(first.blob as Uint8Array)).toEqual([0xde, 0xad]);
    expect(second).toEqual({
      id: 7n,
      name: "",
      flag: null,
      at: null,
      local: null,
      day: null,
      clock: null,
      price: null,
      amount: null,
      ratio: null,
      doc: null,
      blob: null,
    });
  });

  it("writes every INT64 exactly: numbers, bigints and timestamps, at and beyond the safe integers", async () => {
    const edges = table("edges", { id: "bigint", at: "timestamp", naive: { dataType: "timestamp", timezone: false } });
    const ids = [0, -1, 1, -(2 ** 32), 2 ** 32 - 1, 2 ** 32, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 2n ** 63n - 1n, -(2n ** 63n), "-42"];
    const times = [
      "1970-01-01T00:00:00Z",
      "1969-12-31T23:59:59.999999Z",
      "2024-02-29T23:59:59.5Z",
      "2000-03-01T00:00:00.1234567Z",
      "0001-01-01T00:00:00Z",
      "0099-12-31T12:00:00.000001Z",
      "1600-01-01T00:00:00.000001Z",
      "2300-06-15T01:02:03.000004Z",
      "9999-12-31T23:59:59.999999Z",
      new Date(Date.UTC(1900, 0, 1)),
      1_700_000_000.25,
      1n,
    ];
    const rows = times.map((at, i) => ({ id: ids[i], at, naive: typeof at === "string" ? at.slice(0, -1) : null }));
    const back = await readBack(await writeWith(dir, "parquet", edges, [rows]));
    const micros = (text: string) => {
      // What the stored micros must be: whole seconds from Date (years below 100 set as written), then the digits.
      const [whole, fraction = ""] = text.slice(0, -1).split(".");
      const date = new Date(0);
      date.setUTCFullYear(Number(whole!.slice(0, 4)), Number(whole!.slice(5, 7)) - 1, Number(whole!.slice(8, 10)));
      date.setUTCHours(Number(whole!.slice(11, 13)), Number(whole!.slice(14, 16)), Number(whole!.slice(17, 19)), 0);
      return BigInt(date.getTime()) * 1000n + BigInt(fraction.slice(0, 6).padEnd(6, "0"));
    };
    expect(back.map((row) => row.id)).toEqual([...ids.map((id) => BigInt(id)), null]);
    expect(back.map((row) => row.at)).toEqual([
      ...times.slice(0, 9).map((text) => micros(text as string)),
      BigInt(Date.UTC(1900, 0, 1)) * 1000n,
      1_700_000_000_250_000n,
      1_000_000n,
    ]);
    expect(back.map((row) => row.naive)).toEqual([...times.slice(0, 9).map((text) => micros(text as string)), null, null, null]);
    expect(micros("1969-12-31T23:59:59.999999Z")).toBe(-1n);
  });

  it("writes one row group per parquetRowGroupSize rows", async () => {
    const rows = Array.from({ length: 25 }, (_, i) => ({ id: BigInt(i), name: `n${i}` }));
    const content = await writeWith(dir, "parquet", table("t", { id: "bigint", name: "text" }), [rows.slice(0, 7), rows.slice(7)], {
      parquetRowGroupSize: 10,
    });
    expect(parquetMetadata(arrayBuffer(content)).row_groups.map((g) => g.num_rows)).toEqual([10n, 10n, 5n]);
    expect(await readBack(content)).toEqual(rows);
  });

  it("gives wide tables smaller row groups by default, and sparse rows keep their nulls", async () => {
    const columns = Object.fromEntries(Array.from({ length: 600 }, (_, i) => [`c${i}`, "bigint" as const]));
    // Each row sets one column of its own: the other 599 columns of the row stay null.
    const rows = Array.from({ length: 7000 }, (_, i) => ({ [`c${i % 600}`]: BigInt(i) }));
    const content = await writeWith(dir, "parquet", table("wide", columns), [rows]);
    // 3 000 000 values per row group over 600 columns: 5 000 rows.
    expect(parquetMetadata(arrayBuffer(content)).row_groups.map((g) => g.num_rows)).toEqual([5000n, 2000n]);
    const back = await readBack(content);
    expect(back[6999]!.c399).toBe(6999n);
    expect(back[6999]!.c398).toBeNull();
    expect(back[0]!.c0).toBe(0n);
  });

  it("starts a new row group once 64 MiB of values are pending, whatever its rows", async () => {
    // 12 million characters a row: the 6th row takes the group past 64 MiB.
    const body = "a".repeat(12_000_000);
    const rows = Array.from({ length: 8 }, (_, i) => ({ id: BigInt(i), body }));
    const content = await writeWith(dir, "parquet", table("big", { id: "bigint", body: "text" }), [rows]);
    expect(parquetMetadata(arrayBuffer(content)).row_groups.map((g) => g.num_rows)).toEqual([6n, 2n]);
    const back = await parquetReadObjects({ file: arrayBuffer(content), columns: ["id"] });
    expect(back.map((row) => row.id)).toEqual(rows.map((row) => row.id));
  });

  it("writes the footer, row group by row group, byte for byte as hyparquet-writer writes the same metadata", async () => {
    const rows = Array.from({ length: 40 }, (_, i) => ({ ...fullRow, id: BigInt(i), name: i % 3 ? `n${i}` : null }));
    // 20 row groups: more than the 14 a one-byte thrift list header counts.
    const content = await writeWith(dir, "parquet", allTypes, [rows], { parquetRowGroupSize: 2 });
    const metadata = parquetMetadata(arrayBuffer(content));
    expect(metadata.row_groups).toHaveLength(20);
    const reference = new ByteWriter();
    writeMetadata(reference, metadata);
    const footerLength = content.readUInt32LE(content.length - 8);
    expect(Buffer.from(reference.getBytes())).toEqual(content.subarray(content.length - 8 - footerLength, content.length - 4));
    expect(metadata.created_by).toBe("dlt-ts");
    expect(metadata.num_rows).toBe(40n);
    expect((await readBack(content)).map((row) => row.id)).toEqual(rows.map((row) => row.id));
  });

  it("keeps every run of nulls and values, and repeated text, through its own encoder", async () => {
    // Runs of 1 to 20 values and nulls, so definition levels mix RLE runs and bit-packed groups;
    // long repeated text exercises snappy's copies; booleans are bit-packed values.
    const rows: Record<string, unknown>[] = [];
    let present = true;
    for (let run = 1; rows.length < 3000; run = (run % 20) + 1, present = !present) {
      for (let i = 0; i < run; i++) {
        const n = rows.length;
        rows.push(present ? { id: BigInt(n), name: `${"repeated text ".repeat(n % 7)}#${n}`, flag: n % 3 === 0 } : {});
      }
    }
    const content = await writeWith(dir, "parquet", table("runs", { id: "bigint", name: "text", flag: "bool" }), [rows], {
      parquetRowGroupSize: 1000,
    });
    const back = await readBack(content);
    expect(back).toEqual(rows.map((row) => ({ id: null, name: null, flag: null, ...row })));
  });

  it("keeps values that come and go from row to row, and the chunks around them", async () => {
    // Row groups of 1000 rows: an id in every third row (short runs only: levels as one bit-packed run),
    // a name in the rows of a pattern that repeats every 7, a flag in long runs, and a column with
    // no value in the first row group.
    const rows = Array.from({ length: 2500 }, (_, n) => ({
      id: n % 3 === 0 ? BigInt(n) : null,
      name: [0, 1, 4].includes(n % 7) ? `n${n}` : null,
      flag: Math.floor(n / 200) % 2 === 0 ? n % 2 === 0 : null,
      late: n >= 1000 && n % 2 === 1 ? `late${n}` : null,
    }));
    const content = await writeWith(dir, "parquet", table("sparse", { id: "bigint", name: "text", flag: "bool", late: "text" }), [rows], {
      parquetRowGroupSize: 1000,
    });
    expect(await readBack(content)).toEqual(rows);
  });

  it("closes a column's page once its share of the open pages waits, between rows, and reads back across pages", async () => {
    // A wide table's pages are small (their open pages add up), a narrow one's large.
    expect(pageBytesFor(600)).toBe(64 * 1024);
    expect(pageBytesFor(3)).toBe(1024 * 1024);
    // 10 000-character bodies in four rows of five: a page of body holds 105 of them (1 MiB);
    // ids (8 bytes each) and flags stay in one page a row group.
    const body = (n: number) => `${String(n).padStart(6, "0")}${"x".repeat(9_994)}`;
    const rows = Array.from({ length: 3000 }, (_, n) => ({ id: BigInt(n), body: n % 5 === 4 ? null : body(n), flag: n % 7 === 0 ? true : null }));
    const content = await writeWith(dir, "parquet", table("docs", { id: "bigint", body: "text", flag: "bool" }), [rows], {
      parquetRowGroupSize: 2000,
    });
    const pages = pageRows(content);
    expect(pages["id@0"]).toEqual([2000]);
    expect(pages["flag@1"]).toEqual([1000]);
    // 1600 bodies in the first row group: 15 full pages and one of 25; pages cover whole rows, the last one up to
    // the row group's end.
    expect(pages["body@0"]).toHaveLength(16);
    expect(pages["body@0"]!.reduce((a, b) => a + b)).toBe(2000);
    expect(pages["body@1"]!.reduce((a, b) => a + b)).toBe(1000);
    const back = await readBack(content);
    // Compared as one boolean: a diff of 3000 rows of 10 000 characters would take jest minutes to print.
    expect(back.length === rows.length && back.every((row, n) => row.id === rows[n]!.id && row.body === rows[n]!.body && row.flag === rows[n]!.flag)).toBe(true);
  });

  it("drops a failed row whole though its first value opened a new page, and goes on after it", async () => {
    const schema = table("docs", { body: "text", id: "bigint" });
    const { writer, filePath } = openWriter(dir, "parquet", schema);
    const good = (n: number) => ({ body: `${String(n).padStart(4, "0")}:${"y".repeat(9_995)}`, id: BigInt(n) });
    // 105 bodies of 10 000 characters fill the first page (1 MiB): the body of the next row closes it, then its id fails.
    for (let n = 0; n < 105; n++) await writer.write([good(n)]);
    await expect(writer.write([{ body: "failed row", id: 1.5 }])).rejects.toThrow('column "id"');
    for (let n = 105; n < 300; n++) await writer.write([good(n)]);
    await writer.close();
    const content = await fs.readFile(filePath);
    expect(pageRows(content)["body@0"]![0]).toBe(105);
    const back = await readBack(content);
    expect(back).toHaveLength(300);
    expect(back.map((row) => row.id)).toEqual(Array.from({ length: 300 }, (_, n) => BigInt(n)));
    expect(back.every((row, n) => row.body === good(n).body)).toBe(true);
  });

  it("uses the destination's decimal precision and refuses values that overflow it", async () => {
    const caps = capabilities({ decimalPrecision: [5, 2] });
    const schema = table("t", { price: "decimal" });
    const content = await writeWith(dir, "parquet", schema, [[{ price: "999.994" }, { price: -1.5 }]], { capabilities: caps });
    expect((await readBack(content)).map((r) => r.price)).toEqual([999.99, -1.5]);
    await expect(writeWith(dir, "parquet", schema, [[{ price: "999.995" }]], { capabilities: caps })).rejects.toThrow(
      'Cannot write value "999.995" (string) of column "price" in table "t" as decimal: more than 5 digits (DECIMAL(5, 2)).',
    );
  });

  it("refuses values of the wrong kind, naming the column", async () => {
    await expect(writeWith(dir, "parquet", allTypes, [[{ id: 1.5 }]])).rejects.toThrow(
      'Cannot write value 1.5 (number) of column "id" in table "events" as bigint: expected an integer.',
    );
    await expect(writeWith(dir, "parquet", allTypes, [[{ id: 2n ** 63n }]])).rejects.toThrow(
      "out of the 64-bit integer range",
    );
  });
});
