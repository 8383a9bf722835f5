import * as path from "node:path";
import { describeDestinationConformance } from "@dlt-ts/destination-tests";
import type { SqlClient } from "@dlt-ts/core";
import { sqlite } from "../src/index.js";

/** Another connection holds the write lock while `client` writes: SQLite answers "database is locked". */
async function lockedWrite(client: SqlClient, context: { testDir: string; pipelineName: string; datasetName: string }): Promise<unknown> {
  const configured = await conformanceDestination(context).configure({ ...context, workingDir: context.testDir });
  const other = await configured.sqlClient();
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let began!: () => void;
  const holding = other.transaction(async (tx) => {
    await tx.execute(`DELETE FROM ${tx.makeQualifiedTableName("items")} WHERE 1 = 0`);
    began();
    await held;
  });
  await new Promise<void>((resolve) => (began = resolve));
  try {
    return await client.execute(`DELETE FROM ${client.makeQualifiedTableName("items")} WHERE 1 = 0`);
  } finally {
    release();
    await holding;
    await other.close();
  }
}

function conformanceDestination({ testDir }: { testDir: string }) {
  return sqlite({ credentials: path.join(testDir, "conformance.sqlite") });
}

describeDestinationConformance({
  name: "sqlite",
  destination: conformanceDestination,
  capabilities: { preferredLoaderFileFormat: "csv", supportedMergeStrategies: ["delete-insert"], maxParallelLoadJobs: 1 },
  faults: { transient: lockedWrite },
});
