/*
 * What a sink's write() receives, type by type, from jsonl and from parquet
 * job files: the same JS values whatever the format (the README's table),
 * through pipeline() and destination() from "dlt-ts".
 */
import "reflect-metadata";
import { promises as fs } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { destination, pipeline, type ColumnsHint, type DataItem, type TableSchema } from "dlt-ts";

let dir: string;

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "dlt-ts-sink-typed-"));
});

afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

interface Received {
  items: DataItem[];
  table: TableSchema;
}

/** Runs `data` into a sink writing `format` files and returns what write() got. */
async function deliver(format: "jsonl" | "parquet", data: object[], columns: ColumnsHint = {}): Promise<Received[]> {
  const received: Received[] = [];
  const sink = destination(
    (items: DataItem[] | string, table: TableSchema) => {
      received.push({ items: items as DataItem[], table });
    },
    { name: `typed_${format}`, loaderFileFormat: format, batchSize: 100 },
  );
  const p = pipeline({ pipelineName: `typed_${format}`, pipelinesDir: path.join(dir, format), destination: sink, progress: "none", projectDir: dir });
  const info = await p.run(data, { tableName: "items", columns });
  expect(info.hasFailedJobs).toBe(false);
  return received;
}

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

const hints: ColumnsHint = {
  naive: { dataType: "timestamp", timezone: false },
  day: { dataType: "date" },
  clock: { dataType: "time" },
  huge: { dataType: "double" },
  price: { dataType: "decimal" },
  amount: { dataType: "wei" },
  bytes: { dataType: "binary" },
};

const row = {
  text: "a",
  ratio: 0.5,
  huge: 1e20,
  flag: true,
  at: "2024-05-01T10:20:45.176451+02:00",
  at_space: "2024-05-01 10:20:45.176451",
  at_utc: "2024-05-01T10:20:45.176451Z",
  at_date: new Date("2024-05-01T10:20:45.176Z"),
  naive: "2024-05-01 10:20:45.176451",
  day: "2024-05-01",
  clock: "10:20:45.176451",
  big: INT64_MAX,
  low: INT64_MIN,
  safe: 9007199254740991,
  small: 42,
  bytes: new Uint8Array([0xff, 0xfe, 0x00, 0x80]),
  doc: { n: INT64_MAX, list: [1, "x", { deep: 12345678901234567890n }] },
  price: 12.5,
  amount: 10n ** 30n,
};

/** What write() gets for `row`, from either format. */
const expected = {
  text: "a",
  ratio: 0.5,
  huge: 1e20,
  flag: true,
  at: "2024-05-01T08:20:45.176451Z",
  at_space: "2024-05-01T10:20:45.176451Z",
  at_utc: "2024-05-01T10:20:45.176451Z",
  at_date: "2024-05-01T10:20:45.176Z",
  naive: "2024-05-01T10:20:45.176451",
  day: "2024-05-01",
  clock: "10:20:45.176451",
  big: INT64_MAX,
  low: INT64_MIN,
  safe: 9007199254740991,
  small: 42,
  bytes: Buffer.from([0xff, 0xfe, 0x00, 0x80]),
  doc: { n: INT64_MAX, list: [1, "x", { deep: 12345678901234567890n }] },
  price: "12.5",
  amount: "1000000000000000000000000000000",
};

describe.each(["jsonl", "parquet"] as const)("sink items from %s files", (format) => {
  it("carry one JS type per dlt type: exact integers, bytes, ISO text with microseconds, exact decimals", async () => {
    const [call, ...more] = await deliver(format, [row], hints);
    expect(more).toEqual([]);
    const item = call!.items[0]!;
    expect(item).toEqual(expected);
    expect(typeof item.big).toBe("bigint");
    expect(typeof item.safe).toBe("number");
    expect(Buffer.isBuffer(item.bytes)).toBe(true);
    const types = Object.fromEntries(Object.values(call!.table.columns).map((c) => [c.name, c.dataType]));
    expect(types).toEqual({
      text: "text",
      ratio: "double",
      huge: "double",
      flag: "bool",
      at: "timestamp",
      at_space: "timestamp",
      at_utc: "timestamp",
      at_date: "timestamp",
      naive: "timestamp",
      day: "date",
      clock: "time",
      big: "bigint",
      low: "bigint",
      safe: "bigint",
      small: "bigint",
      bytes: "binary",
      doc: "json",
      price: "decimal",
      amount: "wei",
    });
    expect(call!.table.columns.naive!.timezone).toBe(false);
  });

  it("keep bytes that are not UTF-8 as they are", async () => {
    const bytes = new Uint8Array([0xff, 0xfe, 0x00, 0x80, 0xc3]);
    const [call] = await deliver(format, [{ id: 1, payload: bytes }]);
    expect(call!.table.columns.payload!.dataType).toBe("binary");
    expect([...(call!.items[0]!.payload as Uint8Array)]).toEqual([0xff, 0xfe, 0x00, 0x80, 0xc3]);
  });

  it("deliver int8 bounds exactly, next to ordinary numbers and nulls", async () => {
    const rows = [{ id: 1, n: INT64_MAX }, { id: 2, n: 7 }, { id: 3, n: INT64_MIN }, { id: 4, n: null, note: "x" }];
    const [call] = await deliver(format, rows);
    expect(call!.items.map((item) => item.n ?? null)).toEqual([INT64_MAX, 7, INT64_MIN, null]);
    expect(call!.items.map((item) => item.id)).toEqual([1, 2, 3, 4]);
  });

  it("keep naive timestamps naive and convert zoned ones to UTC in a timezone: false column", async () => {
    const rows = [
      { id: 1, at: "2024-05-01T10:20:45.176451+02:00" },
      { id: 2, at: "2024-05-01 10:20:45.176451" },
      { id: 3, at: "2024-05-01T10:20:45Z" },
    ];
    const [call] = await deliver(format, rows, { at: { dataType: "timestamp", timezone: false } });
    expect(call!.items.map((item) => item.at)).toEqual(["2024-05-01T08:20:45.176451", "2024-05-01T10:20:45.176451", "2024-05-01T10:20:45"]);
  });
});
