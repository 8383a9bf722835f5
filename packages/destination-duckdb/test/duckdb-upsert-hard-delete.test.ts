import * as path from "node:path";
import { pipeline } from "dlt-ts";
import { duckdb } from "@dlt-ts/destination-duckdb";
import { removeTempDirs, tempDir } from "./duckdb-test-utils.js";

// Loads into a real DuckDB, which works on threads of its own: about a second a test when idle, many on a busy machine.
jest.setTimeout(60_000);

afterAll(removeTempDirs);

describe("upsert with a bool hard_delete column", () => {
  it("inserts new records whose flag is null or false, deletes flagged ones", async () => {
    const p = pipeline({
      pipelineName: "upsert_hd",
      pipelinesDir: tempDir(),
      destination: duckdb({ credentials: path.join(tempDir(), "db.duckdb") }),
      progress: "none",
    });
    const hints = {
      tableName: "items",
      writeDisposition: { disposition: "merge" as const, strategy: "upsert" as const },
      primaryKey: "id",
      columns: { deleted: { dataType: "bool" as const, hardDelete: true } },
    };
    await p.run([{ id: 1, v: "a" }, { id: 2, v: "b", deleted: false }, { id: 3, v: "c", deleted: true }], hints);
    await p.run([{ id: 2, v: "gone", deleted: true }, { id: 4, v: "d" }], hints);
    const client = await p.sqlClient();
    try {
      const rows = await client.query<{ id: number | bigint; v: string }>("SELECT id, v FROM items ORDER BY id");
      expect(rows.map((r) => [Number(r.id), r.v])).toEqual([
        [1, "a"],
        [4, "d"],
      ]);
    } finally {
      await client.close();
    }
  });
});
