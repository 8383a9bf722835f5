import * as path from "node:path";
import { describeDestinationConformance } from "@dlt-ts/destination-tests";
import { duckdb } from "@dlt-ts/destination-duckdb";

describeDestinationConformance({
  name: "duckdb",
  destination: ({ testDir }) => duckdb({ credentials: path.join(testDir, "conformance.duckdb") }),
  capabilities: { preferredLoaderFileFormat: "parquet", supportedMergeStrategies: ["delete-insert", "upsert", "insert-only", "scd2"] },
});
