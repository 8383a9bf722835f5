import * as path from "node:path";
import { CONFORMANCE_CASES, describeDestinationConformance } from "@dlt-ts/destination-tests";
import { filesystem } from "@dlt-ts/destination-filesystem";

/*
 * The conformance kit reads its results back through pipeline.sqlClient(),
 * which the filesystem destination does not have (dlt reads files through a
 * DuckDB-backed client; not built here). The cases that need no SQL run
 * here; every other case group (also ones added to the kit later) is skipped
 * with the reason. This package's own tests cover the same behaviour by
 * reading the files back with DuckDB.
 */
const NO_SQL = "reads back through pipeline.sqlClient(); the filesystem destination has no SQL client (see filesystem-pipeline.test.ts)";
const RUN = new Set<string>(["capabilities", "state-restore"]);

describeDestinationConformance({
  name: "filesystem",
  destination: ({ testDir }) => filesystem({ bucketUrl: `file://${path.join(testDir, "bucket")}` }),
  capabilities: {
    preferredLoaderFileFormat: "jsonl",
    supportedLoaderFileFormats: ["jsonl", "csv", "parquet"],
    supportedMergeStrategies: [],
    supportedReplaceStrategies: ["truncate-and-insert"],
    supportsTransactions: false,
    namingConvention: "snake_case",
  },
  dropDatasets: false,
  skip: {
    ...Object.fromEntries(CONFORMANCE_CASES.filter((name) => !RUN.has(name)).map((name) => [name, NO_SQL])),
    "capabilities:coherent": "expects a merge strategy; the filesystem destination has none and appends merge tables, as dlt's",
    "capabilities:escaping": NO_SQL,
    "capabilities:sql-client-capabilities": NO_SQL,
    "state-restore:restore": NO_SQL,
  },
});
