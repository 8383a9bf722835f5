import { existsSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { REPO_ROOT, dltTs, runNode, tempDir } from "./cli-runner.js";

/*
 * `show` and `sync` on the embedded DuckDB destination: no server needed.
 * The pipeline runs in its own process (as a user's script) so the CLI,
 * another process, can open the database file afterwards.
 */

// Every test starts CLI processes (tsx compiles on start): seconds each, many more on a busy machine.
jest.setTimeout(180_000);

const duckdbInstalled = existsSync(path.join(REPO_ROOT, "packages", "destination-duckdb", "src", "index.ts"));
if (!duckdbInstalled) console.log("Skipping the CLI's DuckDB tests: packages/destination-duckdb is not in this checkout");

(duckdbInstalled ? describe : describe.skip)("dlt-ts pipeline <name> show|sync|schema|drop on DuckDB", () => {
  it("shows tables with row counts from the database file, and restores state from it", async () => {
    const project = tempDir("dlt-ts-cli-duckdb-");
    const pipelinesDir = path.join(project, "pipelines");
    const env = { DESTINATION__DUCKDB__CREDENTIALS: path.join(project, "data.duckdb") };
    writeFileSync(
      path.join(project, "load.ts"),
      `import { pipeline } from "dlt-ts";
async function main() {
  const p = pipeline({ pipelineName: "duck_cli", pipelinesDir: ${JSON.stringify(pipelinesDir)}, destination: "duckdb", progress: "none" });
  p.state.sources.demo = { lastId: 2 };
  await p.run([{ id: 1, tags: ["x", "y"] }, { id: 2, tags: [] }], { tableName: "things" });
}
void main();
`,
    );
    const load = await runNode(path.join(project, "load.ts"), [], { cwd: project, env });
    expect(load.stderr).toBe("");
    expect(load.status).toBe(0);

    const dirArgs = ["--pipelines-dir", pipelinesDir];
    const show = await dltTs(["pipeline", "duck_cli", "show", ...dirArgs], { cwd: project, env });
    expect(show.stderr).toBe("");
    expect(show.status).toBe(0);
    const out = show.stdout.trimEnd().split("\n");
    expect(out[0]).toMatch(/^Pipeline duck_cli: destination duckdb \(duckdb\) at \S*data\.duckdb, dataset duck_cli_dataset$/);
    expect(out.slice(1)).toEqual([
      "Schema duck_cli (version 2):",
      "  Table things: 2 rows",
      "    id            bigint  BIGINT",
      "    _dlt_load_id  text    VARCHAR",
      "    _dlt_id       text    VARCHAR",
      "  Table things__tags: 2 rows",
      "    value           text    VARCHAR",
      "    _dlt_parent_id  text    VARCHAR",
      "    _dlt_list_idx   bigint  BIGINT",
      "    _dlt_id         text    VARCHAR",
    ]);

    const sync = await dltTs(["pipeline", "duck_cli", "sync", "--yes", ...dirArgs], { cwd: project, env });
    expect(sync.stderr).toBe("");
    expect(sync.stdout.trimEnd().split("\n").pop()).toBe("Restored state version 1 of pipeline duck_cli with 1 schema: duck_cli (version 2)");
  });

  it("drops a resource's tables with their nested tables and resets its state; the next run loads it from scratch", async () => {
    const project = tempDir("dlt-ts-cli-duckdb-drop-");
    const pipelinesDir = path.join(project, "pipelines");
    const env = { DESTINATION__DUCKDB__CREDENTIALS: path.join(project, "data.duckdb") };
    const dirArgs = ["--pipelines-dir", pipelinesDir];
    writeFileSync(
      path.join(project, "load.ts"),
      `import { incremental, pipeline, resource, source } from "dlt-ts";
async function main() {
  const p = pipeline({ pipelineName: "duck_drop", pipelinesDir: ${JSON.stringify(pipelinesDir)}, destination: "duckdb", progress: "none" });
  const shop = (p.state.sources.shop ??= { resources: {} }) as { resources: Record<string, { runs?: number }> };
  shop.resources.users = { runs: (shop.resources.users?.runs ?? 0) + 1 };
  const users = resource([{ id: 1, tags: ["a", "b"] }], { name: "users" });
  // Without its state reset, a rerun would load no order: the incremental has seen this one.
  const orders = resource([{ id: 10, lines: [{ sku: "x", parts: [1, 2] }] }], { name: "orders", incremental: incremental({ cursorPath: "id" }) });
  await p.run(source([users, orders], { name: "shop" }));
}
void main();
`,
    );
    const load = () => runNode(path.join(project, "load.ts"), [], { cwd: project, env });
    const tables = async () => {
      const show = await dltTs(["pipeline", "duck_drop", "show", ...dirArgs], { cwd: project, env });
      expect(show.stderr).toBe("");
      return show.stdout.split("\n").filter((l) => l.startsWith("  Table "));
    };
    expect((await load()).stderr).toBe("");

    const schema = await dltTs(["pipeline", "duck_drop", "schema", ...dirArgs], { cwd: project });
    expect(schema.status).toBe(0);
    expect(schema.stdout).toMatch(/^name: shop\n/);
    expect(schema.stdout).toContain("\n  orders__lines__parts:\n    name: orders__lines__parts\n    columns:\n");
    expect(schema.stdout).toContain("\n    parent: orders__lines\n");

    const drop = await dltTs(["pipeline", "duck_drop", "drop", "orders", "--yes", ...dirArgs], { cwd: project, env });
    expect(drop.stderr).toBe("");
    expect(drop.status).toBe(0);
    expect(drop.stdout.trimEnd().split("\n")).toEqual([
      `About to drop the following data in dataset duck_drop_dataset in destination duckdb (duckdb:///${env.DESTINATION__DUCKDB__CREDENTIALS}):`,
      "  Selected schema: shop",
      "  Selected resource(s): orders",
      "  Table(s) to drop: orders, orders__lines, orders__lines__parts",
      "  Resource(s) state to reset: orders",
      "Dropped 3 tables from dataset duck_drop_dataset: orders, orders__lines, orders__lines__parts",
      "Reset the state of 1 resource: orders",
      "Stored schema shop version 3 and state version 2 in destination duckdb",
    ]);
    expect(await tables()).toEqual(["  Table users: 1 row", "  Table users__tags: 2 rows"]);

    // A machine that never ran the pipeline gets the schema and state the drop stored.
    const fresh = path.join(project, "fresh");
    const sync = await dltTs(["pipeline", "duck_drop", "sync", "--destination", "duckdb", "--pipelines-dir", fresh], { cwd: project, env });
    expect(sync.stdout.trimEnd().split("\n").pop()).toBe("Restored state version 2 of pipeline duck_drop with 1 schema: shop (version 3)");
    const restored = JSON.parse(readFileSync(path.join(fresh, "duck_drop", "state.json"), "utf8")) as { sources: unknown };
    expect(restored.sources).toEqual({ shop: { resources: { users: { runs: 1 } } } });
    expect(readFileSync(path.join(fresh, "duck_drop", "schemas", "shop.schema.json"), "utf8")).not.toContain("orders");

    // The next run creates the dropped tables again and starts the resource's state afresh.
    expect((await load()).stderr).toBe("");
    expect(await tables()).toEqual([
      "  Table users: 2 rows",
      "  Table users__tags: 4 rows",
      "  Table orders: 1 row",
      "  Table orders__lines: 1 row",
      "  Table orders__lines__parts: 2 rows",
    ]);
    const state = JSON.parse(readFileSync(path.join(pipelinesDir, "duck_drop", "state.json"), "utf8")) as {
      sources: { shop: { resources: { users: unknown; orders: { incremental: { id: { lastValue: number } } } } } };
    };
    expect(state.sources.shop.resources.users).toEqual({ runs: 2 });
    expect(state.sources.shop.resources.orders.incremental.id.lastValue).toBe(10);
  }, 300_000); // seven child processes one after the other
});
