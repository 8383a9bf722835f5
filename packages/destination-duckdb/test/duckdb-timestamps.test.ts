import type { LoaderFileFormat } from "dlt-ts";
import { closeClients, newPipeline, removeTempDirs, sqlOf } from "./duckdb-test-utils.js";

/*
 * Timestamps keep their microseconds on the way into DuckDB, in every ISO
 * form a source sends, through every file format DuckDB loads; a column
 * hinted `timezone: false` stores naive values as naive (TIMESTAMP).
 */

afterEach(closeClients);
afterAll(removeTempDirs);

/** Microseconds since the epoch of a UTC wall-clock time. */
const utcMicros = (iso: string, micros: number): string => String(BigInt(Date.parse(iso)) * 1000n + BigInt(micros));

const rows = [
  { id: 1, at: "2024-05-01T10:20:45.176451+02:00", naive: "2024-05-01T10:20:45.176451+02:00" },
  { id: 2, at: "2024-05-01 10:20:45.176451", naive: "2024-05-01 10:20:45.176451" },
  { id: 3, at: "2024-05-01T10:20:45.176451Z", naive: "2024-05-01T10:20:45.176451" },
  { id: 4, at: "2024-05-01T10:20:45.176451+00:00", naive: "2024-05-01T10:20:45.000001Z" },
  { id: 5, at: "2024-05-01T10:20:45.1234567-01:30", naive: "2024-05-01 23:59:59.999999-00:30" },
];

describe.each<LoaderFileFormat>(["parquet", "jsonl", "csv", "insert_values"])("timestamps loaded from %s files", (format) => {
  it("keep their microseconds; timezone: false columns are TIMESTAMP and hold naive UTC wall-clock times", async () => {
    const p = newPipeline(`ts_${format}`);
    const info = await p.run(rows, {
      tableName: "events",
      loaderFileFormat: format,
      columns: { naive: { dataType: "timestamp", timezone: false } },
    });
    expect(info.hasFailedJobs).toBe(false);
    const client = await sqlOf(p);
    const types = await client.query<{ column_name: string; data_type: string }>(
      "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = %s AND table_name = 'events' AND column_name IN ('at', 'naive') ORDER BY column_name",
      [client.datasetName],
    );
    expect(types).toEqual([
      { column_name: "at", data_type: "TIMESTAMP WITH TIME ZONE" },
      { column_name: "naive", data_type: "TIMESTAMP" },
    ]);
    const stored = await client.query<{ id: number; at_us: string; at_text: string; naive_text: string }>(
      `SELECT id, CAST(epoch_us("at") AS VARCHAR) AS at_us, CAST("at" AS VARCHAR) AS at_text, CAST(naive AS VARCHAR) AS naive_text
       FROM ${client.makeQualifiedTableName("events")} ORDER BY id`,
    );
    expect(stored.map((r) => [Number(r.id), r.at_us, r.at_text, r.naive_text])).toEqual([
      [1, utcMicros("2024-05-01T08:20:45Z", 176451), "2024-05-01 08:20:45.176451+00", "2024-05-01 08:20:45.176451"],
      [2, utcMicros("2024-05-01T10:20:45Z", 176451), "2024-05-01 10:20:45.176451+00", "2024-05-01 10:20:45.176451"],
      [3, utcMicros("2024-05-01T10:20:45Z", 176451), "2024-05-01 10:20:45.176451+00", "2024-05-01 10:20:45.176451"],
      [4, utcMicros("2024-05-01T10:20:45Z", 176451), "2024-05-01 10:20:45.176451+00", "2024-05-01 10:20:45.000001"],
      // A 7th fraction digit is cut (dlt keeps microseconds); -00:30 crosses midnight.
      [5, utcMicros("2024-05-01T11:50:45Z", 123456), "2024-05-01 11:50:45.123456+00", "2024-05-02 00:29:59.999999"],
    ]);
  }, 60_000);
});

it("a JS Date keeps its milliseconds, in zoned and naive columns alike", async () => {
  const p = newPipeline("ts_dates");
  const at = new Date("2024-05-01T10:20:45.176Z");
  await p.run([{ id: 1, at, naive: at }], { tableName: "events", columns: { naive: { dataType: "timestamp", timezone: false } } });
  const client = await sqlOf(p);
  const [row] = await client.query<{ at_text: string; naive_text: string }>(
    `SELECT CAST("at" AS VARCHAR) AS at_text, CAST(naive AS VARCHAR) AS naive_text FROM ${client.makeQualifiedTableName("events")}`,
  );
  expect(row).toEqual({ at_text: "2024-05-01 10:20:45.176+00", naive_text: "2024-05-01 10:20:45.176" });
}, 60_000);
