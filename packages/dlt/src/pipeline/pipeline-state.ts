import { createHash } from "node:crypto";
import { deflateSync, inflateSync } from "node:zlib";
import { readFileSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import * as path from "node:path";
import { decodeTypedJson, encodeTypedJson, writeFileAtomic } from "@dlt-ts/core";
import type { IncrementalState } from "../extract/incremental/bound-incremental.js";

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

/**
 * The state slot of an incremental cursor, as dlt keeps it:
 * `sources.<source>.resources.<resource>.incremental.<cursorPath>`, created
 * with the initial value when missing.
 */
export function incrementalStateSlot(
  state: PipelineState,
  sourceName: string,
  resourceName: string,
  cursorPath: string,
  initialValue: unknown,
): IncrementalState {
  const source = child(state.sources, sourceName);
  const resource = child(child(source, "resources"), resourceName);
  const cursors = child(resource, "incremental");
  return (cursors[cursorPath] ??= { initialValue, lastValue: initialValue, uniqueHashes: [] }) as IncrementalState;
}

function child(parent: Record<string, unknown>, key: string): Record<string, unknown> {
  const existing = parent[key];
  if (existing !== null && typeof existing === "object") return existing as Record<string, unknown>;
  const created: Record<string, unknown> = {};
  parent[key] = created;
  return created;
}

/** What is kept per pending package: the state before its extract, and the version its extract produced. */
interface StateBeforePackage {
  before: PipelineState;
  afterVersionHash: string;
}

/** Remembers the state before the extract of package `loadId` (it changed the state). */
export async function saveStateBeforePackage(dir: string, loadId: string, before: PipelineState, after: PipelineState): Promise<void> {
  const record: StateBeforePackage = { before, afterVersionHash: after.versionHash };
  await writeFileAtomic(path.join(dir, `${loadId}.json`), encodeTypedJson(record));
}

/**
 * Package `loadId` is done: forgets what was kept for it, and when it was
 * aborted returns the state to go back to — if no later extract changed the
 * state since (then going back would drop that one's change too).
 */
export async function settleStateBeforePackage(
  dir: string,
  loadId: string,
  aborted: boolean,
  current: PipelineState,
): Promise<PipelineState | undefined> {
  const file = path.join(dir, `${loadId}.json`);
  let record: StateBeforePackage;
  try {
    record = decodeTypedJson(await readFile(file, "utf8")) as StateBeforePackage;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  await rm(file, { force: true });
  if (!aborted || current.versionHash !== record.afterVersionHash) return undefined;
  return { ...record.before, _local: current._local };
}
