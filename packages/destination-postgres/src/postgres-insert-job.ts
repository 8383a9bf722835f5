import { InsertValuesLoadJob } from "@dlt-ts/sql";

/**
 * A JSON `\u0000` escape inside an `E'...'` literal: an odd number of JSON
 * backslashes before `u0000`, i.e. 2, 6, 10, ... backslashes in the SQL text.
 */
const JSON_NUL_IN_E_STRING = /(^|[^\\])((?:\\\\\\\\)*)\\\\u0000/g;

/**
 * insert_values for Postgres: besides raw NUL characters, JSON `\u0000`
 * escapes are removed from tables with json columns, since jsonb rejects
 * them. (A text value holding the six characters `\u0000` in such a table
 * loses them too.)
 */
export class PostgresInsertValuesLoadJob extends InsertValuesLoadJob {
  protected override cleanStatement(statement: string): string {
    const cleaned = super.cleanStatement(statement);
    const hasJson = Object.values(this.request.table.columns).some((c) => c.dataType === "json");
    if (!hasJson || !cleaned.includes("\\\\u0000")) return cleaned;
    return cleaned.replace(JSON_NUL_IN_E_STRING, "$1$2");
  }
}
