import { mkdtempSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pipeline, type ColumnsHint, type LoaderFileFormat, type SqlClient } from "dlt-ts";
import { postgres } from "@dlt-ts/destination-postgres";
import { TEST_URL, dropDatasets, ensureTestDatabase, uniqueDataset } from "./pg-test-utils.js";

/*
 * Timestamps keep their microseconds on the way into a real Postgres, in
 * every ISO form a source sends, through both file formats Postgres loads;
 * a column hinted `timezone: false` is `timestamp without time zone` and
 * holds naive values as naive (UTC wall-clock time), as dlt does.
 */

const prefix = uniqueDataset("ts");
const dirs: string[] = [];
const clients: SqlClient[] = [];

beforeAll(ensureTestDatabase);
afterAll(async () => {
  for (const client of clients) await client.close();
  await dropDatasets(prefix);
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function load(format: LoaderFileFormat, rows: object[], columns: ColumnsHint): Promise<SqlClient> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "dlt-ts-pg-ts-"));
  dirs.push(dir);
  const p = pipeline({
    pipelineName: `ts_${format}`,
    pipelinesDir: dir,
    destination: postgres({ credentials: TEST_URL }),
    datasetName: `${prefix}_${format}`,
    progress: "none",
  });
  const info = await p.run(rows, { tableName: "events", loaderFileFormat: format, columns });
  expect(info.hasFailedJobs).toBe(false);
  const client = await p.sqlClient();
  clients.push(client);
  return client;
}

const rows = [
  { id: 1, at: "2024-05-01T10:20:45.176451+02:00", naive: "2024-05-01T10:20:45.176451+02:00" },
  { id: 2, at: "2024-05-01 10:20:45.176451", naive: "2024-05-01 10:20:45.176451" },
  { id: 3, at: "2024-05-01T10:20:45.176451Z", naive: "2024-05-01T10:20:45.176451" },
  { id: 4, at: "2024-05-01T10:20:45.176451+00:00", naive: "2024-05-01T10:20:45.000001Z" },
  { id: 5, at: "2024-05-01T10:20:45.1234567-01:30", naive: "2024-05-01 23:59:59.999999-00:30" },
  { id: 6, at: new Date("2024-05-01T10:20:45.176Z"), naive: new Date("2024-05-01T10:20:45.176Z") },
];

describe.each<LoaderFileFormat>(["csv", "insert_values"])("timestamps loaded from %s files", (format) => {
  it("keep their microseconds; timezone: false columns are `timestamp without time zone` with naive UTC wall-clock times", async () => {
    const client = await load(format, rows, { naive: { dataType: "timestamp", timezone: false } });
    const types = await client.query<{ column_name: string; data_type: string }>(
      "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = %s AND table_name = 'events' AND column_name IN ('at', 'naive') ORDER BY column_name",
      [client.datasetName],
    );
    expect(types).toEqual([
      { column_name: "at", data_type: "timestamp with time zone" },
      { column_name: "naive", data_type: "timestamp without time zone" },
    ]);
    // The session time zone is UTC (the SQL client sets it); to_char shows every microsecond.
    const stored = await client.query<{ id: string; at: string; naive: string }>(
      `SELECT id::text AS id, to_char("at", 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "at", to_char(naive, 'YYYY-MM-DD"T"HH24:MI:SS.US') AS naive
       FROM ${client.makeQualifiedTableName("events")} ORDER BY id`,
    );
    expect(stored.map((r) => [r.id, r.at, r.naive])).toEqual([
      ["1", "2024-05-01T08:20:45.176451Z", "2024-05-01T08:20:45.176451"],
      ["2", "2024-05-01T10:20:45.176451Z", "2024-05-01T10:20:45.176451"],
      ["3", "2024-05-01T10:20:45.176451Z", "2024-05-01T10:20:45.176451"],
      ["4", "2024-05-01T10:20:45.176451Z", "2024-05-01T10:20:45.000001"],
      // A 7th fraction digit is cut (dlt keeps microseconds); -00:30 crosses midnight.
      ["5", "2024-05-01T11:50:45.123456Z", "2024-05-02T00:29:59.999999"],
      // A JS Date has milliseconds only.
      ["6", "2024-05-01T10:20:45.176000Z", "2024-05-01T10:20:45.176000"],
    ]);
    // Read back as an instant, whatever the session's zone: the offset form is the same moment.
    const [instant] = await client.query<{ same: boolean }>(
      `SELECT "at" = '2024-05-01T10:20:45.176451+02:00'::timestamptz AS same FROM ${client.makeQualifiedTableName("events")} WHERE id = 1`,
    );
    expect(instant!.same).toBe(true);
  }, 60_000);
});
