import { readdirSync } from "node:fs";
import * as path from "node:path";
import { DestinationTransientException, isReferenceJob, type DestinationCapabilities, type LoaderFileFormat } from "@dlt-ts/core";
import { filesystem } from "@dlt-ts/destination-filesystem";
import { PipelineStepFailed } from "dlt-ts";
import { quietly, type CaseRegistrar, type TestScope } from "../conformance-harness.js";
import { withFailingJobs } from "../faulty-destination.js";
import { countRows, readRows } from "../read-back.js";
import { expectRoundTripStored, ROUND_TRIP_HINTS, roundTripRows } from "./data-types.cases.js";

/** A local bucket of the test's own as the stage (`pipeline({ staging })`), and where it is. */
function localStage(scope: TestScope): { staging: ReturnType<typeof filesystem>; bucket: string } {
  const bucket = scope.freshDir("bucket");
  return { staging: filesystem({ bucketUrl: bucket }), bucket };
}

/** Files under `dir`, relative, `/`-separated. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join("/"))
    .sort();
}

/**
 * Loading through a stage (`pipeline({ destination, staging: "filesystem" })`):
 * the destination loads each staged file through a reference job and ends
 * with the same rows as a direct load, for every format it loads from a stage.
 */
export function stagingCases(t: CaseRegistrar, caps: DestinationCapabilities): void {
  const formats = caps.supportedStagingFileFormats as LoaderFileFormat[];
  const noStaging = formats.length === 0 ? () => "the destination loads from no stage (its supportedStagingFileFormats is empty)" : undefined;
  if (noStaging) {
    t.test("round-trip", "every data type round-trips through a stage", async () => undefined, noStaging);
    return;
  }

  for (const format of formats) {
    t.test(`round-trip-${format}`, `every data type round-trips through a stage (${format})`, async (scope) => {
      const { staging, bucket } = localStage(scope);
      const p = scope.pipeline(`staged_${format}`, { staging });
      const rows = roundTripRows(caps);
      const info = await p.run(rows, { ...ROUND_TRIP_HINTS, loaderFileFormat: format });
      expect(info.hasFailedJobs).toBe(false);
      const jobs = info.loadPackages.flatMap((pkg) => pkg.jobs.map((j) => j.fileName));
      expect(jobs.filter((j) => j.startsWith("all_types.") && isReferenceJob(j))).toHaveLength(1);
      expect(filesUnder(path.join(bucket, scope.datasetName)).filter((f) => f.startsWith("all_types/"))).toEqual([
        expect.stringMatching(new RegExp(`\\.${format}$`)),
      ]);

      await expectRoundTripStored(await scope.sqlClient(p), rows);
    });
  }

  t.test("preferred-format", "without a format asked for, the normalizer writes the destination's preferred staging format", async (scope) => {
    const { staging } = localStage(scope);
    const p = scope.pipeline("staged_default", { staging });
    const info = await p.run([{ id: 1, tags: ["a", "b"] }], { tableName: "events" });
    const staged = info.loadPackages.flatMap((pkg) => pkg.jobs.map((j) => j.fileName)).filter((j) => !isReferenceJob(j) && !j.startsWith("_dlt"));
    const expected = caps.preferredStagingFileFormat ?? formats[0]!;
    expect(staged.map((j) => j.slice(j.lastIndexOf(".") + 1))).toEqual([expected, expected]);
  });

  t.test("resume-reference", "reference jobs left pending by a failed run load once in the next run", async (scope) => {
    const { staging } = localStage(scope);
    const name = "staged_resume";
    const flaky = withFailingJobs(scope.destination(scope.pipelineName(name)), (request) =>
      isReferenceJob(request.fileName) ? new DestinationTransientException("connection dropped (injected)") : undefined,
    );
    const env = `${scope.pipelineName(name).toUpperCase()}__LOAD__RAISE_ON_MAX_RETRIES`;
    process.env[env] = "1";
    try {
      const failing = scope.pipeline(name, { destination: flaky, staging });
      await expect(failing.run([{ id: 1 }, { id: 2 }], { tableName: "events" })).rejects.toBeInstanceOf(PipelineStepFailed);
      expect(failing.listPendingPackages().normalized).toHaveLength(1);
    } finally {
      delete process.env[env];
    }
    const p = scope.pipeline(name, { staging });
    const info = await quietly(() => p.run());
    expect(info.loadPackages.map((pkg) => pkg.status)).toEqual(["loaded"]);
    expect(await countRows(await scope.sqlClient(p), "events")).toBe(2);
  });

  t.test("replace", "replace through a stage leaves only the last load's rows, nested tables too", async (scope) => {
    const { staging } = localStage(scope);
    const p = scope.pipeline("staged_replace", { staging });
    const hints = { tableName: "lists", writeDisposition: "replace" as const };
    await p.run([{ id: 1, tags: ["a", "b"] }, { id: 2, tags: ["c"] }], hints);
    await p.run([{ id: 3, tags: ["d"] }], hints);
    const client = await scope.sqlClient(p);
    expect(await readRows(client, "lists", { id: "bigint" })).toEqual([{ id: "3" }]);
    expect(await readRows(client, "lists__tags", { value: "text" })).toEqual([{ value: "d" }]);
  });

  const merges = caps.supportedMergeStrategies.includes("delete-insert");
  t.test(
    "merge",
    "merge through a stage replaces rows by primary key",
    async (scope) => {
      const { staging } = localStage(scope);
      const p = scope.pipeline("staged_merge", { staging });
      const hints = { tableName: "users", primaryKey: "id", writeDisposition: "merge" as const };
      await p.run([{ id: 1, name: "a" }, { id: 2, name: "b" }], hints);
      await p.run([{ id: 2, name: "b2" }], hints);
      const rows = await readRows(await scope.sqlClient(p), "users", { id: "bigint", name: "text" });
      expect(rows).toEqual([
        { id: "1", name: "a" },
        { id: "2", name: "b2" },
      ]);
    },
    () => (merges ? undefined : "the destination has no delete-insert merge"),
  );
}
