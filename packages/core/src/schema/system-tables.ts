import type { TableSchema, ColumnSchema } from "./schema-types.js";

export const DLT_PREFIX = "_dlt";
export const VERSION_TABLE_NAME = "_dlt_version";
export const LOADS_TABLE_NAME = "_dlt_loads";
export const PIPELINE_STATE_TABLE_NAME = "_dlt_pipeline_state";

/** Status written to `_dlt_loads.status` once a package is fully loaded, as dlt. */
export const LOAD_STATUS_LOADED = 0;

function columns(defs: ColumnSchema[]): Record<string, ColumnSchema> {
  return Object.fromEntries(defs.map((c) => [c.name, c]));
}

/** `_dlt_version` and `_dlt_loads`, present in every schema as in dlt. */
export function dltSystemTables(): Record<string, TableSchema> {
  return {
    [VERSION_TABLE_NAME]: {
      name: VERSION_TABLE_NAME,
      writeDisposition: "skip",
      columns: columns([
        { name: "version", dataType: "bigint", nullable: false },
        { name: "engine_version", dataType: "bigint", nullable: false },
        { name: "inserted_at", dataType: "timestamp", nullable: false },
        { name: "schema_name", dataType: "text", nullable: false },
        { name: "version_hash", dataType: "text", nullable: false },
        { name: "schema", dataType: "text", nullable: false },
      ]),
    },
    [LOADS_TABLE_NAME]: {
      name: LOADS_TABLE_NAME,
      writeDisposition: "skip",
      columns: columns([
        // dlt's load ids are short; varchar(64) as in dlt.
        { name: "load_id", dataType: "text", nullable: false, precision: 64 },
        { name: "schema_name", dataType: "text", nullable: true },
        { name: "status", dataType: "bigint", nullable: false },
        { name: "inserted_at", dataType: "timestamp", nullable: false },
        { name: "schema_version_hash", dataType: "text", nullable: true },
      ]),
    },
  };
}

/** `_dlt_pipeline_state`: the pipeline state is loaded like any table so it can be restored. */
export function pipelineStateTable(): TableSchema {
  return {
    name: PIPELINE_STATE_TABLE_NAME,
    writeDisposition: "append",
    resource: PIPELINE_STATE_TABLE_NAME,
    columns: columns([
      { name: "version", dataType: "bigint", nullable: false },
      { name: "engine_version", dataType: "bigint", nullable: false },
      { name: "pipeline_name", dataType: "text", nullable: false },
      { name: "state", dataType: "text", nullable: false },
      { name: "created_at", dataType: "timestamp", nullable: false },
      { name: "version_hash", dataType: "text", nullable: true },
      { name: "_dlt_load_id", dataType: "text", nullable: false, precision: 64 },
      { name: "_dlt_id", dataType: "text", nullable: false, unique: true, rowKey: true, precision: 64 },
    ]),
  };
}
