import * as path from "node:path";
import { pipeline } from "dlt-ts";
import { duckdb } from "@dlt-ts/destination-duckdb";
import { removeTempDirs, tempDir } from "./duckdb-test-utils.js";

// Loads into a real DuckDB, which works on threads of its own: about a second a test when idle, many on a busy machine.
jest.setTimeout(60_000);

afterAll(removeTempDirs);

describe("a dataset named like the database file", () => {
  test("dataset `s` in `s.duckdb` loads, merges and reads back (no ambiguous catalog or schema)", async () => {
    const dir = tempDir();
    const p = pipeline({
      pipelineName: "catalog_name",
      pipelinesDir: dir,
      destination: duckdb({ credentials: path.join(dir, "s.duckdb") }),
      datasetName: "s",
      progress: "none",
    });
    const options = { tableName: "items", writeDisposition: "merge" as const, primaryKey: "id" };
    await p.run([{ id: 1, sub: [{ a: 1 }] }], options);
    await p.run([{ id: 1, sub: [{ a: 2 }] }, { id: 2, sub: [] }], options);
    const client = await p.sqlClient();
    try {
      expect(await client.query("SELECT id FROM items ORDER BY id")).toEqual([{ id: 1 }, { id: 2 }]);
      expect(await client.query("SELECT a FROM items__sub")).toEqual([{ a: 2 }]);
      expect(await client.hasDataset()).toBe(true);
    } finally {
      await client.close();
    }
  });
});
