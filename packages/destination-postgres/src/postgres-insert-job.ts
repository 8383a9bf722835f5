import { DatabaseException, type SqlClient } from "@dlt-ts/core";
import { InsertValuesLoadJob } from "@dlt-ts/sql";
import { PostgresTypeMapper } from "./postgres-type-mapper.js";

/**
 * A JSON `\u0000` escape inside an `E'...'` literal: an odd number of JSON
 * backslashes before `u0000`, i.e. 2, 6, 10, ... backslashes in the SQL text.
 */
const JSON_NUL_IN_E_STRING = /(^|[^\\])((?:\\\\\\\\)*)\\\\u0000/g;

/** The type an out-of-range error of an INSERT names: `bigint out of range`, `numeric field overflow`. */
const OUT_OF_RANGE = /^(smallint|integer|bigint) out of range|^(numeric) field overflow/;

/**
 * insert_values for Postgres: besides raw NUL characters, JSON `\u0000`
 * escapes are removed from tables with json columns, since jsonb rejects
 * them. (A text value holding the six characters `\u0000` in such a table
 * loses them too.) An out-of-range number, which Postgres reports without
 * position or column for an INSERT, is named by the columns of that type.
 */
export class PostgresInsertValuesLoadJob extends InsertValuesLoadJob {
  protected override async load(tx: SqlClient, qualifiedTableName: string): Promise<void> {
    try {
      await super.load(tx, qualifiedTableName);
    } catch (error) {
      throw this.withCandidateColumns(error, tx);
    }
  }

  protected override cleanStatement(statement: string): string {
    const cleaned = super.cleanStatement(statement);
    const hasJson = Object.values(this.request.table.columns).some((c) => c.dataType === "json");
    if (!hasJson || !cleaned.includes("\\\\u0000")) return cleaned;
    return cleaned.replace(JSON_NUL_IN_E_STRING, "$1$2");
  }

  private withCandidateColumns(error: unknown, tx: SqlClient): unknown {
    if (!(error instanceof DatabaseException) || error.dbCode !== "22003" || error.message.includes('column "')) return error;
    const match = OUT_OF_RANGE.exec(error.message);
    if (!match) return error;
    const pgType = match[1] ?? match[2]!;
    const mapper = new PostgresTypeMapper(tx.capabilities);
    const { table } = this.request;
    const candidates = Object.values(table.columns)
      .filter((c) => c.dataType !== undefined)
      .filter((c) => {
        try {
          return mapper.toDestinationType(c, table).split("(")[0] === pgType;
        } catch {
          return false;
        }
      })
      .map((c) => `"${c.name}"`);
    if (candidates.length === 0) return error;
    const where = candidates.length === 1 ? `column ${candidates[0]}` : `one of the ${pgType} columns ${candidates.join(", ")}`;
    const Kind = error.constructor as new (message: string, options?: { cause?: unknown; dbCode?: string }) => DatabaseException;
    const named = error.message.replace(" [SQLSTATE 22003]", ` (table "${table.name}", ${where}) [SQLSTATE 22003]`);
    return new Kind(named, {
      cause: error,
      dbCode: error.dbCode,
    });
  }
}
