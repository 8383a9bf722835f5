import { promises as fs } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { TableSchema } from "@dlt-ts/core";
import { parquetWriteBuffer } from "hyparquet-writer";
import { readJsonlBatches, readParquetBatches } from "../src/sink-item-readers.js";
import { ReadGate } from "../src/read-gate.js";

async function collect(gen: AsyncGenerator<Record<string, unknown>[]>): Promise<Record<string, unknown>[][]> {
  const out: Record<string, unknown>[][] = [];
  for await (const batch of gen) out.push(batch);
  return out;
}

const untyped: TableSchema = { name: "t", columns: {} };

describe("readJsonlBatches", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "dlt-ts-jsonl-"));
  });
  afterAll(() => fs.rm(dir, { recursive: true, force: true }));

  it("keeps lines that span read chunks whole, multi-byte characters included", async () => {
    const long = "ä€😀".repeat(300_000); // ~2.7 MB of 2-, 3- and 4-byte characters: spans several 1 MB chunks
    const file = path.join(dir, "long.jsonl");
    await fs.writeFile(file, [{ id: 0, text: long }, { id: 1, text: "short" }, { id: 2, text: long }].map((r) => JSON.stringify(r)).join("\r\n"));
    const batches = await collect(readJsonlBatches(file, untyped, 0, 2));
    expect(batches.map((b) => b.map((r) => r["id"]))).toEqual([[0, 1], [2]]);
    expect(batches[1]![0]!["text"]).toBe(long);
  });

  it("skips the items already delivered, also when the skip ends mid-batch", async () => {
    const file = path.join(dir, "ids.jsonl");
    await fs.writeFile(file, Array.from({ length: 10 }, (_, id) => JSON.stringify({ id })).join("\n") + "\n\n");
    const batches = await collect(readJsonlBatches(file, untyped, 7, 2));
    expect(batches).toEqual([[{ id: 7 }, { id: 8 }], [{ id: 9 }]]);
    expect(await collect(readJsonlBatches(file, untyped, 10, 2))).toEqual([]);
  });
});

describe("typed items", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "dlt-ts-typed-"));
  });
  afterAll(() => fs.rm(dir, { recursive: true, force: true }));

  const typed: TableSchema = {
    name: "t",
    columns: {
      id: { name: "id", dataType: "bigint" },
      ratio: { name: "ratio", dataType: "double" },
      blob: { name: "blob", dataType: "binary" },
      price: { name: "price", dataType: "decimal" },
      doc: { name: "doc", dataType: "json" },
    },
  };

  it("jsonl: only the columns whose type needs it are converted, long integers parsed exactly", async () => {
    const file = path.join(dir, "typed.jsonl");
    const lines = [
      '{"id":1,"ratio":0.5,"blob":"/wA=","price":12.5,"doc":{"blob":"/wA="},"extra":"/wA="}',
      '{"id":9223372036854775807,"ratio":100000000000000000000,"price":123456789012345678901234567890,"doc":[18446744073709551616]}',
      '{"id":null,"blob":null,"price":"0.10"}',
    ];
    await fs.writeFile(file, `${lines.join("\n")}\n`);
    const [batch] = await collect(readJsonlBatches(file, typed, 0, 10));
    expect(batch).toEqual([
      // Base64 inside json values or in columns of other types stays text: only binary columns hold bytes.
      { id: 1, ratio: 0.5, blob: Buffer.from([0xff, 0x00]), price: "12.5", doc: { blob: "/wA=" }, extra: "/wA=" },
      { id: 9223372036854775807n, ratio: 1e20, price: "123456789012345678901234567890", doc: [18446744073709551616n] },
      { id: null, blob: null, price: "0.10" },
    ]);
    expect(Buffer.isBuffer(batch![0]!.blob)).toBe(true);
  });

  it("parquet: decimals exact, times as text, legacy millisecond timestamps, unannotated bytes as a Buffer", async () => {
    const file = path.join(dir, "typed.parquet");
    const content = parquetWriteBuffer({
      columnData: [
        { name: "price", data: [12.5, -0.05, null] },
        { name: "clock", data: [37_245_123, 0, null] },
        { name: "old_ts", data: [1_714_558_845_176n, 0n, null] },
        { name: "raw", data: [new Uint8Array([0xff, 0x00]), new Uint8Array([]), null] },
      ],
      schema: [
        { name: "root", num_children: 4 },
        { name: "price", type: "INT32", converted_type: "DECIMAL", precision: 9, scale: 2, repetition_type: "OPTIONAL" },
        { name: "clock", type: "INT32", converted_type: "TIME_MILLIS", repetition_type: "OPTIONAL" },
        { name: "old_ts", type: "INT64", converted_type: "TIMESTAMP_MILLIS", repetition_type: "OPTIONAL" },
        { name: "raw", type: "BYTE_ARRAY", repetition_type: "OPTIONAL" },
      ],
    });
    await fs.writeFile(file, new Uint8Array(content));
    const [batch] = await collect(readParquetBatches(file, untyped, 0, 10));
    expect(batch).toEqual([
      { price: "12.5", clock: "10:20:45.123", old_ts: "2024-05-01T10:20:45.176Z", raw: Buffer.from([0xff, 0x00]) },
      { price: "-0.05", clock: "00:00:00", old_ts: "1970-01-01T00:00:00Z", raw: Buffer.alloc(0) },
      { price: null, clock: null, old_ts: null, raw: null },
    ]);
  });
});

describe("ReadGate", () => {
  it("lets at most `slots` tasks run at once, the rest in arrival order", async () => {
    const gate = new ReadGate(2);
    let running = 0;
    let max = 0;
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        gate.run(async () => {
          running += 1;
          max = Math.max(max, running);
          await new Promise((r) => setTimeout(r, 2));
          order.push(i);
          running -= 1;
        }),
      ),
    );
    expect(max).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it("frees the slot when a task throws", async () => {
    const gate = new ReadGate(1);
    await expect(gate.run(async () => Promise.reject(new Error("x")))).rejects.toThrow("x");
    await expect(gate.run(async () => 5)).resolves.toBe(5);
  });
});
