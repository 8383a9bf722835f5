import { execFileSync } from "node:child_process";
import * as path from "node:path";

/**
 * Runs each case of a benchmark in a fresh Node process (so peak RSS is per
 * case) and prints the line the case returns.
 */
export async function runCases(moduleFile: string, exportName: string, cases: unknown[][]): Promise<void> {
  for (const args of cases) {
    const output = execFileSync(
      process.execPath,
      ["--import", "tsx", path.join(__dirname, "case.ts"), moduleFile, exportName, JSON.stringify(args)],
      {
        env: { ...process.env, TSX_TSCONFIG_PATH: path.join(__dirname, "..", "tsconfig.test.json") },
        encoding: "utf8",
        stdio: ["ignore", "pipe", "inherit"],
        maxBuffer: 16 * 1024 * 1024,
      },
    );
    process.stdout.write(output);
  }
}
