import { mkdtempSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { LoadPackageStepFailed, PipelineStepFailed, pipeline, type Pipeline } from "dlt-ts";
import { postgres } from "@dlt-ts/destination-postgres";
import { TEST_URL, dropDatasets, ensureTestDatabase, uniqueDataset } from "./pg-test-utils.js";

/*
 * Values the server rejects: every error names the table and the column (or,
 * for a table the server cannot create, the table), whichever file format
 * carried the value.
 */

const prefix = uniqueDataset("data_err");
let datasets = 0;

function newPipeline(name: string): Pipeline {
  return pipeline({
    pipelineName: `${name}_${++datasets}`,
    pipelinesDir: mkdtempSync(path.join(os.tmpdir(), "dlt-ts-pg-data-err-")),
    destination: postgres({ credentials: TEST_URL }),
    datasetName: `${prefix}_${datasets}`,
    progress: "none",
  });
}

async function loadError(p: Pipeline, rows: unknown[], options: Parameters<Pipeline["run"]>[1]): Promise<PipelineStepFailed> {
  const error = await p.run(rows, options).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(PipelineStepFailed);
  return error as PipelineStepFailed;
}

beforeAll(ensureTestDatabase);
afterAll(() => dropDatasets(prefix));

describe.each(["csv", "insert_values"] as const)("loaded as %s", (format) => {
  test("a number out of range for its column (22003) names table and column", async () => {
    const p = newPipeline(`range_${format}`);
    const error = await loadError(p, [{ id: 1, small: 7 }, { id: 2, small: 70_000 }], {
      tableName: "readings",
      loaderFileFormat: format,
      columns: { small: { dataType: "bigint", precision: 16 } },
    });
    expect(error.message).toMatch(/out of range .*\(table "readings", column "small"[,)].*\[SQLSTATE 22003\]/);
    expect(error.message).toMatch(/load job "readings\.[^"]+" of table "readings" failed/);
  });

  test("a timestamp Postgres cannot store (22009, 22008, 22007 family) names table and column", async () => {
    const p = newPipeline(`datetime_${format}`);
    const error = await loadError(p, [{ id: 1, note: "it's", seen_at: new Date(Date.UTC(-5000, 0, 1)) }], {
      tableName: "sightings",
      loaderFileFormat: format,
    });
    expect(error.message).toMatch(/\(table "sightings", column "seen_at"[,)].*\[SQLSTATE 2200\d\]/);
  });

  test.each([
    ["2024-02-30", "22008"],
    ["not a day", "22007"],
  ])("text %j loaded into a date column a user created names table and column (SQLSTATE %s)", async (value, sqlState) => {
    const p = newPipeline(`date_${format}`);
    const client = await p.sqlClient();
    try {
      await client.createDataset();
      await client.execute(`CREATE TABLE ${client.makeQualifiedTableName("visits")} (day date)`);
    } finally {
      await client.close();
    }
    const error = await loadError(p, [{ id: 1, day: "2024-02-01" }, { id: 2, day: value }], { tableName: "visits", loaderFileFormat: format });
    expect(error.message).toContain(`(table "visits", column "day"`);
    expect(error.message).toContain(`[SQLSTATE ${sqlState}]`);
  });
});

test("a table wider than 1600 columns (54011) is named, and the package stays pending", async () => {
  const p = newPipeline("wide");
  const row = Object.fromEntries(Array.from({ length: 1700 }, (_, i) => [`c${i}`, i]));
  const error = await loadError(p, [row], { tableName: "too_wide" });
  expect(error.cause).toBeInstanceOf(LoadPackageStepFailed);
  expect(error.message).toContain(`Cannot create table "too_wide" in dataset "${p.datasetName}": tables can have at most 1600 columns [SQLSTATE 54011]`);
  expect(p.listPendingPackages().normalized).toHaveLength(1);
});
