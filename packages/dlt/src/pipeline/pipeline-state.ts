import { createHash } from "node:crypto";
import { deflateSync, inflateSync } from "node:zlib";
import { readFileSync } from "node:fs";
import { decodeTypedJson, encodeTypedJson, writeFileAtomic } from "@dlt-ts/core";

export const STATE_ENGINE_VERSION = 1;

/** Values that only make sense on this machine: never sent to the destination. */
export interface LocalState {
  firstRun: boolean;
  lastRunAt?: string;
}

/**
 * The pipeline state, as dlt keeps it: what the pipeline is, plus `sources`
 * for user and source state. Synced to the destination's
 * `_dlt_pipeline_state` whenever it changes, and restored from there when the
 * working dir is empty.
 */
export interface PipelineState {
  stateVersion: number;
  stateEngineVersion: number;
  versionHash: string;
  pipelineName: string;
  datasetName: string;
  defaultSchemaName?: string;
  schemaNames: string[];
  destinationType?: string;
  destinationName?: string;
  sources: Record<string, unknown>;
  _local: LocalState;
}

export function newState(pipelineName: string, datasetName: string): PipelineState {
  return {
    stateVersion: 0,
    stateEngineVersion: STATE_ENGINE_VERSION,
    versionHash: "",
    pipelineName,
    datasetName,
    schemaNames: [],
    sources: {},
    _local: { firstRun: true },
  };
}

/** Hash of what the destination stores: everything but the local part and the version fields. */
export function stateHash(state: PipelineState): string {
  const { _local, stateVersion, versionHash, ...content } = state;
  void _local;
  void stateVersion;
  void versionHash;
  return createHash("sha256").update(encodeTypedJson(content)).digest("base64");
}

/** Raises the version when the content changed; returns whether it did. */
export function bumpStateVersion(state: PipelineState): boolean {
  const hash = stateHash(state);
  if (hash === state.versionHash) return false;
  state.versionHash = hash;
  state.stateVersion += 1;
  return true;
}

export function readStateFile(filePath: string): PipelineState | undefined {
  try {
    return decodeTypedJson(readFileSync(filePath, "utf8")) as PipelineState;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/** Writes the state; bigint, Date and binary values in `sources` survive as typed JSON (see core's typed-json). */
export async function writeStateFile(filePath: string, state: PipelineState): Promise<void> {
  await writeFileAtomic(filePath, encodeTypedJson(state));
}

/** The state as stored in `_dlt_pipeline_state.state`: deflated JSON in base64, as dlt. */
export function compressState(state: PipelineState): string {
  const { _local, ...shared } = state;
  void _local;
  return deflateSync(Buffer.from(encodeTypedJson(shared)), { level: 9 }).toString("base64");
}

export function decompressState(stored: string): Omit<PipelineState, "_local"> {
  return decodeTypedJson(inflateSync(Buffer.from(stored, "base64")).toString("utf8")) as Omit<PipelineState, "_local">;
}

/** The `_dlt_pipeline_state` row for the current state. */
export function stateRow(state: PipelineState): Record<string, unknown> {
  return {
    version: state.stateVersion,
    engine_version: state.stateEngineVersion,
    pipeline_name: state.pipelineName,
    state: compressState(state),
    created_at: new Date(),
    version_hash: state.versionHash,
  };
}
