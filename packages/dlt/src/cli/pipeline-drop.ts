import { isDltName, type Schema, type TableSchema } from "@dlt-ts/core";
import { source } from "../extract/source.js";
import { pipeline } from "../pipeline/pipeline.js";
import { writeStateFile, type PipelineState } from "../pipeline/pipeline-state.js";
import { CliError, type CliOutput } from "./cli-output.js";
import { plural } from "./cli-format.js";
import { SINK_DESTINATION_TYPE, chooseDestination, configureFor, openDestination } from "./cli-destination.js";
import { confirm } from "./confirm.js";
import type { PipelineInspector } from "./pipeline-inspector.js";
import { pickSchema } from "./pipeline-schema.js";

/** What `drop` selects: resources (or their root tables) by exact name or `re:<regex>`, as dlt's simple regexes. */
export interface DropSelection {
  /** Names or `re:` patterns. */
  selectors: readonly string[];
  /** Every resource of the schema (dlt's `--drop-all`). */
  dropAll?: boolean;
  /** Reset the resources' state only; tables and schema stay. */
  stateOnly?: boolean;
}

/** The outcome of a drop, computed before anything changes (dlt's dry run). */
export interface DropPlan {
  schemaName: string;
  /** Resources whose tables are dropped, in schema order. */
  resourceNames: string[];
  /** Tables to drop: each selected root table followed by its nested tables. */
  tables: string[];
  /** Resources whose state (`sources.<schema>.resources.<resource>`) is reset. */
  resourceStates: string[];
  warnings: string[];
  /** The schema without the tables, its version raised (unchanged for stateOnly). */
  schema: Schema;
  /** The state without the resources' state, marked to be sent to the destination again. */
  state: PipelineState;
}

/**
 * Computes what dropping `selection` from `schema` does, as dlt's
 * `prepare_drop_resources`: a root table is selected when its resource (or,
 * as a dlt-ts convenience, its own name) matches a selector; its nested
 * tables go with it. The state of every matching resource of the schema's
 * source is reset, whether or not it has tables. Inputs are not changed.
 */
export function planDrop(schema: Schema, state: PipelineState, selection: DropSelection): DropPlan {
  const matchers = selection.dropAll ? [() => true] : selection.selectors.map(selectorMatcher);
  const used = new Set<number>();
  const matches = (...names: string[]): boolean => {
    let any = false;
    matchers.forEach((match, i) => {
      if (names.some((n) => match(n))) {
        used.add(i);
        any = true;
      }
    });
    return any;
  };

  const roots = Object.values(schema.tables).filter((t) => !t.parent && !isDltName(t.name));
  const selectedRoots = roots.filter((t) => matches(resourceOf(t), t.name));
  const resourceNames = [...new Set(selectedRoots.map(resourceOf))];
  const tables = selection.stateOnly ? [] : selectedRoots.flatMap((t) => schema.tableChain(t.name).map((c) => c.name));

  const newState = structuredClone(state);
  const sourceState = newState.sources[schema.name] as { resources?: Record<string, unknown> } | undefined;
  const resourceStates = Object.keys(sourceState?.resources ?? {}).filter((key) => resourceNames.includes(key) || matches(key));
  for (const key of resourceStates) delete sourceState!.resources![key];
  // As dlt's force_state_extract: the next extract sends the state, changed or not.
  newState.versionHash = "";

  const newSchema = schema.clone();
  for (const table of tables) delete newSchema.tables[table];
  newSchema.bumpVersion();

  const warnings: string[] = [];
  const unused = selection.dropAll ? [] : selection.selectors.filter((_s, i) => !used.has(i));
  if (unused.length > 0) {
    const nested = unused.filter((s) => schema.tables[s]?.parent);
    const possible = [...new Set(roots.map(resourceOf))];
    warnings.push(
      `${unused.join(", ")} selected no resource, table or resource state in schema ${schema.name}` +
        (nested.length > 0 ? ` (${nested.join(", ")}: nested tables go with their root table, select that)` : "") +
        `. Resources: ${possible.join(", ") || "none"}`,
    );
  }
  return { schemaName: schema.name, resourceNames, tables, resourceStates, warnings, schema: newSchema, state: newState };
}

/** dlt's simple regex: `re:<pattern>` matches from the start of the name (Python's re.match); anything else is an exact name. */
function selectorMatcher(selector: string): (name: string) => boolean {
  if (!selector.startsWith("re:")) return (name) => name === selector;
  let pattern: RegExp;
  try {
    pattern = new RegExp(`^(?:${selector.slice(3)})`);
  } catch (error) {
    throw new CliError(`Invalid regex in ${selector}: ${(error as Error).message}`);
  }
  return (name) => pattern.test(name);
}

