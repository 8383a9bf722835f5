import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { FIGURES_MARKER, type Figures } from "./case-result";

/** Figures of every case run so far in this process, in order (what `--json` writes). */
export const collectedFigures: Figures[] = [];

/**
 * Runs each case of a benchmark in a fresh Node process (so peak RSS is per
 * case), prints the text the case returns and keeps its figures in
 * {@link collectedFigures}. The packages are the built ones (`npm run bench`
 * builds them first; bench/tsconfig.json maps no paths to sources): what a
 * user runs. From sources, each normalize worker thread compiled them again
 * through tsx, ~25 MB of RSS per worker a user never pays.
 */
export async function runCases(moduleFile: string, exportName: string, cases: unknown[][]): Promise<void> {
  for (const args of cases) {
    const { text, figures } = runCase(moduleFile, exportName, args);
    if (text !== "") process.stdout.write(`${text}\n`);
    if (figures) collectedFigures.push(figures);
  }
}

/**
 * Runs one case in a fresh Node process and returns what it printed and
 * its figures (undefined for a case that returns a plain string); for a
 * case that measures part of another (a floor whose peak RSS must be its own).
 */
export function runCase(moduleFile: string, exportName: string, args: unknown[]): { text: string; figures?: Figures } {
  const output = execFileSync(
    process.execPath,
    ["--import", "tsx", path.join(__dirname, "case.ts"), moduleFile, exportName, JSON.stringify(args)],
    {
      env: { ...process.env, TSX_TSCONFIG_PATH: path.join(__dirname, "tsconfig.json") },
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  const lines: string[] = [];
  let figures: Figures | undefined;
  for (const line of output.split("\n")) {
    if (line.startsWith(FIGURES_MARKER)) figures = JSON.parse(line.slice(FIGURES_MARKER.length)) as Figures;
    else if (line !== "") lines.push(line);
  }
  return { text: lines.join("\n"), ...(figures ? { figures } : {}) };
}
