import { existsSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { REPO_ROOT, dltTs, runNode, tempDir } from "./cli-runner.js";

/*
 * `show` and `sync` on the embedded DuckDB destination: no server needed.
 * The pipeline runs in its own process (as a user's script) so the CLI,
 * another process, can open the database file afterwards.
 */

jest.setTimeout(60_000);

const duckdbInstalled = existsSync(path.join(REPO_ROOT, "packages", "destination-duckdb", "src", "index.ts"));
if (!duckdbInstalled) console.log("Skipping the CLI's DuckDB tests: packages/destination-duckdb is not in this checkout");

(duckdbInstalled ? describe : describe.skip)("dlt-ts pipeline <name> show|sync on DuckDB", () => {
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
});
