import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";

export const REPO_ROOT = path.resolve(__dirname, "..", "..", "..", "..");
const MAIN = path.join(REPO_ROOT, "packages", "dlt", "src", "cli", "main.ts");
/** tsx by absolute URL, so the CLI runs from any working dir (init writes into the cwd). */
export const TSX = pathToFileURL(require.resolve("tsx", { paths: [REPO_ROOT] })).href;
/** The tests tsconfig: decorators on, and paths from package names to sources (no build needed). */
export const TSX_ENV = { TSX_TSCONFIG_PATH: path.join(REPO_ROOT, "tsconfig.test.json") };

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  env?: Record<string, string>;
  /** Written to stdin, which is then closed (closed at once when absent). */
  input?: string;
}

/** Runs `node --import tsx <file> ...args` as a child process. */
export function runNode(file: string, args: string[], options: RunOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", TSX, file, ...args], {
      cwd: options.cwd ?? REPO_ROOT,
      env: { ...process.env, ...TSX_ENV, NO_COLOR: "1", ...options.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(options.input ?? "");
  });
}

/** Runs the `dlt-ts` CLI from source. */
export function dltTs(args: string[], options: RunOptions = {}): Promise<CliResult> {
  return runNode(MAIN, args, options);
}

export function tempDir(prefix = "dlt-ts-cli-"): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}
