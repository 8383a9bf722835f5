import "reflect-metadata";

/** `npm run bench -- <name>...`: runs the named benchmarks (all when none is named). */
const benches: Record<string, () => Promise<void>> = {
  normalize: async () => (await import("./normalize.js")).benchNormalize(),
  sink: async () => (await import("./sink.js")).benchSink(),
  postgres: async () => (await import("./postgres.js")).benchPostgres(),
  duckdb: async () => (await import("./duckdb.js")).benchDuckdb(),
  "source-sql": async () => (await import("./source-sql.js")).benchSourceSql(),
};

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const names = wanted.length > 0 ? wanted : Object.keys(benches);
  for (const name of names) {
    const bench = benches[name];
    if (!bench) throw new Error(`Unknown benchmark "${name}". Known: ${Object.keys(benches).join(", ")}`);
    await bench();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
