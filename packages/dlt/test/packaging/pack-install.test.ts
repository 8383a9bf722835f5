import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";

/*
 * dlt-ts as a user gets it: the public packages packed with `npm pack`,
 * installed into a project outside this repository (scaffolded by
 * `dlt-ts init`), and used from there: a script compiled with TypeScript's
 * defaults (standard decorators) that loads into DuckDB and into a sink, an
 * ES module importing named exports, `npx dlt-ts --help` and `npm start`.
 * npm installs from its cache where it can (npm ci filled it).
 */

const run = promisify(execFile);
const REPO = path.resolve(__dirname, "..", "..", "..", "..");
const PACKED = ["core", "normalizer", "loader", "sql", "destination-sink", "destination-duckdb", "dlt"];

jest.setTimeout(600_000);

async function sh(command: string, args: string[], cwd: string, env: Record<string, string> = {}) {
  return run(command, args, { cwd, env: { ...process.env, NO_COLOR: "1", ...env }, maxBuffer: 64 * 1024 * 1024 });
}

interface PackedFile {
  path: string;
}

describe("the packages, installed outside the repository", () => {
  const work = mkdtempSync(path.join(os.tmpdir(), "dlt-ts-pack-"));
  const tarballs: string[] = [];
  const project = path.join(work, "project");

  beforeAll(async () => {
    await sh("npx", ["tsc", "-b"], REPO);
    mkdirSync(path.join(work, "tarballs"));
    for (const name of PACKED) {
      const { stdout } = await sh("npm", ["pack", "--json", "--pack-destination", path.join(work, "tarballs")], path.join(REPO, "packages", name));
      const [packed] = JSON.parse(stdout) as { filename: string; files: PackedFile[] }[];
      tarballs.push(path.join(work, "tarballs", packed!.filename));
      for (const file of packed!.files) expect(file.path).toMatch(/^(dist\/|bin\/|package\.json$|README\.md$|LICENSE$)/);
    }
    mkdirSync(project);
    // The scaffold a user starts from: package.json, tsconfig.json, a sink pipeline, .dlt/.
    await sh(process.execPath, [path.join(REPO, "packages", "dlt", "bin", "dlt-ts.js"), "init", "demo", "sink"], project);
    // Not published: the tarballs stand in for the registry's dlt-ts packages (the tools come from npm's cache).
    await sh("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", ...tarballs], project);
  });

  it("each package ships only dist, README, LICENSE and package.json", () => {
    expect(tarballs).toHaveLength(PACKED.length);
  });

  it("the scaffold runs with npm start", async () => {
    const { stdout } = await sh("npm", ["start", "--silent"], project, { HOME: work });
    expect(stdout).toMatch(/Load package \S+ is LOADED and contains no failed jobs/);
  });

  it("a script compiled with TypeScript's defaults loads into DuckDB and into a sink with an injected secret", async () => {
    writeFileSync(
      path.join(project, "load.ts"),
      `import { destination, pipeline, secret, type DataItem } from "dlt-ts";
import { duckdb } from "@dlt-ts/destination-duckdb";

const received: unknown[] = [];

@destination({ name: "outside_sink", batchSize: 2 })
class OutsideSink {
  @secret() apiKey!: string;
  async write(items: DataItem[] | string) {
    received.push({ batch: (items as DataItem[]).map((i) => i.id), key: this.apiKey });
  }
}

async function main() {
  const duck = pipeline({ pipelineName: "outside_duck", destination: duckdb({ credentials: "outside.duckdb" }), pipelinesDir: "pipelines", progress: "none" });
  await duck.run([{ id: 1 }, { id: 2 }], { tableName: "items" });
  const rows = await duck.sqlClient().query("select count(*) as n from items");
  const sink = pipeline({ pipelineName: "outside_sink", destination: OutsideSink, pipelinesDir: "pipelines", progress: "none" });
  await sink.run([{ id: 1 }, { id: 2 }, { id: 3 }], { tableName: "items" });
  console.log(JSON.stringify({ duckdbRows: Number(rows[0]!.n), received }));
}
main().catch((error) => { console.error(error); process.exitCode = 1; });
`,
    );
    // The scaffold's tsconfig: TypeScript's defaults, so standard (TC39) decorators.
    const tsconfig = JSON.parse(readFileSync(path.join(project, "tsconfig.json"), "utf8"));
    expect(tsconfig.compilerOptions.experimentalDecorators).toBeUndefined();
    await sh("npx", ["tsc", "-p", ".", "--noEmit", "false", "--outDir", "out"], project);
    const { stdout } = await sh(process.execPath, [path.join("out", "load.js")], project, { DESTINATION__OUTSIDE_SINK__API_KEY: "k-outside" });
    expect(JSON.parse(stdout)).toEqual({
      duckdbRows: 2,
      received: [
        { batch: [1, 2], key: "k-outside" },
        { batch: [3], key: "k-outside" },
      ],
    });
  });

  it("an ES module imports dlt-ts's named exports", async () => {
    writeFileSync(
      path.join(project, "esm.mjs"),
      `import { pipeline, destination, secret, config, inject } from "dlt-ts";
import { duckdb } from "@dlt-ts/destination-duckdb";
console.log([pipeline, destination, secret, config, inject, duckdb].map((f) => typeof f).join(","));
`,
    );
    const { stdout } = await sh(process.execPath, ["esm.mjs"], project);
    expect(stdout.trim()).toBe("function,function,function,function,function,function");
  });

  it("every TypeScript block of the README runs as it is", async () => {
    const readme = readFileSync(path.join(REPO, "README.md"), "utf8");
    const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(blocks.length).toBeGreaterThanOrEqual(3);
    const outputs: string[] = [];
    for (const [i, block] of blocks.entries()) {
      writeFileSync(path.join(project, `readme-${i}.mts`), block);
      const { stdout } = await sh("npx", ["tsx", `readme-${i}.mts`], project, { HOME: work, DESTINATION__MY_DESTINATION__API_KEY: "readme-key" });
      outputs.push(stdout);
    }
    // ...and type-checks under the scaffold's tsconfig (TypeScript's defaults, strict).
    await sh("npx", ["tsc", "-p", ".", "--noEmit"], project);
    expect(outputs[0]).toMatch(/Pipeline github load step completed in/);
    expect(outputs[0]).toMatch(/\ntext\n$/);
    expect(outputs[1]).toContain("POST 3 items");
    expect(outputs[2]).toContain("POST /contacts: 1 items");
  });

  it("npx dlt-ts --help runs the installed CLI, and deep imports are closed", async () => {
    const { stdout } = await sh("npx", ["dlt-ts", "--help"], project);
    expect(stdout).toContain("Usage: dlt-ts");
    const deep = await sh(process.execPath, ["-e", 'require("@dlt-ts/core/dist/index.js")'], project).catch((e: { stderr: string }) => e);
    expect((deep as { stderr: string }).stderr).toContain("ERR_PACKAGE_PATH_NOT_EXPORTED");
  });
});
