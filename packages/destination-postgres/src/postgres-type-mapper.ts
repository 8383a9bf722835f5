import type { ColumnSchema, DataType, TableSchema } from "@dlt-ts/core";
import { TypeMapperBase, type ColumnType } from "@dlt-ts/sql";

/**
 * dlt types ↔ Postgres column types:
 * text → varchar[(n)], double → double precision, bool → boolean,
 * timestamp → timestamp [(p)] with time zone (without when `timezone: false`),
 * date → date, time → time [(p)] without time zone, bigint → bigint
 * (smallint / integer when `precision` ≤ 16 / 32 bits), binary → bytea,
 * json → jsonb, decimal → numeric(38,9) unless the column says otherwise,
 * wei → numeric(156,78). The reverse mapping reads the names
 * `information_schema.columns.data_type` reports.
 */
export class PostgresTypeMapper extends TypeMapperBase {
  protected override readonly unboundTypes: Partial<Record<DataType, string>> = {
    text: "varchar",
    double: "double precision",
    bool: "boolean",
    timestamp: "timestamp with time zone",
    date: "date",
    time: "time without time zone",
    bigint: "bigint",
    binary: "bytea",
    json: "jsonb",
  };
  protected override readonly boundTypes: Partial<Record<DataType, string>> = {
    text: "varchar(%p)",
    decimal: "numeric(%p,%s)",
    wei: "numeric(%p,%s)",
  };
  protected override readonly reverseTypes: Record<string, DataType> = {
    "character varying": "text",
    varchar: "text",
    text: "text",
    character: "text",
    "double precision": "double",
    real: "double",
    boolean: "bool",
    "timestamp with time zone": "timestamp",
    "timestamp without time zone": "timestamp",
    date: "date",
    "time without time zone": "time",
    "time with time zone": "time",
    bigint: "bigint",
    integer: "bigint",
    smallint: "bigint",
    bytea: "binary",
    jsonb: "json",
    json: "json",
    numeric: "decimal",
  };

  protected override toIntegerType(column: ColumnSchema, table: TableSchema): string {
    const bits = column.precision;
    if (bits === undefined) return "bigint";
    if (bits <= 16) return "smallint";
    if (bits <= 32) return "integer";
    if (bits <= 64) return "bigint";
    throw this.error(column, table, `is a bigint of ${bits} bits, wider than any Postgres integer type (64 bits)`);
  }

  protected override toTimestampType(column: ColumnSchema, table: TableSchema): string {
    const zone = column.timezone === false ? "without time zone" : "with time zone";
    return `timestamp${this.fraction(column, table)} ${zone}`;
  }

  protected override toTimeType(column: ColumnSchema, table: TableSchema): string {
    return `time${this.fraction(column, table)} without time zone`;
  }

  override fromDestinationType(dbType: string, precision?: number | null, scale?: number | null): ColumnType {
    const name = dbType.toLowerCase();
    const result = super.fromDestinationType(name, precision, scale);
    if (name === "integer") return { dataType: "bigint", precision: 32 };
    if (name === "smallint") return { dataType: "bigint", precision: 16 };
    if (name.startsWith("timestamp")) {
      if (name.includes("without")) result.timezone = false;
      if (precision != null && precision !== this.capabilities.timestampPrecision) result.precision = precision;
    } else if (name.startsWith("time") && precision != null && precision !== this.capabilities.timestampPrecision) {
      result.precision = precision;
    }
    return result;
  }

  private fraction(column: ColumnSchema, table: TableSchema): string {
    const p = column.precision;
    if (p === undefined) return "";
    if (!Number.isInteger(p) || p < 0 || p > 6) throw this.error(column, table, `has precision ${p}; Postgres keeps 0 to 6 fractional second digits`);
    return ` (${p})`;
  }
}
