import { createDestination, namingConvention, type ConfiguredDestination, type Destination } from "@dlt-ts/core";
import { resolveDestination } from "../pipeline/destination-reference.js";
import type { PipelineState } from "../pipeline/pipeline-state.js";
import { CliError } from "./cli-output.js";

/** The destination a command talks to: its type (package) and name (config section `destination.<name>`). */
export interface DestinationChoice {
  type: string;
  name: string;
}

/** Sinks (`@destination`, `destination(fn)`, `destinationFrom`) record this type in the state. */
export const SINK_DESTINATION_TYPE = "sink";

/**
 * The destination of a pipeline: `--destination` when given, else the one
 * its state recorded at the last extract.
 */
export function chooseDestination(pipelineName: string, state: PipelineState | undefined, option: string | undefined): DestinationChoice {
  if (option) {
    const keepName = state?.destinationType === option && state.destinationName;
    return { type: option, name: keepName || option };
  }
  if (state?.destinationType) return { type: state.destinationType, name: state.destinationName ?? state.destinationType };
  throw new CliError(
    `Pipeline ${pipelineName} has no destination recorded in its state: pass --destination <name> (e.g. duckdb, postgres)`,
  );
}

/**
 * Creates the destination by name, as `pipeline({ destination: "postgres" })`
 * does. A destination that ran under another name (config section) gets that
 * name, so its credentials come from `destination.<name>.credentials`.
 */
export async function openDestination(choice: DestinationChoice): Promise<Destination> {
  if (choice.name !== choice.type) return createDestination(choice.type, { destinationName: choice.name });
  return resolveDestination(choice.type);
}

/**
 * Resolves the destination's config and credentials (env vars and `.dlt/` of
 * the current dir) for a pipeline. The dataset name follows the destination's
 * naming convention, as the pipeline does when it loads.
 */
export function configureFor(
  destination: Destination,
  context: { pipelineName: string; datasetName: string; workingDir: string },
): Promise<ConfiguredDestination> {
  const capabilities = destination.capabilities();
  const naming = namingConvention(capabilities.namingConvention, capabilities.maxIdentifierLength);
  return destination.configure({ ...context, datasetName: naming.normalizeTableIdentifier(context.datasetName) });
}
