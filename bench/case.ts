import "reflect-metadata";
import { FIGURES_MARKER, type CaseResult } from "./case-result";

/**
 * Child-process entry of run-cases: `case.ts <module> <export> <json args>`.
 * Prints the case's text, then its figures after {@link FIGURES_MARKER}
 * (cases that return a plain string have no figures).
 */
async function main(): Promise<void> {
  const [moduleFile, exportName, args] = process.argv.slice(2) as [string, string, string];
  const module = (await import(moduleFile)) as Record<string, (...a: unknown[]) => Promise<string | CaseResult>>;
  const result = await module[exportName]!(...(JSON.parse(args) as unknown[]));
  if (typeof result === "string") console.log(result);
  else console.log(`${result.text}\n${FIGURES_MARKER}${JSON.stringify(result.figures)}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