function resourceOf(table: TableSchema): string {
  return table.resource ?? table.name;
}

export interface DropOptions extends DropSelection {
  /** Default: the pipeline's default schema. */
  schemaName?: string;
  /** Destination name overriding the one in the state. */
  destination?: string;
  /** Skip the question. */
  yes?: boolean;
}

/**
 * `pipeline <name> drop <resource...>`: as dlt's `pipeline drop`, drops the
 * selected resources' tables (with their nested tables) from the destination
 * dataset, removes them from the schema, resets the resources' state, and
 * stores the new schema and state at the destination, so the next run
 * reloads those resources from scratch. Refused while packages are pending.
 */
export async function dropResources(inspector: PipelineInspector, output: CliOutput, options: DropOptions): Promise<void> {
  const name = inspector.pipelineName;
  const state = inspector.state();
  if (!state?.defaultSchemaName) throw new CliError(`Pipeline ${name} has not run yet: there is nothing to drop`);
  const pending = await inspector.pendingPackages();
  if (pending.length > 0) {
    throw new CliError(
      `Pipeline ${name} has ${plural(pending.length, "pending load package")}: load them first (run the pipeline) ` +
        `or delete them (dlt-ts pipeline ${name} drop-pending-packages), then drop`,
    );
  }
  if (!options.dropAll && options.selectors.length === 0) {
    throw new CliError("Give the resources (or tables) to drop, or --drop-all");
  }
  const plan = planDrop(pickSchema(inspector, options.schemaName), state, options);
  if (plan.tables.length === 0 && plan.resourceStates.length === 0) {
    throw new CliError(`Nothing to drop: ${plan.warnings.join("; ") || `no resource state to reset in schema ${plan.schemaName}`}`);
  }

  const choice = chooseDestination(name, state, options.destination);
  if (choice.type === SINK_DESTINATION_TYPE) {
    throw new CliError(`Pipeline ${name} loads into sink ${choice.name}: a sink keeps no tables to drop`);
  }
  const destination = await openDestination(choice);
  const configured = await configureFor(destination, { pipelineName: name, datasetName: state.datasetName, workingDir: inspector.workingDir });
  const client = await configured.createClient(plan.schema);
  try {
    if (plan.tables.length > 0 && !client.dropTables) {
      throw new CliError(`Destination ${choice.name} (${choice.type}) cannot drop tables`);
    }
    output.out(`About to drop the following data in dataset ${state.datasetName} in destination ${choice.name} (${configured.location || choice.type}):`);
    output.out(`  Selected schema: ${plan.schemaName}`);
    output.out(`  Selected resource(s): ${plan.resourceNames.join(", ") || "-"}`);
    output.out(`  Table(s) to drop: ${plan.tables.join(", ") || "-"}`);
    output.out(`  Resource(s) state to reset: ${plan.resourceStates.join(", ") || "-"}`);
    for (const warning of plan.warnings) output.out(`Warning: ${warning}`);
    if (!options.yes && !(await confirm(output, "Do you want to apply these changes?"))) {
      throw new CliError("Nothing dropped: not confirmed (pass --yes to drop without asking)");
    }
    // Children first, as dlt; DROP ... IF EXISTS makes a table that was never loaded no error.
    if (plan.tables.length > 0) await client.dropTables!([...plan.tables].reverse());
  } finally {
    await client.close();
  }
  if (plan.tables.length > 0) output.out(`Dropped ${plural(plan.tables.length, "table")} from dataset ${state.datasetName}: ${plan.tables.join(", ")}`);

  // The destination no longer has the tables: from here the local schema must not list them either.
  await inspector.layout.schemaStore().save(plan.schema);
  await writeStateFile(inspector.stateFile, plan.state);
  if (plan.resourceStates.length > 0) output.out(`Reset the state of ${plural(plan.resourceStates.length, "resource")}: ${plan.resourceStates.join(", ")}`);

  // A run with no data carries the new schema and state to the destination, as dlt's drop does.
  const p = pipeline({ pipelineName: name, pipelinesDir: inspector.pipelinesDir, destination, datasetName: state.datasetName, progress: "none" });
  try {
    await p.run(source([], { name: plan.schemaName }));
  } catch (error) {
    await inspector.dropPendingPackages();
    throw new CliError(
      `The tables were dropped and the local schema and state updated, but storing them at the destination failed ` +
        `(the next run of the pipeline stores them): ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`,
    );
  }
  const stored = p.schema(plan.schemaName);
  output.out(`Stored schema ${plan.schemaName} version ${stored?.version ?? plan.schema.version} and state version ${p.state.stateVersion} in destination ${choice.name}`);
}
