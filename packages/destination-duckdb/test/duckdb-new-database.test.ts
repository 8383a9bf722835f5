import * as path from "node:path";
import { pipeline } from "dlt-ts";
import { duckdb } from "@dlt-ts/destination-duckdb";
import { removeTempDirs, tempDir } from "./duckdb-test-utils.js";

// Loads into a real DuckDB, which works on threads of its own: about a second a test when idle, many on a busy machine.
jest.setTimeout(60_000);

afterAll(removeTempDirs);

/*
 * A pipeline that already ran keeps its schema in its working dir. Pointed at
 * a database that never saw that schema (a new file, another machine's
 * database), it must create every table, not only what the package added.
 */
describe("a pipeline that ran before, loading into a new database", () => {
  it("creates all tables of its schema and loads the same rows again", async () => {
    const pipelinesDir = tempDir();
    const rows = [{ id: 1, tags: ["a", "b"] }];
    const run = async (file: string) => {
      const p = pipeline({
        pipelineName: "moved",
        pipelinesDir,
        destination: duckdb({ credentials: path.join(tempDir(), file) }),
        progress: "none",
      });
      const info = await p.run(rows, { tableName: "items" });
      expect(info.hasFailedJobs).toBe(false);
      const client = await p.sqlClient();
      try {
        return {
          items: await client.query<{ n: number | bigint }>("SELECT count(*) AS n FROM items"),
          tags: await client.query<{ n: number | bigint }>("SELECT count(*) AS n FROM items__tags"),
        };
      } finally {
        await client.close();
      }
    };
    await run("first.duckdb");
    const second = await run("second.duckdb");
    expect(Number(second.items[0]!.n)).toBe(1);
    expect(Number(second.tags[0]!.n)).toBe(2);
  });
});

describe("pipeline.sqlClient()", () => {
  it("runs a one-off query without being awaited first, as the contract shows", async () => {
    const p = pipeline({
      pipelineName: "sql_client_forms",
      pipelinesDir: tempDir(),
      destination: duckdb({ credentials: path.join(tempDir(), "db.duckdb") }),
      progress: "none",
    });
    await p.run([{ id: 1 }, { id: 2 }], { tableName: "events" });
    const rows = await p.sqlClient().query<{ n: number | bigint }>("select count(*) as n from events");
    expect(Number(rows[0]!.n)).toBe(2);
    const client = await p.sqlClient();
    try {
      expect(Number((await client.query<{ n: number | bigint }>("select count(*) as n from events"))[0]!.n)).toBe(2);
    } finally {
      await client.close();
    }
  });
});
