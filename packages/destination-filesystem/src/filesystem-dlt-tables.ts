import {
  DestinationTerminalException,
  LOAD_STATUS_LOADED,
  LOADS_TABLE_NAME,
  PIPELINE_STATE_TABLE_NAME,
  SCHEMA_ENGINE_VERSION,
  VERSION_TABLE_NAME,
  type Schema,
  type StoredPipelineState,
  type StoredSchema,
} from "@dlt-ts/core";
import type { FilesystemStage } from "./filesystem-stage.js";

/** Separates the parts of dlt's file names: `<name>__<load_id>__<hash>.jsonl`. */
const SEPARATOR = "__";
const EXT = ".jsonl";

/** The dataset's `init` file: marks the dataset as created; dlt's storage version 2 (the same file layout). */
const INIT_FILE = "init";
const STORAGE_VERSION = 2;

/** A `_dlt_pipeline_state` row as the pipeline writes it. */
export interface StateRow {
  version: number;
  engine_version: number;
  pipeline_name: string;
  state: string;
  created_at: string;
  version_hash?: string | null;
}

/** One parsed file name of a dlt table folder. */
interface DltFile {
  key: string;
  /** The schema name (`_dlt_loads`, `_dlt_version`) or pipeline name (`_dlt_pipeline_state`). */
  name: string;
  loadId: string;
  /** Hex of the version hash; "" for `_dlt_loads`. */
  hash: string;
}

/**
 * dlt's own tables as files, laid out as dlt's filesystem destination does,
 * one JSON document per file so nothing is ever appended to:
 *
 * - `<dataset>/init` — `{"initial_version": 2, "current_version": 2}`
 * - `<dataset>/_dlt_loads/<schema>__<load_id>.jsonl` — one per completed load
 * - `<dataset>/_dlt_version/<schema>__<time>__<hash hex>.jsonl` — one per stored schema version
 * - `<dataset>/_dlt_pipeline_state/<pipeline>__<load_id>__<hash hex>.jsonl` — the state each load carried
 *
 * A state counts only when its load is in `_dlt_loads` (as the SQL
 * destinations join the two), so a load that died half-way never restores.
 */
export class FilesystemDltTables {
  private lastSchemaTime = 0;

  constructor(private readonly stage: FilesystemStage) {}

  /** Creates the dataset's `init` file when missing. */
  async initialize(): Promise<void> {
    const key = this.stage.datasetKey(INIT_FILE);
    if ((await this.stage.storage.get(key)) !== undefined) return;
    await this.stage.storage.put(key, JSON.stringify({ initial_version: STORAGE_VERSION, current_version: STORAGE_VERSION }));
  }

  /** Records a completed load in `_dlt_loads` (rewriting the same file when called again). */
  async storeLoad(loadId: string, schema: Schema): Promise<void> {
    const doc = {
      load_id: loadId,
      schema_name: schema.name,
      status: LOAD_STATUS_LOADED,
      inserted_at: new Date().toISOString(),
      schema_version_hash: schema.versionHash,
    };
    await this.put(LOADS_TABLE_NAME, `${schema.name}${SEPARATOR}${loadId}${EXT}`, doc);
  }

  /** Load ids found in `_dlt_loads`. */
  async completedLoadIds(): Promise<Set<string>> {
    return new Set((await this.files(LOADS_TABLE_NAME, 2)).map((f) => f.loadId));
  }

  /** Whether this version of the schema is stored already. */
  async hasSchemaVersion(schema: Schema): Promise<boolean> {
    const hash = hexOfHash(schema.versionHash);
    return (await this.files(VERSION_TABLE_NAME, 3)).some((f) => f.name === schema.name && f.hash === hash);
  }

  /** Stores the schema as a new `_dlt_version` file. */
  async storeSchema(schema: Schema): Promise<void> {
    const time = Math.max(Date.now() * 1000, this.lastSchemaTime + 1);
    this.lastSchemaTime = time;
    const doc = {
      version_hash: schema.versionHash,
      schema_name: schema.name,
      version: schema.version,
      engine_version: SCHEMA_ENGINE_VERSION,
      inserted_at: new Date().toISOString(),
      schema: JSON.stringify(schema.toStored()),
    };
    const name = `${schema.name}${SEPARATOR}${(time / 1e6).toFixed(6)}${SEPARATOR}${hexOfHash(schema.versionHash)}${EXT}`;
    await this.put(VERSION_TABLE_NAME, name, doc);
  }

  /** The newest stored version of a schema. */
  async newestSchema(schemaName: string): Promise<StoredSchema | undefined> {
    const newest = newestOf((await this.files(VERSION_TABLE_NAME, 3)).filter((f) => f.name === schemaName));
    if (!newest) return undefined;
    const doc = await this.read<{ schema: string }>(newest.key);
    return doc ? (JSON.parse(doc.schema) as StoredSchema) : undefined;
  }

