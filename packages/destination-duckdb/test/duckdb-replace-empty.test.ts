import * as path from "node:path";
import { pipeline } from "dlt-ts";
import { duckdb } from "@dlt-ts/destination-duckdb";
import { removeTempDirs, tempDir } from "./duckdb-test-utils.js";

// Loads into a real DuckDB, which works on threads of its own: about a second a test when idle, many on a busy machine.
jest.setTimeout(60_000);

afterAll(removeTempDirs);

describe("replace with no data", () => {
  it.each(["truncate-and-insert", "insert-from-staging"] as const)("empties the table and its child tables (%s)", async (strategy) => {
    const p = pipeline({
      pipelineName: `replace_empty_${strategy.replace(/-/g, "_")}`,
      pipelinesDir: tempDir(),
      destination: duckdb({ credentials: path.join(tempDir(), "db.duckdb"), replaceStrategy: strategy }),
      progress: "none",
    });
    await p.run([{ id: 1, tags: ["a"] }, { id: 2, tags: ["b"] }], { tableName: "items", writeDisposition: "replace" });
    const info = await p.run([], { tableName: "items", writeDisposition: "replace" });
    expect(info.hasFailedJobs).toBe(false);
    const client = await p.sqlClient();
    try {
      const count = async (table: string) => Number((await client.query<{ n: number | bigint }>(`SELECT count(*) AS n FROM ${table}`))[0]!.n);
      expect(await count("items")).toBe(0);
      expect(await count("items__tags")).toBe(0);
    } finally {
      await client.close();
    }
  });
});
