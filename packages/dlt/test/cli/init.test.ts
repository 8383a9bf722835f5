import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { dltTs, runNode, tempDir, type CliResult } from "./cli-runner.js";

/*
 * `dlt-ts init` as a child process in a temp project dir; the pipeline it
 * writes is then run as a user would (tsx), with HOME in a temp dir so the
 * default pipelines dir (~/.dlt-ts/pipelines) is a scratch one.
 */

// Every test starts CLI processes (tsx compiles on start): seconds each, many more on a busy machine.
jest.setTimeout(180_000);

function read(dir: string, file: string): string {
  return readFileSync(path.join(dir, file), "utf8");
}

function expectOneLineError(result: CliResult, message: string): void {
  expect(result.status).toBe(1);
  expect(result.stdout).toBe("");
  expect(result.stderr).toBe(`error: ${message}\n`);
}

describe("dlt-ts init", () => {
  it("scaffolds a runnable sink pipeline, config, secrets and .gitignore", async () => {
    const project = tempDir("dlt-ts-init-");
    const init = await dltTs(["init", "demo", "sink"], { cwd: project });
    expect(init.stderr).toBe("");
    expect(init.status).toBe(0);
    expect(init.stdout).toBe(
      [
        `Created a dlt-ts pipeline for source demo and destination sink in ${project}:`,
        "  demo_pipeline.ts   the pipeline, with a sample resource to replace with your data",
        "  .dlt/config.toml   config values",
        "  .dlt/secrets.toml  credentials and keys: fill in the placeholders",
        "  package.json       dependencies and `npm start`",
        "  tsconfig.json      TypeScript's defaults, strict",
        "  .gitignore         ignores .dlt/secrets.toml and local DuckDB files",
        "Next steps:",
        "  1. npm install",
        "  2. npx tsx demo_pipeline.ts",
        "  3. npx dlt-ts pipeline demo_pipeline info",
        "",
      ].join("\n"),
    );
    expect(read(project, ".dlt/secrets.toml")).toContain('[destination.demo_sink]\n# api_key = "<configure me>"\n');
    expect(read(project, ".dlt/config.toml")).toContain("[load]\n");
    expect(read(project, ".gitignore").split("\n")).toContain("**/.dlt/secrets.toml");
    const manifest = JSON.parse(read(project, "package.json"));
    expect(manifest.dependencies).toEqual({ "dlt-ts": "^0.1.0" });
    expect(manifest.scripts.start).toBe("tsx demo_pipeline.ts");
    expect(JSON.parse(read(project, "tsconfig.json")).compilerOptions.experimentalDecorators).toBeUndefined();
    expect(read(project, "demo_pipeline.ts")).toContain("a sink receives nested lists and objects inside each item");

    // The scaffold runs as it is, and the CLI finds it in the default pipelines dir.
    const env = { HOME: project };
    const run = await runNode(path.join(project, "demo_pipeline.ts"), [], { cwd: project, env });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('items: 2 item(s) [{"id":1,"name":"first","tags":["a","b"],"createdAt":"2024-01-01T00:00:00Z"}');
    expect(run.stdout).toMatch(/\nLoad package \S+ is LOADED and contains no failed jobs\n$/);
    const [info, again, forced] = await Promise.all([
      dltTs(["pipeline", "demo_pipeline", "info"], { cwd: project, env }),
      dltTs(["init", "demo", "sink"], { cwd: project }),
      dltTs(["init", "demo", "postgres", "--force", "--dir", tempDir("dlt-ts-init-other-")]),
    ]);
    expect(info.status).toBe(0);
    expect(info.stdout.split("\n")[0]).toBe(`Found pipeline demo_pipeline in ${path.join(project, ".dlt-ts", "pipelines", "demo_pipeline")}`);
    expect(info.stdout).toContain("  destination_type: sink\n  destination_name: demo_sink\n");
    expectOneLineError(again, `Not overwriting demo_pipeline.ts, .dlt/config.toml, .dlt/secrets.toml in ${project}: pass --force to replace them`);
    expect(forced.status).toBe(0);
  });

  it("replaces files only with --force, and only appends to .gitignore", async () => {
    const project = tempDir("dlt-ts-init-");
    writeFileSync(path.join(project, ".gitignore"), "dist/\n*.duckdb");
    writeFileSync(path.join(project, "github_pipeline.ts"), "// mine\n");
    writeFileSync(path.join(project, "package.json"), '{ "name": "mine" }\n');
    const refused = await dltTs(["init", "github", "duckdb"], { cwd: project });
    expectOneLineError(refused, `Not overwriting github_pipeline.ts in ${project}: pass --force to replace them`);
    expect(read(project, "github_pipeline.ts")).toBe("// mine\n");

    const forced = await dltTs(["init", "github", "duckdb", "--force"], { cwd: project });
    expect(forced.status).toBe(0);
    expect(forced.stdout).toContain("\n  github_pipeline.ts  the pipeline, with a sample resource to replace with your data (replaced)\n");
    expect(forced.stdout).toContain("\n  .gitignore          added **/.dlt/secrets.toml, *.duckdb.wal, node_modules/\n");
    // A package.json of the user's is kept: init says what to install instead.
    expect(read(project, "package.json")).toBe('{ "name": "mine" }\n');
    expect(forced.stdout).toContain("\n  1. npm install dlt-ts @dlt-ts/destination-duckdb && npm install --save-dev tsx\n");
    expect(read(project, ".gitignore")).toBe(
      "dist/\n*.duckdb\n# dlt-ts: secrets and local databases stay out of git\n**/.dlt/secrets.toml\n*.duckdb.wal\nnode_modules/\n",
    );
    const script = read(project, "github_pipeline.ts");
    expect(script).toContain('destination: "duckdb",\n    datasetName: "github_data",');
    expect(script).toContain('resource(items, { name: "items", writeDisposition: "merge", primaryKey: "id" })');
  });

  it("writes credential placeholders for SQL destinations", async () => {
    const pg = tempDir("dlt-ts-init-");
    const mssql = tempDir("dlt-ts-init-");
    const [postgres, sqlServer, unknown, badName] = await Promise.all([
      dltTs(["init", "my_api", "postgres"], { cwd: pg }),
      dltTs(["init", "my_api", "mssql", "--dir", mssql]),
      dltTs(["init", "my_api", "snowflake"]),
      dltTs(["init", "my-api", "postgres"]),
    ]);
    expect(postgres.status).toBe(0);
    expect(postgres.stdout).toContain("\n  2. Fill in the credentials in .dlt/secrets.toml\n");
    expect(read(pg, ".dlt/secrets.toml")).toContain(
      [
        "[destination.postgres.credentials]",
        'database = "<configure me>"',
        'username = "<configure me>"',
        'password = "<configure me>"',
        'host = "<configure me>"',
        "port = 5432",
        "connect_timeout = 15",
      ].join("\n"),
    );
    expect(read(pg, "my_api_pipeline.ts")).toContain("export function myApiSource()");
    expect(sqlServer.status).toBe(0);
    expect(read(mssql, ".dlt/secrets.toml")).toContain("[destination.mssql.credentials]\n");
    expect(read(mssql, ".dlt/secrets.toml")).toContain("port = 1433\n");
    expectOneLineError(unknown, 'Unknown destination "snowflake": dlt-ts init knows duckdb, mssql, postgres, sink');
    expectOneLineError(badName, 'Source name "my-api" must start with a letter and hold only letters, digits and underscores (e.g. github)');
  });
});