  /** Deletes every stored version of a schema. */
  async deleteSchemas(schemaName: string): Promise<void> {
    const files = (await this.files(VERSION_TABLE_NAME, 3)).filter((f) => f.name === schemaName);
    await this.stage.removeFiles(files.map((f) => f.key));
  }

  /** Writes the state a load carries; it counts once the load is in `_dlt_loads`. */
  async storeState(row: StateRow, loadId: string): Promise<void> {
    const doc = { ...row, _dlt_load_id: loadId };
    const name = `${row.pipeline_name}${SEPARATOR}${loadId}${SEPARATOR}${hexOfHash(row.version_hash ?? "")}${EXT}`;
    await this.put(PIPELINE_STATE_TABLE_NAME, name, doc);
  }

  /** The newest state of a pipeline whose load completed. */
  async newestState(pipelineName: string): Promise<StoredPipelineState | undefined> {
    const loads = await this.completedLoadIds();
    const states = (await this.files(PIPELINE_STATE_TABLE_NAME, 3)).filter((f) => f.name === pipelineName && loads.has(f.loadId));
    const newest = newestOf(states);
    if (!newest) return undefined;
    const doc = await this.read<StateRow & { _dlt_load_id?: string }>(newest.key);
    if (!doc) return undefined;
    return {
      version: Number(doc.version),
      engineVersion: Number(doc.engine_version),
      pipelineName: String(doc.pipeline_name),
      state: String(doc.state),
      createdAt: new Date(String(doc.created_at)),
      versionHash: String(doc.version_hash ?? ""),
      loadId: String(doc._dlt_load_id ?? newest.loadId),
    };
  }

  /** Deletes the state files a load wrote (its table chain was rolled back). */
  async removeStatesOfLoad(loadId: string): Promise<void> {
    const files = (await this.files(PIPELINE_STATE_TABLE_NAME, 3)).filter((f) => f.loadId === loadId);
    await this.stage.removeFiles(files.map((f) => f.key));
  }

  /** Keeps the `keep` newest state files of a pipeline (dlt's `max_state_files`); `keep` ≤ 0 keeps all. */
  async pruneStates(pipelineName: string, keep: number): Promise<void> {
    if (keep <= 0) return;
    const files = (await this.files(PIPELINE_STATE_TABLE_NAME, 3)).filter((f) => f.name === pipelineName);
    if (files.length <= keep) return;
    const oldestFirst = files.sort((a, b) => compareLoadIds(a.loadId, b.loadId));
    await this.stage.removeFiles(oldestFirst.slice(0, files.length - keep).map((f) => f.key));
  }

  private async put(table: string, fileName: string, doc: unknown): Promise<void> {
    await this.stage.storage.put(this.stage.datasetKey(table, fileName), `${JSON.stringify(doc)}\n`);
  }

  private async read<T>(key: string): Promise<T | undefined> {
    const content = await this.stage.storage.get(key);
    if (content === undefined) return undefined;
    try {
      return JSON.parse(content.toString("utf8")) as T;
    } catch (error) {
      throw new DestinationTerminalException(`${this.stage.urlOf(key)} is not a JSON document: ${(error as Error).message}`, { cause: error });
    }
  }

  /** The files of a dlt table whose names have `parts` parts (name, load id[, hash]); others are ignored, as dlt does. */
  private async files(table: string, parts: 2 | 3): Promise<DltFile[]> {
    const keys = await this.stage.storage.list(this.stage.datasetKey(table) + "/");
    const files: DltFile[] = [];
    for (const key of keys) {
      const base = key.slice(key.lastIndexOf("/") + 1);
      if (!base.endsWith(EXT)) continue;
      const split = rsplit(base.slice(0, -EXT.length), SEPARATOR, parts - 1);
      if (split.length !== parts) continue;
      files.push({ key, name: split[0]!, loadId: split[1]!, hash: split[2] ?? "" });
    }
    return files;
  }
}

/** dlt names hashes in files by their bytes in hex (base64 has `/`). */
export function hexOfHash(hash: string): string {
  return hash ? Buffer.from(hash, "base64").toString("hex") : "";
}

/** Load ids are seconds since the epoch with a fraction: compared as numbers, then as text. */
function compareLoadIds(a: string, b: string): number {
  const diff = Number(a) - Number(b);
  if (Number.isFinite(diff) && diff !== 0) return diff < 0 ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function newestOf(files: DltFile[]): DltFile | undefined {
  return files.reduce<DltFile | undefined>((best, f) => (best === undefined || compareLoadIds(f.loadId, best.loadId) > 0 ? f : best), undefined);
}

/** Python's `rsplit(separator, maxsplit)`: names may contain the separator, the trailing parts may not. */
function rsplit(text: string, separator: string, maxSplit: number): string[] {
  const parts: string[] = [];
  let rest = text;
  for (let i = 0; i < maxSplit; i++) {
    const at = rest.lastIndexOf(separator);
    if (at < 0) break;
    parts.unshift(rest.slice(at + separator.length));
    rest = rest.slice(0, at);
  }
  return [rest, ...parts];
}
