import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { filesystem, FilesystemLayout, FilesystemStage, LocalFileStorage } from "@dlt-ts/destination-filesystem";
import { S3RVER_ACCESS_KEY_ID, startS3Server, type TestS3Server } from "./s3-test-server.js";
import { removeTempDirs, tempDir } from "./filesystem-test-utils.js";

/*
 * The bucket as a stage for another destination (dlt's staging): upload a
 * job file per the layout, get its URL back, list and remove staged files.
 */

let server: TestS3Server;
beforeAll(async () => {
  server = await startS3Server(["stage"]);
}, 30_000);
afterAll(async () => {
  await server?.stop();
  removeTempDirs();
});

const LOAD_ID = "1714557630.123456";
const created = new Date("2024-04-14T08:32:00Z");

async function stageFor(bucketUrl: string, layout?: string): Promise<FilesystemStage> {
  const dir = tempDir("stage");
  const configured = await filesystem({
    bucketUrl,
    credentials: { awsAccessKeyId: S3RVER_ACCESS_KEY_ID, awsSecretAccessKey: "stage-secret", endpointUrl: server.endpoint },
    ...(layout ? { layout } : {}),
  }).configure({ pipelineName: "p", datasetName: "staging_ds", workingDir: dir });
  return configured.createStage();
}

function jobFile(content: string): string {
  const file = path.join(tempDir("job"), "job.parquet");
  writeFileSync(file, content);
  return file;
}

describe.each([
  ["file://", () => `file://${tempDir("stage-bucket")}`],
  ["s3://", () => "s3://stage/warehouse"],
])("a %s stage", (_label, bucketUrl) => {
  test("upload puts a job file at <bucket>/<dataset>/<layout> and returns its URL; list and remove by table", async () => {
    const url = bucketUrl();
    const stage = await stageFor(url, "{table_name}/{YYYY}/{MM}/{load_id}.{file_id}.{ext}");
    try {
      const job = { loadId: LOAD_ID, schemaName: "github", loadPackageTimestamp: created };
      const eventsUrl = await stage.upload({ ...job, fileName: "events.f1.0.parquet", filePath: jobFile("PAR1 events") });
      await stage.upload({ ...job, fileName: "events.f2.3.parquet", filePath: jobFile("PAR1 more events") });
      const issuesUrl = await stage.upload({ ...job, fileName: "issues.f3.0.parquet", filePath: jobFile("PAR1 issues") });
      expect(eventsUrl).toBe(`${url.replace(/\/$/, "")}/staging_ds/events/2024/04/${LOAD_ID}.f1.parquet`);
      expect(issuesUrl.endsWith(`/staging_ds/issues/2024/04/${LOAD_ID}.f3.parquet`)).toBe(true);
      expect(stage.datasetUrl).toBe(`${url.replace(/\/$/, "")}/staging_ds/`);

      const events = await stage.listTableFiles("github", "events");
      expect(events.map((key) => stage.urlOf(key))).toEqual([eventsUrl, eventsUrl.replace(".f1.", ".f2.")]);
      expect((await stage.storage.get(events[1]!))?.toString()).toBe("PAR1 more events");
      if (url.startsWith("file://")) expect(readFileSync(fileURLToPath(eventsUrl), "utf8")).toBe("PAR1 events");

      expect(await stage.removeTableFiles("github", ["events"])).toEqual(events);
      expect(await stage.listTableFiles("github", "events")).toEqual([]);
      expect(await stage.listTableFiles("github", "issues")).toHaveLength(1);
      await stage.removeFiles(await stage.listTableFiles("github", "issues"));
      await stage.removeFiles(["staging_ds/issues/never/there.parquet"]);
      expect(await stage.storage.list("staging_ds/")).toEqual([]);
    } finally {
      await stage.close();
    }
  }, 30_000);

  test("keys with spaces and non-ASCII characters round-trip", async () => {
    const stage = await stageFor(bucketUrl());
    try {
      await stage.storage.put("staging_ds/tÿpe s/a b.jsonl", '{"a":1}\n');
      expect(await stage.storage.list("staging_ds/tÿpe s/")).toEqual(["staging_ds/tÿpe s/a b.jsonl"]);
      expect((await stage.storage.get("staging_ds/tÿpe s/a b.jsonl"))?.toString()).toBe('{"a":1}\n');
      expect(await stage.storage.get("staging_ds/tÿpe s/missing.jsonl")).toBeUndefined();
    } finally {
      await stage.close();
    }
  }, 30_000);
});

test("a stage can be built from parts, without a pipeline", async () => {
  const root = tempDir("parts");
  const stage = new FilesystemStage(new LocalFileStorage(root), { datasetName: "ds", layout: new FilesystemLayout() });
  const url = await stage.upload({ loadId: LOAD_ID, fileName: "t.x1.0.csv", filePath: jobFile("id\n1\n"), schemaName: "s" });
  expect(url).toBe(`file://${root}/ds/t/${LOAD_ID}.x1.csv`);
});
