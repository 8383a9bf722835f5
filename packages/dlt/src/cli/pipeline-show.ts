import { DatabaseUndefinedRelation, isDltName, type Schema, type SqlClient, type TableSchema } from "@dlt-ts/core";
import { CliError, type CliOutput } from "./cli-output.js";
import { plural } from "./cli-format.js";
import { SINK_DESTINATION_TYPE, chooseDestination, configureFor, openDestination } from "./cli-destination.js";
import type { PipelineInspector } from "./pipeline-inspector.js";

export interface ShowOptions {
  /** Destination name overriding the one in the state. */
  destination?: string;
  /** Also list dlt's own `_dlt_*` tables. */
  system?: boolean;
}

interface DestinationColumn {
  name: string;
  dbType: string;
}

/**
 * `pipeline <name> show`: every table of the pipeline's schemas with its
 * columns (dlt type and the destination's own type) and its row count, read
 * from the destination. Sinks keep no tables: their schema is shown alone.
 */
export async function showTables(inspector: PipelineInspector, output: CliOutput, options: ShowOptions): Promise<void> {
  const name = inspector.pipelineName;
  const state = inspector.state();
  const schemas = inspector.schemas();
  if (schemas.length === 0) throw new CliError(`Pipeline ${name} has no schema yet: run it first, then show its tables`);
  const choice = chooseDestination(name, state, options.destination);
  const datasetName = state?.datasetName ?? `${name}_dataset`;

  if (choice.type === SINK_DESTINATION_TYPE) {
    output.out(`Pipeline ${name} loads into sink ${choice.name}: a sink keeps no tables, so the schema's tables are shown without row counts`);
    for (const schema of schemas) printSchemaOnly(schema, output, options);
    return;
  }

  const destination = await openDestination(choice);
  const configured = await configureFor(destination, { pipelineName: name, datasetName, workingDir: inspector.workingDir });
  if (!configured.sqlClient) {
    output.out(`Destination ${choice.name} (${choice.type}) has no SQL client: the schema's tables are shown without row counts`);
    for (const schema of schemas) printSchemaOnly(schema, output, options);
    return;
  }
  const client = await configured.sqlClient();
  try {
    output.out(`Pipeline ${name}: destination ${choice.name} (${choice.type}) at ${configured.location || "-"}, dataset ${client.datasetName}`);
    const destinationColumns = await readDestinationColumns(client);
    for (const schema of schemas) {
      output.out(`Schema ${schema.name} (version ${schema.version}):`);
      for (const table of tablesOf(schema, options)) {
        const count = await countRows(client, table.name);
        output.out(`  Table ${table.name}: ${count === undefined ? "not in the destination (nothing loaded yet)" : plural(count, "row")}`);
        const atDestination = destinationColumns?.get(client.capabilities.casefoldIdentifier(table.name));
        for (const line of columnLines(table, atDestination, client)) output.out(`    ${line}`);
      }
    }
  } finally {
    await client.close();
  }
}

function tablesOf(schema: Schema, options: ShowOptions): TableSchema[] {
  const data = schema.dataTables();
  if (!options.system) return data;
  const system = Object.values(schema.tables).filter((t) => isDltName(t.name) && Object.keys(t.columns).length > 0);
  return [...data, ...system];
}

function printSchemaOnly(schema: Schema, output: CliOutput, options: ShowOptions): void {
  output.out(`Schema ${schema.name} (version ${schema.version}):`);
  for (const table of tablesOf(schema, options)) {
    output.out(`  Table ${table.name}`);
    for (const line of columnLines(table, undefined, undefined)) output.out(`    ${line}`);
  }
}

/**
 * One line per column: name, dlt type, destination type. Columns come from
 * the destination when it listed them (so a column added by hand shows),
 * else from the schema.
 */
function columnLines(table: TableSchema, atDestination: DestinationColumn[] | undefined, client: SqlClient | undefined): string[] {
  const schemaColumns = Object.values(table.columns).filter((c) => c.dataType !== undefined);
  const byFolded = new Map(schemaColumns.map((c) => [client ? client.capabilities.casefoldIdentifier(c.name) : c.name, c]));
  const rows: [string, string, string][] = atDestination
    ? atDestination.map((c) => [c.name, byFolded.get(c.name)?.dataType ?? "-", c.dbType])
    : schemaColumns.map((c) => [c.name, c.dataType!, ""]);
  const nameWidth = Math.max(...rows.map((r) => r[0].length), 0);
  const typeWidth = Math.max(...rows.map((r) => r[1].length), 0);
  return rows.map(([n, t, db]) => `${n.padEnd(nameWidth)}  ${db ? `${t.padEnd(typeWidth)}  ${db}` : t}`.trimEnd());
}

/** Columns of every table in the dataset, from information_schema; undefined where the destination has none. */
async function readDestinationColumns(client: SqlClient): Promise<Map<string, DestinationColumn[]> | undefined> {
  let rows: Record<string, unknown>[];
  try {
    rows = await client.query(
      "SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = %s ORDER BY table_name, ordinal_position",
      [client.fullyQualifiedDatasetName(false)],
    );
  } catch {
    return undefined;
  }
  const byTable = new Map<string, DestinationColumn[]>();
  for (const row of rows) {
    const values = lowerKeys(row);
    const table = String(values.table_name);
    byTable.set(table, [...(byTable.get(table) ?? []), { name: String(values.column_name), dbType: String(values.data_type) }]);
  }
  return byTable;
}

/** Rows in a table; undefined when the table does not exist at the destination. */
async function countRows(client: SqlClient, table: string): Promise<number | undefined> {
  try {
    const rows = await client.query(`SELECT COUNT(*) AS row_count FROM ${client.makeQualifiedTableName(table)}`);
    const value = Object.values(rows[0] ?? {})[0];
    return Number(value ?? 0);
  } catch (error) {
    if (error instanceof DatabaseUndefinedRelation) return undefined;
    throw error;
  }
}

/** Some databases return information_schema columns upper-cased. */
function lowerKeys(row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k.toLowerCase(), v]));
}
