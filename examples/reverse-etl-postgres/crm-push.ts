/*
 * Reverse ETL from Postgres: the `contacts` table of a CRM database pushed to
 * the CRM's API, only the rows changed since the last run (see README.md).
 *
 *   cp .dlt/example.secrets.toml .dlt/secrets.toml   # database URL and API key
 *   npx tsx crm-push.ts
 */
import "reflect-metadata";
import { incremental, pipeline, type LoadInfo } from "dlt-ts";
import { sqlTable } from "@dlt-ts/source-sql";
import { CrmDestination } from "./crm-destination.js";

export interface CrmPushOptions {
  /** Dir holding `.dlt/`. Default: the cwd. */
  projectDir?: string;
  /** Parent of the working dir. Default `~/.dlt-ts/pipelines`. */
  pipelinesDir?: string;
  /** The database schema of the contacts table. Default "public". */
  schema?: string;
  /** Also names the state store's dataset (`<name>_dataset`). Default "crm_push". */
  pipelineName?: string;
}

/**
 * Reads `contacts` rows updated since the last run (credentials:
 * `sources.sql_database.credentials`) and pushes them; the cursor is kept
 * in the state store (`[state_store] credentials`), so a fresh container
 * continues where the last one stopped.
 */
export function crmPush(options: CrmPushOptions = {}): Promise<LoadInfo> {
  const contacts = sqlTable({
    table: "contacts",
    schema: options.schema ?? "public",
    primaryKey: "id",
    incremental: incremental({ cursorPath: "updated_at", initialValue: "1970-01-01T00:00:00Z" }),
  });
  const p = pipeline({
    pipelineName: options.pipelineName ?? "crm_push",
    destination: CrmDestination,
    stateStore: "postgres",
    progress: "none",
    ...(options.projectDir ? { projectDir: options.projectDir } : {}),
    ...(options.pipelinesDir ? { pipelinesDir: options.pipelinesDir } : {}),
  });
  return p.run(contacts);
}

if (require.main === module) {
  crmPush().then(
    (info) => console.log(info.toString()),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exitCode = 1;
    },
  );
}
