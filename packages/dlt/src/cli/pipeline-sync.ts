import { promises as fs } from "node:fs";
import { PipelineLayout, Schema, type StoredSchema } from "@dlt-ts/core";
import { decompressState, newState, writeStateFile, type PipelineState } from "../pipeline/pipeline-state.js";
import { CliError, type CliOutput } from "./cli-output.js";
import { plural } from "./cli-format.js";
import { SINK_DESTINATION_TYPE, chooseDestination, configureFor, openDestination } from "./cli-destination.js";
import { confirm } from "./confirm.js";
import { PipelineInspector } from "./pipeline-inspector.js";

export interface SyncOptions {
  destination?: string;
  datasetName?: string;
  yes?: boolean;
}

/**
 * `pipeline <name> sync`: replaces the local working dir (state, schemas,
 * pending packages, trace) with the newest state and schemas the destination
 * keeps, as dlt's sync does. The destination is not changed. When the
 * destination keeps no state for the pipeline, the local dir is left alone.
 * Works for a pipeline not on this machine yet when `--destination` (and
 * `--dataset-name` when not `<name>_dataset`) are given.
 */
export async function syncPipeline(pipelineName: string, pipelinesDir: string, output: CliOutput, options: SyncOptions): Promise<void> {
  const existing = PipelineInspector.list(pipelinesDir).some((p) => p.name === pipelineName);
  // Without --destination a pipeline must exist here: open() explains what is there when it does not.
  const inspector = existing || !options.destination ? PipelineInspector.open(pipelineName, pipelinesDir) : undefined;
  const layout = new PipelineLayout(pipelineName, pipelinesDir);
  const workingDir = layout.workingDir;
  const state = inspector?.state();
  const choice = chooseDestination(pipelineName, state, options.destination);
  if (choice.type === SINK_DESTINATION_TYPE) {
    throw new CliError(`Pipeline ${pipelineName} loads into sink ${choice.name}: sinks keep no pipeline state, there is nothing to sync from`);
  }
  const datasetName = options.datasetName ?? state?.datasetName ?? `${pipelineName}_dataset`;

  const destination = await openDestination(choice);
  const configured = await configureFor(destination, { pipelineName, datasetName, workingDir });
  const client = await configured.createClient(new Schema(pipelineName));
  let restored: PipelineState;
  const schemas: StoredSchema[] = [];
  try {
    if (!client.getStoredState) {
      throw new CliError(`Destination ${choice.name} (${choice.type}) keeps no pipeline state: there is nothing to sync from`);
    }
    const stored = await client.getStoredState(pipelineName);
    const where = `dataset ${datasetName} of destination ${choice.name} (${configured.location || choice.type})`;
    if (!stored) {
      output.out(`No state of pipeline ${pipelineName} found in ${where}: the local working dir was left as it was`);
      return;
    }
    restored = { ...newState(pipelineName, datasetName), ...decompressState(stored.state), _local: { firstRun: false } };
    for (const schemaName of restored.schemaNames) {
      const schema = await client.getStoredSchema?.(schemaName);
      if (schema) schemas.push(schema);
    }
    output.out(`Found state version ${restored.stateVersion} of pipeline ${pipelineName} in ${where}`);
  } finally {
    await client.close();
  }

  if (inspector) {
    const pending = await inspector.pendingPackages();
    output.out(
      `Syncing replaces the local state and schemas of pipeline ${pipelineName}` +
        (pending.length > 0 ? ` and deletes its ${plural(pending.length, "pending load package")}` : "") +
        "; data at the destination is not touched",
    );
    if (!options.yes && !(await confirm(output, "Replace the local working dir?"))) {
      throw new CliError("Nothing synced: not confirmed (pass --yes to sync without asking)");
    }
  }
  await fs.rm(workingDir, { recursive: true, force: true });
  await fs.mkdir(workingDir, { recursive: true });
  await writeStateFile(layout.stateFile, restored);
  const schemaStore = layout.schemaStore();
  for (const schema of schemas) await schemaStore.saveStored(schema);
  const names = schemas.map((s) => `${s.name} (version ${s.version})`).join(", ") || "none";
  output.out(`Restored state version ${restored.stateVersion} of pipeline ${pipelineName} with ${plural(schemas.length, "schema")}: ${names}`);
}
