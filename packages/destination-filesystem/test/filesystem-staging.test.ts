import { readFileSync } from "node:fs";
import * as path from "node:path";
import { ListObjectsV2Command, type ListObjectsV2CommandOutput } from "@aws-sdk/client-s3";
import { pipeline, type LoadInfo, type Pipeline } from "dlt-ts";
import { destination as sinkDestination } from "dlt-ts";
import type { Destination } from "@dlt-ts/core";
import { duckdb } from "@dlt-ts/destination-duckdb";
import { postgres } from "@dlt-ts/destination-postgres";
import { filesystem, type FilesystemDestinationOptions } from "@dlt-ts/destination-filesystem";
import { dropDatasets, ensureTestDatabase, TEST_URL, uniqueDataset } from "../../destination-postgres/test/pg-test-utils.js";
import { S3RVER_ACCESS_KEY_ID, startS3Server, type TestS3Server } from "./s3-test-server.js";
import { itemRows, listFiles, removeTempDirs, tempDir, type Row } from "./filesystem-test-utils.js";

/*
 * Staging (`pipeline({ destination, staging: "filesystem" })`): job files go
 * to a bucket first and the destination loads them from there through
 * reference jobs. Real parts only: DuckDB embedded, the Postgres server,
 * local folders and an S3-compatible server (s3rver) on 127.0.0.1.
 */

const BUCKET = "stage";
const SECRET = "staging-test-SeCrEt-51c0ffee";
const PREFIX = "fs_stage";

let server: TestS3Server;

beforeAll(async () => {
  await ensureTestDatabase();
  server = await startS3Server([BUCKET]);
}, 60_000);

afterAll(async () => {
  await server?.stop();
  await dropDatasets(PREFIX);
  removeTempDirs();
});

function s3Stage(options: FilesystemDestinationOptions = {}): Destination {
  return filesystem({
    bucketUrl: `s3://${BUCKET}/staged`,
    credentials: { awsAccessKeyId: S3RVER_ACCESS_KEY_ID, awsSecretAccessKey: SECRET, endpointUrl: server.endpoint },
    ...options,
  });
}

interface Target {
  label: string;
  destination: () => Destination;
  /** Rows of a table, ordered by id, as plain values. */
  read: (p: Pipeline, table: string, columns: string) => Promise<Row[]>;
}

async function readSql(p: Pipeline, table: string, columns: string): Promise<Row[]> {
  const rows = await p.dataset().query(`SELECT ${columns} FROM ${table} ORDER BY 1`);
  return rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === "bigint" ? Number(v) : v])));
}

const targets: Target[] = [
  { label: "duckdb", destination: () => duckdb({ credentials: path.join(tempDir("stage-db"), "stage.duckdb") }), read: readSql },
  { label: "postgres", destination: () => postgres({ credentials: TEST_URL }), read: readSql },
];

function stagedPipeline(name: string, target: Destination, staging: Destination | string | undefined, datasetName: string): Pipeline {
  return pipeline({
    pipelineName: name,
    pipelinesDir: tempDir("stage-pipelines"),
    destination: target,
    ...(staging ? { staging } : {}),
    datasetName,
    progress: "none",
  });
}

function jobNames(info: LoadInfo): string[] {
  return info.loadPackages.flatMap((p) => p.jobs.filter((j) => j.state === "completed").map((j) => j.fileName));
}

async function s3Keys(prefix: string): Promise<string[]> {
  const page = (await server.client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }))) as ListObjectsV2CommandOutput;
  return (page.Contents ?? []).map((o) => o.Key!).sort();
}

const ITEM_COLUMNS = "id, name, score, active, owner__login";
const TAG_COLUMNS = "value, _dlt_list_idx";

