import type { ColumnSchema, DataType, TableSchema } from "@dlt-ts/core";
import { TypeMapperBase, type ColumnType } from "@dlt-ts/sql";
import { MSSQL_MAX_TIMESTAMP_PRECISION } from "./mssql-capabilities.js";

/** Longest nvarchar(n); longer texts are nvarchar(max). */
const NVARCHAR_MAX_N = 4000;
/** Longest varbinary(n); longer values are varbinary(max). */
const VARBINARY_MAX_N = 8000;
/**
 * Longest text a unique column holds: an index key cannot be nvarchar(max),
 * and SQL Server warns past 900 bytes (dlt uses the same bound).
 */
export const MSSQL_UNIQUE_TEXT_LENGTH = 900;

/** Text types whose catalog length is a length in characters. */
const TEXT_WITH_LENGTH = new Set(["nvarchar", "varchar", "nchar", "char"]);

/** SQL Server's integer types by width in bits. */
const INTEGER_BITS: Record<string, number> = { tinyint: 8, smallint: 16, int: 32, bigint: 64 };

/**
 * dlt types ↔ SQL Server column types:
 * text → nvarchar(max), or nvarchar(n) with a precision (n ≤ 4000, else max);
 * a `unique` text column → nvarchar(900) at most (an index key cannot be max);
 * double → float; bool → bit; timestamp → datetimeoffset[(p)], or
 * datetime2[(p)] with `timezone: false` (p from the column, 0–7; SQL Server's
 * default 7 otherwise); date → date; time → time[(p)]; bigint → bigint, or
 * tinyint / smallint / int when `precision` (bits) ≤ 8 / 16 / 32 (tinyint is
 * unsigned, 0–255, as in dlt); binary → varbinary(max) or varbinary(n ≤ 8000);
 * json → nvarchar(max) (works on every SQL Server since 2016 and with
 * JSON_VALUE/OPENJSON; the native json type needs SQL Server 2025);
 * decimal → decimal(38,9) unless the column says otherwise; wei → decimal(38,0).
 *
 * The reverse mapping reads `INFORMATION_SCHEMA.COLUMNS.DATA_TYPE` names;
 * text types other than nvarchar, `uniqueidentifier` and unknown types read
 * back as text.
 *
 * @example
 * const mapper = new MssqlTypeMapper(mssqlCapabilities());
 * mapper.toDestinationType({ name: "id", dataType: "bigint", precision: 32 }, table); // "int"
 * mapper.fromDestinationType("datetime2", 3);                                   // { dataType: "timestamp", timezone: false, precision: 3 }
 */
export class MssqlTypeMapper extends TypeMapperBase {
  protected override readonly unboundTypes: Partial<Record<DataType, string>> = {
    text: "nvarchar(max)",
    double: "float",
    bool: "bit",
    timestamp: "datetimeoffset",
    date: "date",
    time: "time",
    bigint: "bigint",
    binary: "varbinary(max)",
    json: "nvarchar(max)",
  };
  protected override readonly boundTypes: Partial<Record<DataType, string>> = {
    text: "nvarchar(%p)",
    binary: "varbinary(%p)",
    decimal: "decimal(%p,%s)",
    wei: "decimal(%p,%s)",
  };
  protected override readonly reverseTypes: Record<string, DataType> = {
    nvarchar: "text",
    varchar: "text",
    nchar: "text",
    char: "text",
    ntext: "text",
    text: "text",
    uniqueidentifier: "text",
    xml: "text",
    float: "double",
    real: "double",
    bit: "bool",
    datetimeoffset: "timestamp",
    datetime2: "timestamp",
    datetime: "timestamp",
    smalldatetime: "timestamp",
    date: "date",
    time: "time",
    bigint: "bigint",
    int: "bigint",
    smallint: "bigint",
    tinyint: "bigint",
    varbinary: "binary",
    binary: "binary",
    image: "binary",
    decimal: "decimal",
    numeric: "decimal",
    money: "decimal",
    smallmoney: "decimal",
  };

