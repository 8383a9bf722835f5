import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { pipeline, resource, source } from "dlt-ts";
import { postgres } from "@dlt-ts/destination-postgres";
import { TEST_URL, dropDatasets, ensureTestDatabase, testSqlClient, uniqueDataset } from "../../../destination-postgres/test/pg-test-utils.js";
import { dltTs, runNode, tempDir, type CliResult } from "./cli-runner.js";

/*
 * `show` and `sync` against the real Postgres server: a pipeline loaded by
 * pipeline(), then inspected by the CLI in a child process that gets its
 * credentials from the environment, as a user's shell would.
 */

// Every test starts CLI processes (tsx compiles on start): seconds each, many more on a busy machine.
jest.setTimeout(180_000);

const dataset = uniqueDataset("cli_pg");
const pipelinesDir = tempDir("dlt-ts-cli-pg-");
const dirArgs = ["--pipelines-dir", pipelinesDir];
// The test server trusts local connections: the password is ignored there, and must never be printed.
const URL_WITH_PASSWORD = TEST_URL.replace("postgres@", "postgres:s3cret@");
const env = { DESTINATION__POSTGRES__CREDENTIALS: URL_WITH_PASSWORD };
const MASKED_URL = URL_WITH_PASSWORD.replace("s3cret", "***");

function lines(result: CliResult): string[] {
  return result.stdout.trimEnd().split("\n");
}

function expectClean(result: CliResult): void {
  expect(result.stderr).toBe("");
  expect(result.status).toBe(0);
  expect(result.stdout).not.toContain("s3cret");
}

beforeAll(async () => {
  await ensureTestDatabase();
  const users = resource(
    [
      { id: 1, name: "ann", tags: ["a", "b"], joined: "2024-01-01T00:00:00Z" },
      { id: 2, name: "bob", tags: ["c"], score: 1.5 },
    ],
    { name: "users", writeDisposition: "merge", primaryKey: "id" },
  );
  const p = pipeline({ pipelineName: "pg_cli", pipelinesDir, datasetName: dataset, destination: postgres({ credentials: TEST_URL }), progress: "none" });
  p.state.sources.crm = { cursor: 42 };
  await p.run(source([users], { name: "crm" }));
});

const initSource = uniqueDataset("cli_init");

afterAll(async () => {
  await dropDatasets(dataset);
  await dropDatasets(initSource);
});

describe("dlt-ts pipeline <name> show", () => {
  it("lists tables with columns, dlt and database types, and row counts, credentials masked", async () => {
    const [show, withSystem, missingCredentials] = await Promise.all([
      dltTs(["pipeline", "pg_cli", "show", ...dirArgs], { env }),
      dltTs(["pipeline", "pg_cli", "show", "--system", "--destination", "postgres", ...dirArgs], { env }),
      dltTs(["pipeline", "pg_cli", "show", ...dirArgs]),
    ]);
    expectClean(show);
    expect(lines(show)).toEqual([
      `Pipeline pg_cli: destination postgres (postgres) at ${MASKED_URL}, dataset ${dataset}`,
      "Schema crm (version 2):",
      "  Table users: 2 rows",
      "    id            bigint     bigint",
      "    name          text       character varying",
      "    joined        timestamp  timestamp with time zone",
      "    _dlt_load_id  text       character varying",
      "    _dlt_id       text       character varying",
      "    score         double     double precision",
      "  Table users__tags: 3 rows",
      "    value           text    character varying",
      "    _dlt_root_id    text    character varying",
      "    _dlt_parent_id  text    character varying",
      "    _dlt_list_idx   bigint  bigint",
      "    _dlt_id         text    character varying",
    ]);

    expectClean(withSystem);
    expect(withSystem.stdout).toContain("\n  Table _dlt_loads: 1 row\n");
    expect(withSystem.stdout).toContain("\n  Table _dlt_pipeline_state: 1 row\n");
    expect(withSystem.stdout).toMatch(/\n {2}Table _dlt_version: 1 row\n/);

    expect(missingCredentials.status).toBe(1);
    expect(missingCredentials.stdout).toBe("");
    expect(missingCredentials.stderr).toBe(
      "error: Missing 3 required configuration values for PostgresClientConfiguration (sections: destination.postgres; pipeline: pg_cli); " +
        "run again as dlt-ts --debug ... for the details\n",
    );
  });
});

