import { stat } from "node:fs/promises";
import {
  DatabaseException,
  DestinationTerminalException,
  DestinationTransientException,
  parseJobFileName,
  type DestinationException,
  type LoadJob,
  type LoadJobRequest,
  type SqlClient,
} from "@dlt-ts/core";
import { readInsertValuesStatements } from "./insert-values-reader.js";

/** What a SQL load job needs from its job client. */
export interface SqlLoadJobHost {
  /** Gets the table's chain ready for this load (staging tables emptied, replace tables truncated) once per load. */
  prepareChainFor(loadId: string, tableName: string): Promise<void>;
  /** The client for the dataset the table's files load into (the staging one for merge and staged replace). */
  sqlClientFor(tableName: string): SqlClient;
  /** True when the job already committed (its marker exists) or the whole load is recorded in `_dlt_loads`. */
  isJobLoaded(tx: SqlClient, loadId: string, jobId: string): Promise<boolean>;
  /** Records the job as loaded; runs inside the job's transaction. */
  markJobLoaded(tx: SqlClient, loadId: string, jobId: string): Promise<void>;
}

/**
 * Base of load jobs that write one file into one table in one transaction,
 * together with a marker row naming the job. A rerun after a crash between
 * commit and the job file's move finds the marker and loads nothing, so data
 * and completion can never diverge. Subclasses implement `load()`.
 */
export abstract class SqlLoadJobBase implements LoadJob {
  constructor(
    protected readonly host: SqlLoadJobHost,
    protected readonly request: LoadJobRequest,
  ) {}

  /** Marker id: table and file id, without the retry count, so a retried file is the same job. */
  get jobId(): string {
    const { table, fileId } = parseJobFileName(this.request.fileName);
    return `job:${table}.${fileId}`;
  }

  async run(): Promise<void> {
    const { loadId, table } = this.request;
    try {
      await this.host.prepareChainFor(loadId, table.name);
      // An empty file only asks for the chain's preparation (a replace with no data truncates).
      const empty = this.request.openRead ? false : (await stat(this.request.filePath)).size === 0;
      await this.host.sqlClientFor(table.name).transaction(async (tx) => {
        if (await this.host.isJobLoaded(tx, loadId, this.jobId)) return;
        if (!empty) await this.load(tx, tx.makeQualifiedTableName(table.name));
        await this.host.markJobLoaded(tx, loadId, this.jobId);
      });
    } catch (error) {
      throw withJobContext(await this.explainError(error), this.request);
    }
  }

  /** Writes the file into `qualifiedTableName` using `tx` (already in a transaction). */
  protected abstract load(tx: SqlClient, qualifiedTableName: string): Promise<void>;

  /**
   * Hook: a clearer error for a failed load, e.g. one naming the column a
   * conversion error came from when the database did not. Runs after the
   * job's transaction rolled back; must not throw. Default: the error as is.
   */
  protected async explainError(error: unknown): Promise<unknown> {
    return error;
  }
}

/**
 * Statements cut from insert_values files stay under this many bytes (or the
 * destination's max query length when smaller): larger statements save no
 * measurable time but each one is held in memory several times (text, driver
 * buffer) while it runs.
 */
export const INSERT_VALUES_STATEMENT_BYTES = 1024 * 1024;

/**
 * Loads an insert_values file: its rows are cut into INSERT statements that
 * respect `maxQueryLength` (at most {@link INSERT_VALUES_STATEMENT_BYTES}) and
 * `maxRowsPerInsert`, all run in the job's transaction. NUL characters, which
 * no SQL text may carry, are removed.
 */
export class InsertValuesLoadJob extends SqlLoadJobBase {
  protected async load(tx: SqlClient, qualifiedTableName: string): Promise<void> {
    const caps = tx.capabilities;
    const statements = readInsertValuesStatements(this.request.filePath, qualifiedTableName, {
      maxQueryLength: Math.min(caps.maxQueryLength, INSERT_VALUES_STATEMENT_BYTES),
      inBytes: caps.isMaxQueryLengthInBytes,
      maxRowsPerInsert: caps.maxRowsPerInsert,
    });
    for await (const statement of statements) await tx.execute(this.cleanStatement(statement));
  }

  /** Last change to a statement before it runs. Default: NUL characters removed. */
  protected cleanStatement(statement: string): string {
    return statement.includes("\0") ? statement.replace(/\0/g, "") : statement;
  }
}

/**
 * The error of a job, with the job file and table named in front. Database
 * errors keep their class (so terminal stays terminal), code and cause.
 */
export function withJobContext(error: unknown, request: LoadJobRequest): unknown {
  return withErrorContext(error, `Job ${request.fileName} failed to load table "${request.table.name}"`);
}

/**
 * A database or destination error with `context` in front of its message,
 * keeping its class (terminal stays terminal), code and cause; other errors
 * as they are.
 */
export function withErrorContext(error: unknown, context: string): unknown {
  if (error instanceof DatabaseException) {
    const Kind = error.constructor as new (message: string, options?: { cause?: unknown; dbCode?: string }) => DatabaseException;
    return new Kind(`${context}: ${error.message}`, { cause: error, dbCode: error.dbCode });
  }
  if (error instanceof DestinationTerminalException || error instanceof DestinationTransientException) {
    const Kind = error.constructor as new (message: string, options?: { cause?: unknown }) => DestinationException;
    return new Kind(`${context}: ${error.message}`, { cause: error });
  }
  return error;
}
