import { PipelineStepFailed, type Pipeline } from "dlt-ts";
import { newPipeline, removeTempDirs } from "./duckdb-test-utils.js";

/*
 * Values DuckDB rejects: the error names the table and the column whatever
 * file format carried the value. DuckDB names the column itself for csv and
 * parquet; for jsonl (its JSON reader does not) the job finds it.
 */

afterAll(removeTempDirs);

async function loadError(p: Pipeline, rows: unknown[], options: Parameters<Pipeline["run"]>[1]): Promise<PipelineStepFailed> {
  const error = await p.run(rows, options).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(PipelineStepFailed);
  return error as PipelineStepFailed;
}

describe.each(["parquet", "jsonl", "csv", "insert_values"] as const)("loaded as %s", (format) => {
  test("a number out of range for its column names table and column", async () => {
    const p = newPipeline(`range_${format}`);
    const error = await loadError(p, [{ id: 1, small: 7 }, { id: 2, small: 70_000 }], {
      tableName: "readings",
      loaderFileFormat: format,
      columns: { small: { dataType: "bigint", precision: 16 } },
    });
    expect(error.message).toMatch(/load job "readings\.[^"]+" of table "readings" failed/);
    expect(error.message).toMatch(/failed to load table "readings": [^\n]*(column "small"|source column small)|failed to load table "readings": [\s\S]*converting column "small"/);
  });
});

test("jsonl: the column DuckDB's JSON reader does not name is found and named first", async () => {
  const p = newPipeline("range_jsonl_named");
  const error = await loadError(p, [{ id: 1, big: 5, small: 7 }, { id: 2, big: 6, small: 70_000 }], {
    tableName: "readings",
    loaderFileFormat: "jsonl",
    columns: { small: { dataType: "bigint", precision: 16 } },
  });
  expect(error.message).toContain('failed to load table "readings": column "small" (SMALLINT): ');
});

test("insert_values: the columns of the type a value did not fit are named", async () => {
  const p = newPipeline("range_insert_named");
  const error = await loadError(p, [{ id: 1, small: 7, day: "2024-01-01" }, { id: 2, small: 70_000, day: "2024-01-02" }], {
    tableName: "readings",
    loaderFileFormat: "insert_values",
    columns: { small: { dataType: "bigint", precision: 16 }, day: { dataType: "date" } },
  });
  expect(error.message).toContain('failed to load table "readings": column "small" (SMALLINT): Conversion Error');
});
