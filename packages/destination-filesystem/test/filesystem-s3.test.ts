import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { GetObjectCommand, ListObjectsV2Command, type ListObjectsV2CommandOutput } from "@aws-sdk/client-s3";
import type { Pipeline } from "dlt-ts";
import { filesystem, type FilesystemDestinationOptions } from "@dlt-ts/destination-filesystem";
import { S3RVER_ACCESS_KEY_ID, startS3Server, type TestS3Server } from "./s3-test-server.js";
import {
  closeDuckdb,
  expectedItems,
  expectedTags,
  FORMATS,
  ITEM_SELECT,
  itemRows,
  newPipeline,
  queryFiles,
  removeTempDirs,
  TAG_SELECT,
  tempDir,
  type FileFormat,
} from "./filesystem-test-utils.js";

/*
 * The same pipelines against s3://, on an S3-compatible server (s3rver)
 * this suite starts on 127.0.0.1: the real AWS SDK client, real HTTP.
 */

const BUCKET = "lake";
/** s3rver does not check the secret: one only this suite knows, to look for it where it must not be. */
const SECRET = "fs-test-SeCrEt-7f3a9c2e";

let server: TestS3Server;

beforeAll(async () => {
  server = await startS3Server([BUCKET]);
}, 30_000);

afterAll(async () => {
  await server?.stop();
  closeDuckdb();
  removeTempDirs();
});

function credentials() {
  return { awsAccessKeyId: S3RVER_ACCESS_KEY_ID, awsSecretAccessKey: SECRET, endpointUrl: server.endpoint };
}

function s3Pipeline(name: string, pipelinesDir: string, options: FilesystemDestinationOptions = {}): Pipeline {
  return newPipeline(name, filesystem({ bucketUrl: `s3://${BUCKET}/raw`, credentials: credentials(), ...options }), pipelinesDir);
}

/** Keys under a prefix, listed with the suite's own client. */
async function keys(prefix: string): Promise<string[]> {
  const found: string[] = [];
  let token: string | undefined;
  do {
    const page = (await server.client.send(
      new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix, ...(token ? { ContinuationToken: token } : {}) }),
    )) as ListObjectsV2CommandOutput;
    for (const object of page.Contents ?? []) found.push(object.Key!);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return found.sort();
}

async function download(key: string, dir: string): Promise<string> {
  const output = await server.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  const file = path.join(dir, key);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, Buffer.from(await output.Body!.transformToByteArray()));
  return file;
}

/** Downloads a table's objects and returns the local files, for DuckDB. */
async function tableFiles(prefix: string): Promise<string[]> {
  const dir = tempDir("s3-read");
  return Promise.all((await keys(prefix)).map((key) => download(key, dir)));
}

describe.each(FORMATS)("%s files in an s3:// bucket", (format: FileFormat) => {
  test("append, replace and merge (appended) land under s3://lake/raw/<dataset>/ and read back as loaded", async () => {
    const dir = tempDir();
    const p = s3Pipeline(`s3_${format}`, path.join(dir, "pipelines"));
    const dataset = p.datasetName;
    const items = `raw/${dataset}/items/`;

    const info1 = await p.run(itemRows([1, 2]), { tableName: "items", loaderFileFormat: format });
    const info2 = await p.run(itemRows([3]), { tableName: "items", loaderFileFormat: format });
    expect(info1.hasFailedJobs || info2.hasFailedJobs).toBe(false);
    expect(info1.toString()).toContain(`s3://${BUCKET}/raw`);
    const appended = await keys(items);
    expect(appended).toHaveLength(2);
    expect(appended[0]).toMatch(new RegExp(`^${items}${info1.loadPackages[0]!.loadId.replace(".", "\\.")}\\.[a-z0-9]+\\.${format}$`));
    expect(await queryFiles(await tableFiles(items), format, ITEM_SELECT, "CAST(id AS BIGINT)")).toEqual(expectedItems(itemRows([1, 2, 3])));
    expect((await queryFiles(await tableFiles(`raw/${dataset}/items__tags/`), format, TAG_SELECT, "value")).map((t) => t.value)).toEqual(
      expectedTags(itemRows([1, 2, 3])),
    );

    await p.run(itemRows([7, 8]), { tableName: "items", writeDisposition: "replace", loaderFileFormat: format });
    expect(await keys(items)).toHaveLength(1);
    expect(await queryFiles(await tableFiles(items), format, ITEM_SELECT, "CAST(id AS BIGINT)")).toEqual(expectedItems(itemRows([7, 8])));
    expect((await queryFiles(await tableFiles(`raw/${dataset}/items__tags/`), format, TAG_SELECT, "value")).map((t) => t.value)).toEqual(
      expectedTags(itemRows([7, 8])),
    );

    // Merge on a table of its own: dlt-ts refuses to merge into a chain first loaded without root keys.
    const events = `raw/${dataset}/events/`;
    const warn = jest.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      for (const [ids, label] of [[[1, 2], "first"], [[2, 3], "merged"]] as const) {
        const rows = ids.map((id) => ({ id, label }));
        await p.run(rows, { tableName: "events", writeDisposition: "merge", primaryKey: "id", loaderFileFormat: format });
      }
      expect(warn.mock.calls.some((call) => String(call[0]).includes('Table "events" has write disposition "merge"'))).toBe(true);
    } finally {
      warn.mockRestore();
    }
    const merged = await queryFiles(await tableFiles(events), format, "CAST(id AS BIGINT)::VARCHAR AS id, CAST(label AS VARCHAR) AS label", "2, 1");
    expect(merged).toEqual([
      { id: "1", label: "first" },
      { id: "2", label: "first" },
      { id: "2", label: "merged" },
      { id: "3", label: "merged" },
    ]);

    const loads = await keys(`raw/${dataset}/_dlt_loads/`);
    expect(loads).toHaveLength(5);
  }, 60_000);
});

