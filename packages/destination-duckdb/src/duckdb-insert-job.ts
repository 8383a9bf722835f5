import { DatabaseTerminalException, type LoadJobRequest } from "@dlt-ts/core";
import { InsertValuesLoadJob, type SqlLoadJobHost, type TypeMapper } from "@dlt-ts/sql";

/** DuckDB's internal names of the types its conversion errors name, as SQL type names. */
const TYPE_NAMES: Record<string, string> = {
  INT8: "TINYINT",
  INT16: "SMALLINT",
  INT32: "INTEGER",
  INT64: "BIGINT",
  INT128: "HUGEINT",
  UINT8: "UTINYINT",
  UINT16: "USMALLINT",
  UINT32: "UINTEGER",
  UINT64: "UBIGINT",
  FLOAT: "REAL",
};

/** The type a conversion error says a value did not fit: `... for the destination type INT16`, `... to 'DATE'`. */
const TARGET_TYPE = /destination type ([A-Z0-9_]+)|(?:convert|cast) [^\n]* to '?([A-Z][A-Z0-9_ ]*[A-Z0-9])'?/;

/**
 * insert_values for DuckDB: a conversion error of an INSERT names the value
 * and its type but not the column; the job names the columns of that type
 * in front of the error (the one column, or the candidates).
 */
export class DuckdbInsertValuesLoadJob extends InsertValuesLoadJob {
  constructor(
    host: SqlLoadJobHost,
    request: LoadJobRequest,
    private readonly typeMapper: TypeMapper,
  ) {
    super(host, request);
  }

  protected override async explainError(error: unknown): Promise<unknown> {
    if (!(error instanceof DatabaseTerminalException) || !error.message.startsWith("Conversion Error")) return error;
    const match = TARGET_TYPE.exec(error.message);
    const raw = match?.[1] ?? match?.[2];
    if (!raw) return error;
    const target = TYPE_NAMES[raw] ?? raw;
    const { table } = this.request;
    const names = Object.values(table.columns)
      .filter((c) => c.dataType !== undefined)
      .filter((c) => {
        try {
          return this.typeMapper.toDestinationType(c, table).split("(")[0]!.toUpperCase() === target;
        } catch {
          return false;
        }
      })
      .map((c) => `"${c.name}"`);
    if (names.length === 0) return error;
    const where = names.length === 1 ? `column ${names[0]}` : `one of the ${target} columns ${names.join(", ")}`;
    return new DatabaseTerminalException(`${where} (${target}): ${error.message}`, { cause: error, dbCode: error.dbCode });
  }
}
