import { execFileSync } from "node:child_process";
import * as path from "node:path";

/*
 * Each package's `src/index.ts` is its only public door: the `exports` map in
 * its package.json closes deep imports. Node checks the map before it reads
 * any file, so this needs no build. Resolution runs in a child `node` from the
 * repo root (jest's own resolver maps package names to sources).
 */

const repoRoot = path.resolve(__dirname, "../../..");

const packages: Array<[name: string, folder: string]> = [
  ["@dlt-ts/core", "packages/core"],
  ["@dlt-ts/normalizer", "packages/normalizer"],
  ["@dlt-ts/loader", "packages/loader"],
  ["@dlt-ts/sql", "packages/sql"],
  ["@dlt-ts/destination-sink", "packages/destination-sink"],
  ["@dlt-ts/destination-postgres", "packages/destination-postgres"],
  ["@dlt-ts/destination-duckdb", "packages/destination-duckdb"],
  ["@dlt-ts/destination-mssql", "packages/destination-mssql"],
  ["dlt-ts", "packages/dlt"],
];

interface Resolution {
  path?: string;
  code?: string;
}

/**
 * Resolves every specifier the way a user's `require` would, from the repo
 * root, in one child process: one spawn for the whole file, not one per test.
 */
function resolveFromRoot(specifiers: string[]): Record<string, Resolution> {
  const script = `
    const out = {};
    for (const specifier of ${JSON.stringify(specifiers)}) {
      try { out[specifier] = { path: require.resolve(specifier) }; }
      catch (error) { out[specifier] = { code: error.code }; }
    }
    process.stdout.write(JSON.stringify(out));
  `;
  return JSON.parse(execFileSync(process.execPath, ["-e", script], { cwd: repoRoot, encoding: "utf8" })) as Record<string, Resolution>;
}

let resolved: Record<string, Resolution>;

// A child process: on a busy machine its start alone can take seconds.
beforeAll(() => {
  resolved = resolveFromRoot(packages.flatMap(([name]) => [`${name}/dist/index.js`, `${name}/package.json`]));
}, 60_000);

describe.each(packages)("%s exports map", (name, folder) => {
  it("closes deep imports", () => {
    expect(resolved[`${name}/dist/index.js`]).toEqual({ code: "ERR_PACKAGE_PATH_NOT_EXPORTED" });
  });

  it("exposes package.json", () => {
    const packageJson = resolved[`${name}/package.json`]!;
    expect(packageJson.code).toBeUndefined();
    // Workspaces are symlinked into node_modules; require.resolve returns the real path.
    expect(packageJson.path).toBe(path.join(repoRoot, folder, "package.json"));
  });
});
