import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const root = path.join(__dirname, "..", "..", "..");
const events = JSON.parse(readFileSync(path.join(__dirname, "..", "data", "github-events.json"), "utf8")) as { type: string }[];

/** Runs the quickstart as `npm run quickstart` does, from `cwd`, with a fresh home dir (no pipelines, no global config). */
async function quickstart(cwd: string, home: string): Promise<string> {
  const { stdout } = await run(
    path.join(root, "node_modules", ".bin", "tsx"),
    ["--tsconfig", path.join(root, "tsconfig.test.json"), path.join(root, "examples", "quickstart", "quickstart.ts")],
    { cwd, env: { ...process.env, HOME: home, USERPROFILE: home, DLT_GLOBAL_DIR: path.join(home, ".dlt") }, timeout: 120_000 },
  );
  return stdout;
}

describe("examples/quickstart", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "dlt-ts-quickstart-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test("npm run quickstart runs the example with tsx", () => {
    const scripts = (JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
    expect(scripts.quickstart).toBe("tsx --tsconfig tsconfig.test.json examples/quickstart/quickstart.ts");
  });

  test("loads the bundled events into github_quickstart.duckdb in the working directory, prints the load info and events per type; a rerun gives the same", async () => {
    const expected = new Map<string, number>();
    for (const e of events) expected.set(e.type, (expected.get(e.type) ?? 0) + 1);
    const lines = [...expected.entries()]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .map(([type, n]) => `  ${type.padEnd(32)} ${n}`);
    const file = path.join(dir, "github_quickstart.duckdb");

    for (let i = 0; i < 2; i++) {
      const output = await quickstart(dir, dir);
      expect(output).toContain("Pipeline github_quickstart load step completed in");
      expect(output).toContain("1 load package(s) were loaded to destination duckdb and into dataset github_data");
      expect(output).toContain(`The duckdb destination used duckdb:///${file} location to store data`);
      expect(output).toMatch(/Load package \d+\.\d+ is LOADED and contains no failed jobs/);
      expect(output).toMatch(/Tables: events, events__payload__commits, [^\n]*events__payload__pull_request__labels/);
      expect(output).toContain(`Events per type:\n${lines.join("\n")}\n`);
    }
    expect(existsSync(file)).toBe(true);
    expect(existsSync(path.join(dir, ".dlt-ts", "pipelines", "github_quickstart", "state.json"))).toBe(true);
  }, 240_000);
});
