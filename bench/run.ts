import "reflect-metadata";
import { writeFileSync } from "node:fs";
import { collectedFigures } from "./run-cases";

/**
 * `npm run bench -- [<name>...] [--big] [--formats] [--json <file>]`: runs
 * the named benchmarks (all when none is named). Every case prints its rate
 * beside the floor measured in the same run and the ratio of the two, and
 * its peak RSS. `--big` adds the large sizes (minutes each), `--formats` the
 * slower load formats of the duckdb bench; `--json <file>` also writes every
 * case's figures to the file, to compare commits.
 */
const benches: Record<string, (flags: ReadonlySet<string>) => Promise<void>> = {
  normalize: async (flags) => (await import("./normalize.js")).benchNormalize(flags),
  sink: async () => (await import("./sink.js")).benchSink(),
  postgres: async () => (await import("./postgres.js")).benchPostgres(),
  duckdb: async (flags) => (await import("./duckdb.js")).benchDuckdb(flags),
  "source-sql": async () => (await import("./source-sql.js")).benchSourceSql(),
};

const FLAGS = new Set(["--big", "--formats"]);

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const jsonAt = args.indexOf("--json");
  const jsonFile = jsonAt >= 0 ? args[jsonAt + 1] : undefined;
  if (jsonAt >= 0 && !jsonFile) throw new Error("--json needs a file name: npm run bench -- --json bench-results.json");
  const rest = jsonAt >= 0 ? [...args.slice(0, jsonAt), ...args.slice(jsonAt + 2)] : args;
  const flags = new Set(rest.filter((a) => a.startsWith("--")));
  for (const flag of flags) if (!FLAGS.has(flag)) throw new Error(`Unknown flag "${flag}". Known: ${[...FLAGS, "--json <file>"].join(", ")}`);
  const wanted = rest.filter((a) => !a.startsWith("--"));
  const names = wanted.length > 0 ? wanted : Object.keys(benches);
  for (const name of names) {
    const bench = benches[name];
    if (!bench) throw new Error(`Unknown benchmark "${name}". Known: ${Object.keys(benches).join(", ")}`);
    await bench(flags);
  }
  if (jsonFile) {
    writeFileSync(jsonFile, `${JSON.stringify({ date: new Date().toISOString(), args, cases: collectedFigures }, null, 2)}\n`);
    console.log(`figures written to ${jsonFile}`);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
