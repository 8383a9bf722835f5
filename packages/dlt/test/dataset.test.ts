import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { duckdb } from "@dlt-ts/destination-duckdb";
import { postgres } from "@dlt-ts/destination-postgres";
import { destination, pipeline, Relation, type DataItem, type Destination, type TableSchema } from "dlt-ts";
import { ensureTestDatabase, TEST_URL } from "../../destination-postgres/test/pg-test-utils.js";

/* p.dataset(): what a pipeline loaded, read back from real DuckDB and Postgres, and pushed on as a resource. */

function tempDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), "dlt-ts-dataset-"));
}

const events = Array.from({ length: 25 }, (_, i) => ({ id: i + 1, type: i % 5 === 0 ? "PushEvent" : "WatchEvent", tags: [`t${i}`] }));

const destinations: [string, () => Destination][] = [
  ["duckdb", () => duckdb({ credentials: path.join(tempDir(), "ds.duckdb") })],
  ["postgres", () => postgres({ credentials: TEST_URL })],
];

describe.each(destinations)("p.dataset() on %s", (_name, make) => {
  let loaded: ReturnType<typeof pipeline>;

  beforeAll(async () => {
    await ensureTestDatabase();
    loaded = pipeline({
      pipelineName: `ds_${randomBytes(4).toString("hex")}`,
      pipelinesDir: tempDir(),
      projectDir: tempDir(),
      destination: make(),
      progress: "none",
    });
    await loaded.run(events, { tableName: "events" });
  }, 60_000);

  afterAll(async () => {
    const client = await loaded.sqlClient();
    try {
      await client.dropDataset();
    } finally {
      await client.close();
    }
  });

  it("reads a table narrowed by select, where, orderBy and limit", async () => {
    const rows = await loaded.dataset().table("events").select("id", "type").where("type", "PushEvent").orderBy("id", "desc").limit(3).fetchAll();
    expect(rows.map((r) => [Number(r.id), r.type])).toEqual([
      [21, "PushEvent"],
      [16, "PushEvent"],
      [11, "PushEvent"],
    ]);
    const some = await loaded.dataset().table("events").select("id").where("id", "in", [2, 3, 99]).orderBy("id").fetchAll();
    expect(some.map((r) => Number(r.id))).toEqual([2, 3]);
  });

  it("pages through a table in chunks (keyset on _dlt_id) and as an async iterable", async () => {
    const pages: number[] = [];
    const ids = new Set<number>();
    for await (const page of loaded.dataset().table("events").iterChunks(10)) {
      pages.push(page.length);
      for (const row of page) ids.add(Number(row.id));
    }
    expect(pages).toEqual([10, 10, 5]);
    expect(ids.size).toBe(25);
    let count = 0;
    for await (const row of loaded.dataset().table("events__tags")) if (String(row.value).startsWith("t")) count++;
    expect(count).toBe(25);
  });

  it("runs a query", async () => {
    const [row] = await loaded.dataset().query<{ n: number | bigint | string }>("select count(*) as n from events where type = %s", ["WatchEvent"]);
    expect(Number(row!.n)).toBe(20);
  });

  it("is a resource for another pipeline (reverse ETL from what was loaded)", async () => {
    const received: DataItem[] = [];
    const sink = destination(
      async (items: DataItem[] | string, table: TableSchema) => {
        if (table.name === "events") received.push(...(items as DataItem[]));
      },
      { name: "push_back" },
    );
    const relation = loaded.dataset().table("events").select("id", "type").where("type", "PushEvent");
    expect(relation).toBeInstanceOf(Relation);
    await pipeline({ pipelineName: "push_back", pipelinesDir: tempDir(), projectDir: tempDir(), destination: sink, progress: "none" }).run(relation);
    expect(received.map((r) => Number(r.id)).sort((a, b) => a - b)).toEqual([1, 6, 11, 16, 21]);
  });
});