describe.each(targets)("staging into $label", ({ label, destination, read }) => {
  const rows = itemRows([1, 2, 3, 4, 5]);

  test("through a file:// stage: the same rows as a direct load, loaded by reference jobs", async () => {
    const direct = stagedPipeline(`${label}_direct`, destination(), undefined, uniqueDataset(`${PREFIX}_direct`));
    await direct.run(rows, { tableName: "items" });

    const bucket = tempDir("stage-bucket");
    const dataset = uniqueDataset(PREFIX);
    const staged = stagedPipeline(`${label}_staged`, destination(), filesystem({ bucketUrl: `file://${bucket}` }), dataset);
    const info = await staged.run(rows, { tableName: "items" });

    expect(await read(staged, "items", ITEM_COLUMNS)).toEqual(await read(direct, "items", ITEM_COLUMNS));
    expect(await read(staged, "items__tags", TAG_COLUMNS)).toEqual(await read(direct, "items__tags", TAG_COLUMNS));

    const format = label === "duckdb" ? "parquet" : "csv";
    const jobs = jobNames(info);
    expect(jobs.filter((j) => j.startsWith("items.") && j.endsWith(".reference"))).toHaveLength(1);
    expect(jobs.filter((j) => j.startsWith("items.") && j.endsWith(`.${format}`))).toHaveLength(1);
    expect(jobs.some((j) => j.startsWith("items__tags.") && j.endsWith(".reference"))).toBe(true);
    expect(info.stagingName).toBe("filesystem");
    expect(info.toString()).toContain(`The filesystem staging destination used file://${bucket} location to stage data`);

    // dlt's layout under <bucket>/<dataset>/: the staged files stay (as dlt's, until the next load truncates them).
    const files = listFiles(path.join(bucket, dataset));
    expect(files.filter((f) => f.startsWith("items/"))).toEqual([expect.stringMatching(new RegExp(`^items/${info.loadsIds[0]!.replace(".", "\\.")}\\.[^.]+\\.${format}$`))]);
    expect(files.some((f) => f.startsWith("items__tags/"))).toBe(true);
  });

  test("through an s3:// stage: same rows, no secret in LoadInfo, trace or staged files", async () => {
    const dataset = uniqueDataset(PREFIX);
    const staged = stagedPipeline(`${label}_s3`, destination(), s3Stage(), dataset);
    const info = await staged.run(rows, { tableName: "items" });

    const items = await read(staged, "items", "id, name");
    expect(items).toEqual(rows.map((r) => ({ id: r.id, name: r.name })));
    expect((await read(staged, "items__tags", "value")).map((r) => r.value).sort()).toEqual(rows.flatMap((r) => r.tags as string[]).sort());
    expect(jobNames(info).filter((j) => j.endsWith(".reference")).length).toBeGreaterThanOrEqual(2);
    expect((await s3Keys(`staged/${dataset}/items/`)).length).toBe(1);

    expect(JSON.stringify(info)).not.toContain(SECRET);
    expect(info.toString()).toContain(`The filesystem staging destination used s3://${BUCKET}/staged location to stage data`);
    expect(readFileSync(path.join(staged.workingDir, "trace.json"), "utf8")).not.toContain(SECRET);
  });

  test("merge through the stage upserts by primary key", async () => {
    const dataset = uniqueDataset(PREFIX);
    const bucket = tempDir("stage-bucket");
    const staged = stagedPipeline(`${label}_merge`, destination(), filesystem({ bucketUrl: bucket }), dataset);
    const hints = { tableName: "users", primaryKey: "id", writeDisposition: "merge" as const };
    await staged.run([{ id: 1, name: "a" }, { id: 2, name: "b" }], hints);
    await staged.run([{ id: 2, name: "b2" }, { id: 3, name: "c" }], hints);
    expect(await read(staged, "users", "id, name")).toEqual([
      { id: 1, name: "a" },
      { id: 2, name: "b2" },
      { id: 3, name: "c" },
    ]);
  });
});

describe("staged files between loads", () => {
  test("a new load removes the table's earlier staged files, unless truncate_tables_on_staging_destination_before_load is off", async () => {
    const bucket = tempDir("stage-bucket");
    const dataset = uniqueDataset(PREFIX);
    const db = path.join(tempDir("stage-db"), "truncate.duckdb");
    const tableFiles = () => listFiles(path.join(bucket, dataset)).filter((f) => f.startsWith("events/"));

    const truncating = stagedPipeline("truncating", duckdb({ credentials: db }), filesystem({ bucketUrl: bucket }), dataset);
    await truncating.run([{ id: 1 }], { tableName: "events" });
    const first = tableFiles();
    await truncating.run([{ id: 2 }], { tableName: "events" });
    const second = tableFiles();
    expect(first).toHaveLength(1);
    expect(second).toHaveLength(1);
    expect(second[0]).not.toBe(first[0]);

    const keeping = stagedPipeline(
      "keeping",
      duckdb({ credentials: db, truncateTablesOnStagingDestinationBeforeLoad: false }),
      filesystem({ bucketUrl: bucket }),
      dataset,
    );
    await keeping.run([{ id: 3 }], { tableName: "events" });
    expect(tableFiles()).toHaveLength(2);
    expect(Number((await keeping.dataset().query("SELECT count(*) AS n FROM events"))[0]!.n)).toBe(3);
  });
});

describe("staging that cannot work fails before any data is read", () => {
  test("a destination that cannot load from a stage", async () => {
    const sink = sinkDestination(() => undefined, { name: "noop" });
    const p = stagedPipeline("sink_staged", sink, filesystem({ bucketUrl: tempDir("stage-bucket") }), "d");
    let read = false;
    const data = function* () {
      read = true;
      yield { id: 1 };
    };
    await expect(p.run(data(), { tableName: "t" })).rejects.toThrow(
      /Destination noop cannot load from a stage, and staging destination filesystem stores jsonl, csv, parquet: they share no file format/,
    );
    expect(read).toBe(false);
  });

  test("a staging destination that keeps no files", async () => {
    const p = stagedPipeline("duckdb_as_stage", duckdb({ credentials: path.join(tempDir("stage-db"), "x.duckdb") }), duckdb(), "d");
    await expect(p.run([{ id: 1 }], { tableName: "t" })).rejects.toThrow(/Destination duckdb cannot be a staging destination/);
  });
});
