/*
 * dlt-ts quickstart: load GitHub events into DuckDB, then query them.
 *
 *   npm run quickstart        (from the repository root)
 *
 * No server needed: DuckDB keeps the whole database in one file,
 * github_quickstart.duckdb, created in the directory you run this from.
 */
import "reflect-metadata";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { pipeline } from "dlt-ts";

async function main(): Promise<void> {
  // 1. Data: any array, iterable or async generator of JSON-like objects.
  //    Here: 100 events as the GitHub events API returns them.
  const events = JSON.parse(readFileSync(path.join(__dirname, "data", "github-events.json"), "utf8")) as object[];

  // 2. A pipeline: where to load ("duckdb", found by name) and into which dataset (a schema in the database).
  const p = pipeline({ pipelineName: "github_quickstart", destination: "duckdb", datasetName: "github_data" });

  // 3. Run it: dlt-ts infers the schema, flattens nested objects into columns (actor__login),
  //    moves nested lists into child tables (events__payload__commits) and loads everything.
  //    "replace" gives the same result on every rerun; "append" (the default) adds rows,
  //    "merge" with a primaryKey updates them.
  const info = await p.run(events, { tableName: "events", writeDisposition: "replace" });
  console.log(info.toString());
  console.log(`\nTables: ${p.defaultSchema.dataTables().map((t) => t.name).sort().join(", ")}`);

  // 4. Query what was loaded. Unqualified names resolve in the dataset.
  const client = await p.sqlClient();
  try {
    const rows = await client.query<{ type: string; events: number }>(
      "SELECT type, count(*) AS events FROM events GROUP BY type ORDER BY events DESC, type",
    );
    console.log("\nEvents per type:");
    for (const row of rows) console.log(`  ${row.type.padEnd(32)} ${row.events}`);
  } finally {
    await client.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
