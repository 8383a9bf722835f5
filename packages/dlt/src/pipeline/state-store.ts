import { randomBytes } from "node:crypto";
import {
  configSpec,
  createDestination,
  DltException,
  isDestination,
  LOADS_TABLE_NAME,
  LOAD_STATUS_LOADED,
  PIPELINE_STATE_TABLE_NAME,
  pipelineStateTable,
  resolveConfig,
  Schema,
  secret,
  type ConfigProviders,
  type ConfiguredDestination,
  type Destination,
  type DestinationContext,
  type StoredPipelineState,
} from "@dlt-ts/core";
import { compressState, type PipelineState } from "./pipeline-state.js";

/** Where the state store's connection comes from when it is named: `[state_store] credentials = "postgresql://..."`. */
@configSpec({ section: "state_store" })
export class StateStoreConfiguration {
  /** A connection string or a table of fields, as the named destination takes them. Default: the destination's own config. */
  @secret({ optional: true }) credentials?: unknown;
}

/** Schema name under which the state store records its table in `_dlt_version`. */
const STATE_STORE_SCHEMA = "_dlt_state_store";

/**
 * Pipeline state kept in a SQL database of the user's choice (`pipeline({
 * stateStore })`), for destinations that keep none (sinks): written after
 * every load that loaded a package, read on a fresh working dir before
 * anything is extracted — so incremental cursors survive an ephemeral runner.
 * It holds `_dlt_pipeline_state` and `_dlt_loads` as dlt does, in the
 * pipeline's dataset.
 */
export class StateStore {
  private constructor(
    private readonly destination: Destination,
    private readonly configured: ConfiguredDestination,
  ) {}

  /**
   * Resolves the reference: a Destination (a factory's result), or a
   * destination name whose credentials are under `[state_store]`.
   */
  static async open(reference: Destination | string, context: DestinationContext, providers: ConfigProviders): Promise<StateStore> {
    let destination: Destination;
    if (isDestination(reference)) {
      destination = reference;
    } else {
      const { credentials } = await resolveConfig(StateStoreConfiguration, { pipelineName: context.pipelineName, providers });
      const options = { destinationName: "state_store", ...(credentials !== undefined ? { credentials } : {}) };
      destination = await createDestination(reference, options, context.projectDir ? { projectDir: context.projectDir } : {});
    }
    const configured = await destination.configure(context);
    if (!configured.sqlClient) {
      throw new DltException(`The state store ${destination.destinationName} is not a SQL destination: pass a SQL destination (postgres, duckdb, mssql) as stateStore`);
    }
    return new StateStore(destination, configured);
  }

  /** Where the state goes, secrets masked. */
  get location(): string {
    return this.configured.location;
  }

  /** The newest state stored for `pipelineName`, or undefined. */
  async restore(pipelineName: string): Promise<StoredPipelineState | undefined> {
    const client = await this.configured.createClient(new Schema(STATE_STORE_SCHEMA));
    try {
      return await client.getStoredState?.(pipelineName);
    } finally {
      await client.close();
    }
  }

  /** Stores `state` as a completed load of its own. */
  async save(state: PipelineState): Promise<void> {
    const client = await this.configured.createClient(new Schema(STATE_STORE_SCHEMA));
    try {
      await client.initializeStorage();
      await client.updateStoredSchema({ [PIPELINE_STATE_TABLE_NAME]: pipelineStateTable() });
    } finally {
      await client.close();
    }
    const sql = await this.configured.sqlClient!();
    try {
      const loadId = (Date.now() / 1000).toFixed(6);
      const columns = (names: string[]) => names.map((n) => sql.escapeColumnName(n)).join(", ");
      const placeholders = (n: number) => Array.from({ length: n }, () => "%s").join(", ");
      const createdAt = new Date().toISOString();
      await sql.transaction(async (tx) => {
        const stateColumns = ["version", "engine_version", "pipeline_name", "state", "created_at", "version_hash", "_dlt_load_id", "_dlt_id"];
        await tx.execute(
          `INSERT INTO ${tx.makeQualifiedTableName(PIPELINE_STATE_TABLE_NAME)} (${columns(stateColumns)}) VALUES (${placeholders(stateColumns.length)})`,
          [state.stateVersion, state.stateEngineVersion, state.pipelineName, compressState(state), createdAt, state.versionHash, loadId, randomBytes(10).toString("base64url")],
        );
        const loadColumns = ["load_id", "schema_name", "status", "inserted_at", "schema_version_hash"];
        await tx.execute(
          `INSERT INTO ${tx.makeQualifiedTableName(LOADS_TABLE_NAME)} (${columns(loadColumns)}) VALUES (${placeholders(loadColumns.length)})`,
          [loadId, STATE_STORE_SCHEMA, LOAD_STATUS_LOADED, createdAt, ""],
        );
      });
    } finally {
      await sql.close();
    }
  }

  /** Name of the state store's destination, for messages. */
  get name(): string {
    return this.destination.destinationName;
  }
}