  override toDestinationType(column: ColumnSchema, table: TableSchema): string {
    if (column.dataType === "text") return this.toTextType(column, table);
    if (column.dataType === "binary") return this.toBinaryType(column, table);
    return super.toDestinationType(column, table);
  }

  override fromDestinationType(dbType: string, precision?: number | null, scale?: number | null): ColumnType {
    const name = dbType.toLowerCase();
    const bits = INTEGER_BITS[name];
    if (bits !== undefined) return bits === 64 ? { dataType: "bigint" } : { dataType: "bigint", precision: bits };
    const result = super.fromDestinationType(name, precision, scale);
    switch (result.dataType) {
      case "text":
        // Lengths of (n)(var)char only; -1 is how the catalog says (max).
        if (!TEXT_WITH_LENGTH.has(name) || (result.precision !== undefined && result.precision < 0)) delete result.precision;
        return result;
      case "timestamp":
        if (name !== "datetimeoffset") result.timezone = false;
        if (precision != null && precision !== MSSQL_MAX_TIMESTAMP_PRECISION && (name === "datetime2" || name === "datetimeoffset")) {
          result.precision = precision;
        }
        return result;
      case "time":
        if (precision != null && precision !== MSSQL_MAX_TIMESTAMP_PRECISION) result.precision = precision;
        return result;
      case "binary":
        if (precision != null && precision > 0 && name !== "image") result.precision = precision;
        return result;
      default:
        return result;
    }
  }

  protected override toIntegerType(column: ColumnSchema, table: TableSchema): string {
    const bits = column.precision;
    if (bits === undefined) return "bigint";
    if (bits <= 8) return "tinyint";
    if (bits <= 16) return "smallint";
    if (bits <= 32) return "int";
    if (bits <= 64) return "bigint";
    throw this.error(column, table, `is a bigint of ${bits} bits, wider than any SQL Server integer type (64 bits)`);
  }

  protected override toTimestampType(column: ColumnSchema, table: TableSchema): string {
    const type = column.timezone === false ? "datetime2" : "datetimeoffset";
    return `${type}${this.fraction(column, table)}`;
  }

  protected override toTimeType(column: ColumnSchema, table: TableSchema): string {
    return `time${this.fraction(column, table)}`;
  }

  private toTextType(column: ColumnSchema, table: TableSchema): string {
    const length = column.precision;
    if (length !== undefined) this.checkLength(column, table, length);
    if (column.unique) return `nvarchar(${Math.min(length ?? MSSQL_UNIQUE_TEXT_LENGTH, MSSQL_UNIQUE_TEXT_LENGTH)})`;
    if (length === undefined || length > NVARCHAR_MAX_N) return "nvarchar(max)";
    return `nvarchar(${length})`;
  }

  private toBinaryType(column: ColumnSchema, table: TableSchema): string {
    const length = column.precision;
    if (length === undefined) return "varbinary(max)";
    this.checkLength(column, table, length);
    return length > VARBINARY_MAX_N ? "varbinary(max)" : `varbinary(${length})`;
  }

  private checkLength(column: ColumnSchema, table: TableSchema, length: number): void {
    if (!Number.isInteger(length) || length < 1) throw this.error(column, table, `has length ${length}; a length is a whole number from 1`);
  }

  /** `(p)` for a column with a precision; none otherwise (SQL Server then keeps 7 digits). */
  private fraction(column: ColumnSchema, table: TableSchema): string {
    const p = column.precision;
    if (p === undefined) return "";
    if (!Number.isInteger(p) || p < 0 || p > MSSQL_MAX_TIMESTAMP_PRECISION) {
      throw this.error(column, table, `has precision ${p}; SQL Server keeps 0 to ${MSSQL_MAX_TIMESTAMP_PRECISION} fractional second digits`);
    }
    return `(${p})`;
  }
}
