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
  type SqlClient,
  type StoredPipelineState,
  type TableSchema,
} from "@dlt-ts/core";
import { SINK_DELIVERY_JOURNAL, type OpenSinkDeliveryJournal, type SinkDeliveryJournal } from "@dlt-ts/destination-sink";
import { compressState, type PipelineState } from "./pipeline-state.js";

/** Where the state store's connection comes from when it is named: `[state_store] credentials = "postgresql://..."`. */
@configSpec({ section: "state_store" })
export class StateStoreConfiguration {
  /** A connection string or a table of fields, as the named destination takes them. Default: the destination's own config. */
  @secret({ optional: true }) credentials?: unknown;
}

/** Schema name under which the state store records its table in `_dlt_version`. */
const STATE_STORE_SCHEMA = "_dlt_state_store";

/** The sink batches delivered since the pipeline's last committed load (see SinkDeliveryJournal). */
export const SINK_DELIVERIES_TABLE_NAME = "_dlt_sink_deliveries";

function sinkDeliveriesTable(): TableSchema {
  const column = (name: string, dataType: "text" | "bigint" | "timestamp") => [name, { name, dataType, nullable: false }] as const;
  return {
    name: SINK_DELIVERIES_TABLE_NAME,
    writeDisposition: "append",
    resource: SINK_DELIVERIES_TABLE_NAME,
    columns: Object.fromEntries([
      column("pipeline_name", "text"),
      column("batch_id", "text"),
      column("load_id", "text"),
      column("job_id", "text"),
      column("batch_index", "bigint"),
      column("delivered_at", "timestamp"),
    ]),
  };
}

/**
 * Pipeline state kept in a SQL database of the user's choice (`pipeline({
 * stateStore })`), for destinations that keep none (sinks): written after
 * every load that loaded a package, read on a fresh working dir before
 * anything is extracted — so incremental cursors survive an ephemeral runner.
 * It holds `_dlt_pipeline_state` and `_dlt_loads` as dlt does, in the
 * pipeline's dataset.
 *
 * It is also the sink's delivery journal (`_dlt_sink_deliveries`): every
 * batch a sink delivered since the last committed load, so a fresh working
 * dir that extracts the same rows again (its cursor is the committed one)
 * skips the batches already delivered. Saving the state empties the journal
 * in the same transaction.
 */
export class StateStore implements SinkDeliveryJournal {
  private tablesReady: Promise<void> | undefined;

  private constructor(
    private readonly destination: Destination,
    private readonly configured: ConfiguredDestination,
    private readonly pipelineName: string,
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
    const store = new StateStore(destination, configured, context.pipelineName);
    // A sink of this pipeline finds its delivery journal here.
    context.container?.registerInstance(SINK_DELIVERY_JOURNAL, store);
    return store;
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

  /**
   * Stores `state` as a completed load of its own, and empties the delivery
   * journal in the same transaction: the rows it covered are behind the
   * committed cursors now.
   */
  async save(state: PipelineState): Promise<void> {
    await this.ensureTables();
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
        await tx.execute(`DELETE FROM ${tx.makeQualifiedTableName(SINK_DELIVERIES_TABLE_NAME)} WHERE ${columns(["pipeline_name"])} = %s`, [
          state.pipelineName,
        ]);
      });
    } finally {
      await sql.close();
    }
  }

  /** The journal as it stands: the last committed load and the batches delivered since. */
  async open(): Promise<OpenSinkDeliveryJournal> {
    await this.ensureTables();
    const epoch = (await this.restore(this.pipelineName))?.loadId ?? "";
    const sql = await this.configured.sqlClient!();
    try {
      const table = sql.makeQualifiedTableName(SINK_DELIVERIES_TABLE_NAME);
      const rows = await sql.query<{ batch_id: string }>(
        `SELECT ${sql.escapeColumnName("batch_id")} AS batch_id FROM ${table} WHERE ${sql.escapeColumnName("pipeline_name")} = %s`,
        [this.pipelineName],
      );
      return new OpenJournal(sql, this.pipelineName, epoch, new Set(rows.map((r) => String(r.batch_id))));
    } catch (error) {
      await sql.close();
      throw error;
    }
  }

  /** Creates the state store's tables once per run (idempotent). */
  private ensureTables(): Promise<void> {
    this.tablesReady ??= (async () => {
      const client = await this.configured.createClient(new Schema(STATE_STORE_SCHEMA));
      try {
        await client.initializeStorage();
        await client.updateStoredSchema({ [PIPELINE_STATE_TABLE_NAME]: pipelineStateTable(), [SINK_DELIVERIES_TABLE_NAME]: sinkDeliveriesTable() });
      } finally {
        await client.close();
      }
    })().catch((error: unknown) => {
      this.tablesReady = undefined;
      throw error;
    });
    return this.tablesReady;
  }

  /** Name of the state store's destination, for messages. */
  get name(): string {
    return this.destination.destinationName;
  }
}

/** The journal read for one package load: records each delivered batch with one INSERT. */
class OpenJournal implements OpenSinkDeliveryJournal {
  constructor(
    private readonly sql: SqlClient,
    private readonly pipelineName: string,
    readonly epoch: string,
    private readonly delivered: Set<string>,
  ) {}

  has(batchId: string): boolean {
    return this.delivered.has(batchId);
  }

  async record(batch: { id: string; loadId: string; jobId: string; index: number }): Promise<void> {
    const names = ["pipeline_name", "batch_id", "load_id", "job_id", "batch_index", "delivered_at"];
    await this.sql.execute(
      `INSERT INTO ${this.sql.makeQualifiedTableName(SINK_DELIVERIES_TABLE_NAME)} (${names.map((n) => this.sql.escapeColumnName(n)).join(", ")}) ` +
        `VALUES (%s, %s, %s, %s, %s, %s)`,
      [this.pipelineName, batch.id, batch.loadId, batch.jobId, batch.index, new Date().toISOString()],
    );
    this.delivered.add(batch.id);
  }

  close(): Promise<void> {
    return this.sql.close();
  }
}
