import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { duckdb } from "@dlt-ts/destination-duckdb";
import { postgres } from "@dlt-ts/destination-postgres";
import { destination, incremental, pipeline, resource, type DataItem, type Destination, type TableSchema } from "dlt-ts";
import pg from "pg";
import { ensureTestDatabase, TEST_URL } from "../../destination-postgres/test/pg-test-utils.js";

/*
 * pipeline({ stateStore }): a sink pipeline on an ephemeral runner (a fresh
 * working dir each run) keeps its incremental cursor in a real database.
 */

function tempDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), "dlt-ts-state-store-"));
}

function crmPush(pipelineName: string, stateStore: Destination | string, sent: number[]) {
  const sink = destination(
    async (items: DataItem[] | string, table: TableSchema) => {
      if (table.name === "contacts") sent.push(...(items as DataItem[]).map((i) => i.id as number));
    },
    { name: "crm_api" },
  );
  // A new working dir every time: as a CI job or a container would run it.
  return pipeline({ pipelineName, pipelinesDir: tempDir(), projectDir: tempDir(), destination: sink, stateStore, progress: "none" });
}

const contacts = (n: number) => Array.from({ length: n }, (_, i) => ({ id: i + 1, updated_at: `2024-01-0${Math.min(i + 1, 9)}T00:00:00Z` }));
const changed = (rows: DataItem[]) =>
  resource(rows, { name: "contacts", primaryKey: "id", incremental: incremental({ cursorPath: "updated_at" }) });

describe("a state store keeps the cursor of a sink pipeline across fresh working dirs", () => {
  const datasets: string[] = [];
  beforeAll(() => ensureTestDatabase());
  afterAll(async () => {
    const client = new pg.Client({ connectionString: TEST_URL });
    await client.connect();
    try {
      for (const dataset of datasets) await client.query(`DROP SCHEMA IF EXISTS "${dataset}" CASCADE`);
    } finally {
      await client.end();
    }
  });

  it.each<[string, () => Destination | string]>([
    ["Postgres (a factory)", () => postgres({ credentials: TEST_URL })],
    ["DuckDB (a name, credentials under [state_store])", () => "duckdb"],
  ])("%s", async (_label, store) => {
    const name = `crm_${randomBytes(4).toString("hex")}`;
    datasets.push(`${name}_dataset`);
    process.env.STATE_STORE__CREDENTIALS = path.join(tempDir(), "state.duckdb");
    try {
      const sent: number[] = [];
      const reference = store();
      await crmPush(name, reference, sent).run(changed(contacts(3)));
      expect(sent).toEqual([1, 2, 3]);
      await crmPush(name, reference, sent).run(changed(contacts(5)));
      expect(sent).toEqual([1, 2, 3, 4, 5]);
      // Nothing new: nothing sent.
      await crmPush(name, reference, sent).run(changed(contacts(5)));
      expect(sent).toEqual([1, 2, 3, 4, 5]);
    } finally {
      delete process.env.STATE_STORE__CREDENTIALS;
    }
  });

  it("without a state store, a fresh working dir starts over (as dlt's sinks)", async () => {
    const sent: number[] = [];
    const make = () =>
      pipeline({
        pipelineName: "no_store",
        pipelinesDir: tempDir(),
        projectDir: tempDir(),
        destination: destination(async (items: DataItem[] | string, t: TableSchema) => {
          if (t.name === "contacts") sent.push(...(items as DataItem[]).map((i) => i.id as number));
        }, { name: "crm_api2" }),
        progress: "none",
      });
    await make().run(changed(contacts(2)));
    await make().run(changed(contacts(2)));
    expect(sent).toEqual([1, 2, 1, 2]);
  });

  it("a missing state store credential fails before anything is extracted", async () => {
    let started = false;
    async function* rows() {
      started = true;
      yield { id: 1 };
    }
    const p = crmPush("no_creds", "postgres", []);
    await expect(p.run(resource(rows, { name: "contacts" }))).rejects.toThrow("credentials");
    expect(started).toBe(false);
  });
});