describe("dlt-ts pipeline <name> sync", () => {
  it("replaces a damaged local state and schemas with the destination's", async () => {
    const workingDir = path.join(pipelinesDir, "pg_cli");
    const stateFile = path.join(workingDir, "state.json");
    const original = JSON.parse(readFileSync(stateFile, "utf8")) as { stateVersion: number; sources: unknown };
    writeFileSync(stateFile, JSON.stringify({ ...original, sources: {}, stateVersion: 99 }));
    rmSync(path.join(workingDir, "schemas"), { recursive: true });

    const [refused, elsewhere] = await Promise.all([
      dltTs(["pipeline", "pg_cli", "sync", ...dirArgs], { env }),
      dltTs(["pipeline", "pg_cli", "sync", "--dataset-name", `${dataset}_none`, ...dirArgs], { env }),
    ]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toBe("Replace the local working dir? [y/N]\nerror: Nothing synced: not confirmed (pass --yes to sync without asking)\n");
    expect(elsewhere.status).toBe(0);
    expect(elsewhere.stdout).toBe(
      `No state of pipeline pg_cli found in dataset ${dataset}_none of destination postgres (${MASKED_URL}): the local working dir was left as it was\n`,
    );
    expect(JSON.parse(readFileSync(stateFile, "utf8")).stateVersion).toBe(99);

    const synced = await dltTs(["pipeline", "pg_cli", "sync", "--yes", ...dirArgs], { env });
    expectClean(synced);
    expect(lines(synced)).toEqual([
      `Found state version ${original.stateVersion} of pipeline pg_cli in dataset ${dataset} of destination postgres (${MASKED_URL})`,
      "Syncing replaces the local state and schemas of pipeline pg_cli; data at the destination is not touched",
      `Restored state version ${original.stateVersion} of pipeline pg_cli with 1 schema: crm (version 2)`,
    ]);
    const restored = JSON.parse(readFileSync(stateFile, "utf8")) as { stateVersion: number; sources: unknown; _local: unknown };
    expect(restored.stateVersion).toBe(original.stateVersion);
    expect(restored.sources).toEqual({ crm: { cursor: 42 } });
    expect(restored._local).toEqual({ firstRun: false });
    expect(existsSync(path.join(workingDir, "schemas", "crm.schema.json"))).toBe(true);
  });

  it("restores a pipeline on a machine that never ran it, given --destination and --dataset-name", async () => {
    const freshDir = tempDir("dlt-ts-cli-pg-fresh-");
    // In order: the restore creates the working dir the first call must not find.
    const unknown = await dltTs(["pipeline", "pg_cli", "sync", "--pipelines-dir", freshDir], { env });
    const restored = await dltTs(
      ["pipeline", "pg_cli", "sync", "--destination", "postgres", "--dataset-name", dataset, "--pipelines-dir", freshDir],
      { env },
    );
    expectClean(restored);
    expect(lines(restored)[1]).toMatch(/^Restored state version \d+ of pipeline pg_cli with 1 schema: crm \(version 2\)$/);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toBe(`error: Pipeline "pg_cli" not found in ${freshDir}: there are no pipelines there\n`);

    const info = await dltTs(["pipeline", "pg_cli", "info", "--pipelines-dir", freshDir]);
    expectClean(info);
    expect(info.stdout).toContain(`  dataset_name: ${dataset}\n`);
    expect(info.stdout).toContain("  destination_type: postgres\n");
    expect(info.stdout).toContain('  sources: {\n    "crm": {\n      "cursor": 42\n    }\n  }\n');
    expect(info.stdout).toContain("    users (merge): id, name, joined, score\n    users__tags (nested in users): value\n");
  });
});

describe("dlt-ts pipeline <name> drop", () => {
  const dropDataset = uniqueDataset("cli_pg_drop");
  afterAll(() => dropDatasets(dropDataset));

  async function run(): Promise<void> {
    const p = pipeline({ pipelineName: "pg_drop", pipelinesDir, datasetName: dropDataset, destination: postgres({ credentials: TEST_URL }), progress: "none" });
    const crm = (p.state.sources.crm ??= { resources: {} }) as { resources: Record<string, { seen: number }> };
    for (const name of ["users", "user_events", "deals"]) crm.resources[name] = { seen: (crm.resources[name]?.seen ?? 0) + 1 };
    const users = resource([{ id: 1, tags: ["a"], roles: [{ name: "admin", scopes: ["x", "y"] }] }], {
      name: "users",
      writeDisposition: "merge",
      primaryKey: "id",
    });
    const events = resource([{ id: 7, user_id: 1 }], { name: "user_events" });
    const deals = resource([{ id: 3, amount: 1.5 }], { name: "deals" });
    await p.run(source([users, events, deals], { name: "crm" }));
  }

  /** Data tables in the dataset (dlt's own `_dlt_*` left out). */
  async function datasetTables(schema = dropDataset): Promise<string[]> {
    const client = testSqlClient(dropDataset, 1);
    try {
      const rows = await client.query<{ table_name: string }>(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = %s ORDER BY table_name",
        [schema],
      );
      return rows.map((r) => r.table_name).filter((t) => !t.startsWith("_dlt"));
    } finally {
      await client.close();
    }
  }

  it("drops the selected resources' tables and nested tables, stores the new schema and state; the next run recreates them", async () => {
    await run();
    expect(await datasetTables()).toEqual([
      "deals",
      "user_events",
      "users",
      "users__roles",
      "users__roles__scopes",
      "users__tags",
    ]);

    const refused = await dltTs(["pipeline", "pg_drop", "drop", "re:user", ...dirArgs], { env });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toBe("Do you want to apply these changes? [y/N]\nerror: Nothing dropped: not confirmed (pass --yes to drop without asking)\n");
    expect(lines(refused)).toEqual([
      `About to drop the following data in dataset ${dropDataset} in destination postgres (${MASKED_URL}):`,
      "  Selected schema: crm",
      "  Selected resource(s): users, user_events",
      "  Table(s) to drop: users, users__tags, users__roles, users__roles__scopes, user_events",
      "  Resource(s) state to reset: users, user_events",
    ]);
    expect(await datasetTables()).toContain("users__roles__scopes");
    // Merge loads through the staging dataset: the drop empties it of those tables too.
    expect(await datasetTables(`${dropDataset}_staging`)).toEqual(["users", "users__roles", "users__roles__scopes", "users__tags"]);

    const dropped = await dltTs(["pipeline", "pg_drop", "drop", "re:user", ...dirArgs], { env, input: "y\n" });
    expect(dropped.stderr).toBe("Do you want to apply these changes? [y/N]\n");
    expect(dropped.status).toBe(0);
    expect(dropped.stdout).not.toContain("s3cret");
    expect(lines(dropped).slice(5)).toEqual([
      `Dropped 5 tables from dataset ${dropDataset}: users, users__tags, users__roles, users__roles__scopes, user_events`,
      "Reset the state of 2 resources: users, user_events",
      "Stored schema crm version 3 and state version 2 in destination postgres",
    ]);
    expect(await datasetTables()).toEqual(["deals"]);
    expect(await datasetTables(`${dropDataset}_staging`)).toEqual([]);

    // The destination keeps only the new schema, and the new state is the newest.
    const client = testSqlClient(dropDataset, 1);
    try {
      const versions = await client.query<{ version: number; schema: string }>(`SELECT version, schema FROM ${client.makeQualifiedTableName("_dlt_version")}`);
      expect(versions.map((v) => Number(v.version))).toEqual([3]);
      expect(Object.keys((JSON.parse(versions[0]!.schema) as { tables: object }).tables).filter((t) => !t.startsWith("_dlt"))).toEqual(["deals"]);
    } finally {
      await client.close();
    }
    const fresh = tempDir("dlt-ts-cli-pg-drop-fresh-");
    const synced = await dltTs(["pipeline", "pg_drop", "sync", "--destination", "postgres", "--dataset-name", dropDataset, "--pipelines-dir", fresh], { env });
    expect(lines(synced).pop()).toBe("Restored state version 2 of pipeline pg_drop with 1 schema: crm (version 3)");
    const restored = JSON.parse(readFileSync(path.join(fresh, "pg_drop", "state.json"), "utf8")) as { sources: unknown };
    expect(restored.sources).toEqual({ crm: { resources: { deals: { seen: 1 } } } });

    await run();
    expect(await datasetTables()).toEqual([
      "deals",
      "user_events",
      "users",
      "users__roles",
      "users__roles__scopes",
      "users__tags",
    ]);
    const show = await dltTs(["pipeline", "pg_drop", "show", ...dirArgs], { env });
    expect(show.stdout).toContain("  Table users__roles__scopes: 2 rows\n");
    expect(show.stdout).toContain("  Table deals: 2 rows\n");
    const state = JSON.parse(readFileSync(path.join(pipelinesDir, "pg_drop", "state.json"), "utf8")) as { sources: unknown };
    expect(state.sources).toEqual({ crm: { resources: { deals: { seen: 2 }, users: { seen: 1 }, user_events: { seen: 1 } } } });
  }, 300_000); // four child processes and two loads one after the other
});

describe("dlt-ts init <source> postgres", () => {
  it("scaffolds a pipeline that loads with credentials from the environment, then shows its tables", async () => {
    const project = tempDir("dlt-ts-cli-pg-init-");
    const init = await dltTs(["init", initSource, "postgres"], { cwd: project });
    expect(init.status).toBe(0);
    // The placeholders in .dlt/secrets.toml lose to the env var, as every config value does.
    const userEnv = { ...env, HOME: project };
    const run = await runNode(path.join(project, `${initSource}_pipeline.ts`), [], { cwd: project, env: userEnv });
    expect(run.stderr).toBe("");
    expect(run.stdout).toContain(`1 load package(s) were loaded to destination postgres and into dataset ${initSource}_data\n`);
    expect(run.stdout).not.toContain("s3cret");

    const show = await dltTs(["pipeline", `${initSource}_pipeline`, "show"], { cwd: project, env: userEnv });
    expectClean(show);
    const out = lines(show);
    expect(out[0]).toBe(`Pipeline ${initSource}_pipeline: destination postgres (postgres) at ${MASKED_URL}, dataset ${initSource}_data`);
    expect(out).toContain("  Table items: 2 rows");
    expect(out).toContain("    created_at    timestamp  timestamp with time zone");
    expect(out).toContain("  Table items__tags: 3 rows");
  });
});