describe("by name, from env vars", () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  });

  test('destination: "filesystem" with bucket_url and credentials.* from env; a fresh working dir restores state from the bucket', async () => {
    process.env.DESTINATION__FILESYSTEM__BUCKET_URL = `s3://${BUCKET}/named`;
    process.env.DESTINATION__FILESYSTEM__CREDENTIALS__AWS_ACCESS_KEY_ID = S3RVER_ACCESS_KEY_ID;
    process.env.DESTINATION__FILESYSTEM__CREDENTIALS__AWS_SECRET_ACCESS_KEY = SECRET;
    process.env.DESTINATION__FILESYSTEM__CREDENTIALS__ENDPOINT_URL = server.endpoint;
    const dir = tempDir();
    const first = newPipeline("s3_named", "filesystem", path.join(dir, "first"));
    first.state.sources.api = { cursor: 41 };
    await first.run(itemRows([1]), { tableName: "items" });
    first.state.sources.api = { cursor: 42 };
    await first.run(itemRows([2]), { tableName: "items" });
    const states = await keys(`named/${first.datasetName}/_dlt_pipeline_state/`);
    expect(states).toHaveLength(2);

    const second = newPipeline("s3_named", "filesystem", path.join(dir, "second"));
    await second.run();
    expect(second.state.sources.api).toEqual({ cursor: 42 });
    expect(second.defaultSchema.tables.items?.columns.owner__login?.dataType).toBe("text");
    await second.run(itemRows([3]), { tableName: "items" });
    const ids = await queryFiles(await tableFiles(`named/${first.datasetName}/items/`), "jsonl", "CAST(id AS BIGINT)::VARCHAR AS id");
    expect(ids.map((r) => r.id)).toEqual(["1", "2", "3"]);
  }, 60_000);
});

describe("secrets", () => {
  test("the secret key is in no LoadInfo, trace, working-dir file or bucket object", async () => {
    const dir = tempDir();
    const p = s3Pipeline("s3_secret", path.join(dir, "pipelines"));
    p.state.sources.s = { n: 1 };
    const info = await p.run(itemRows([1, 2]), { tableName: "items", loaderFileFormat: "parquet" });
    expect(info.toString()).not.toContain(SECRET);
    expect(JSON.stringify(info)).not.toContain(SECRET);
    expect(info.toString()).toContain(`s3://${BUCKET}/raw`);
    for (const file of filesUnder(path.join(dir, "pipelines"))) expect([file, readFileSync(file, "utf8").includes(SECRET)]).toEqual([file, false]);
    const objects = await keys(`raw/${p.datasetName}/`);
    expect(objects.length).toBeGreaterThan(4);
    const local = tempDir("s3-secret");
    for (const key of objects) expect([key, readFileSync(await download(key, local), "latin1").includes(SECRET)]).toEqual([key, false]);
  }, 60_000);

  test("an unknown access key fails at once as a terminal error that names the problem, not the secret", async () => {
    const dir = tempDir();
    const p = newPipeline(
      "s3_bad_key",
      filesystem({ bucketUrl: `s3://${BUCKET}/raw`, credentials: { ...credentials(), awsAccessKeyId: "NOT-A-KEY" } }),
      path.join(dir, "pipelines"),
    );
    const error = (await p.run([{ id: 1 }], { tableName: "t" }).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(Error);
    const text = `${error.message}\n${String((error as { cause?: unknown }).cause ?? "")}`;
    expect(text).toContain("InvalidAccessKeyId");
    expect(text).not.toContain(SECRET);
    expect(error.stack ?? "").not.toContain(SECRET);
  }, 60_000);

  test("a bucket that does not exist is a terminal error naming it", async () => {
    const dir = tempDir();
    const p = newPipeline("s3_no_bucket", filesystem({ bucketUrl: "s3://no-such-bucket/raw", credentials: credentials() }), path.join(dir, "pipelines"));
    const error = (await p.run([{ id: 1 }], { tableName: "t" }).catch((e: unknown) => e)) as Error;
    expect(error.message).toContain("NoSuchBucket");
    expect(error.message).toContain("s3://no-such-bucket/raw");
  }, 60_000);
});

function filesUnder(root: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(root)) {
    const full = path.join(root, name);
    if (statSync(full).isDirectory()) out.push(...filesUnder(full));
    else out.push(full);
  }
  return out;
}
