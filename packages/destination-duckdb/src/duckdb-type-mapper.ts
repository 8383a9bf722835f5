import type { ColumnSchema, DataType, TableSchema } from "@dlt-ts/core";
import { TypeMapperBase, type ColumnType } from "@dlt-ts/sql";

/** Naive timestamp types by fractional second digits. */
const NAIVE_TIMESTAMPS: Record<number, string> = { 0: "TIMESTAMP_S", 3: "TIMESTAMP_MS", 6: "TIMESTAMP", 9: "TIMESTAMP_NS" };

/** Integer types by bits. */
const INTEGERS: [bits: number, type: string][] = [
  [8, "TINYINT"],
  [16, "SMALLINT"],
  [32, "INTEGER"],
  [64, "BIGINT"],
  [128, "HUGEINT"],
];

/** Catalog names (lower case) of integer types → bits; 64 (BIGINT) is the default and is not recorded. */
const INTEGER_BITS: Record<string, number> = {
  tinyint: 8,
  utinyint: 8,
  smallint: 16,
  usmallint: 16,
  integer: 32,
  uinteger: 32,
  bigint: 64,
  ubigint: 64,
  hugeint: 128,
  uhugeint: 128,
};

/**
 * dlt types ↔ DuckDB column types (as dlt's duckdb destination):
 * text → VARCHAR, double → DOUBLE, bool → BOOLEAN,
 * timestamp → TIMESTAMP WITH TIME ZONE (microseconds; DuckDB keeps a time
 * zone only at that precision), or with `timezone: false` / a precision of
 * 0, 3, 6, 9 → TIMESTAMP_S, TIMESTAMP_MS, TIMESTAMP, TIMESTAMP_NS (naive);
 * date → DATE, time → TIME, bigint → BIGINT (TINYINT, SMALLINT, INTEGER,
 * HUGEINT when `precision` is ≤ 8, 16, 32, 128 bits), binary → BLOB,
 * json → JSON, decimal → DECIMAL(38,9) unless the column says otherwise,
 * wei → DECIMAL(38,0). The reverse mapping reads the names
 * `information_schema.columns.data_type` reports (`DECIMAL(38,9)` included).
 */
export class DuckdbTypeMapper extends TypeMapperBase {
  protected override readonly unboundTypes: Partial<Record<DataType, string>> = {
    text: "VARCHAR",
    double: "DOUBLE",
    bool: "BOOLEAN",
    timestamp: "TIMESTAMP WITH TIME ZONE",
    date: "DATE",
    time: "TIME",
    bigint: "BIGINT",
    binary: "BLOB",
    json: "JSON",
  };
  protected override readonly boundTypes: Partial<Record<DataType, string>> = {
    decimal: "DECIMAL(%p,%s)",
    wei: "DECIMAL(%p,%s)",
  };
  protected override readonly reverseTypes: Record<string, DataType> = {
    varchar: "text",
    uuid: "text",
    double: "double",
    float: "double",
    real: "double",
    boolean: "bool",
    "timestamp with time zone": "timestamp",
    timestamp: "timestamp",
    timestamp_s: "timestamp",
    timestamp_ms: "timestamp",
    timestamp_ns: "timestamp",
    date: "date",
    time: "time",
    blob: "binary",
    json: "json",
    decimal: "decimal",
    ...Object.fromEntries(Object.keys(INTEGER_BITS).map((name) => [name, "bigint" as const])),
  };

  override toDestinationType(column: ColumnSchema, table: TableSchema): string {
    const type = super.toDestinationType(column, table);
    if (column.dataType === "decimal" && (column.precision ?? 0) > 38) {
      throw this.error(column, table, `has decimal precision ${column.precision}; DuckDB keeps at most 38 digits`);
    }
    return type;
  }

  protected override toIntegerType(column: ColumnSchema, table: TableSchema): string {
    const bits = column.precision;
    if (bits === undefined) return "BIGINT";
    const fit = INTEGERS.find(([max]) => bits <= max);
    if (!fit) throw this.error(column, table, `is a bigint of ${bits} bits, wider than any DuckDB integer type (128 bits)`);
    return fit[1];
  }

  protected override toTimestampType(column: ColumnSchema, table: TableSchema): string {
    const precision = column.precision ?? 6;
    const naive = NAIVE_TIMESTAMPS[precision];
    if (naive === undefined) throw this.error(column, table, `has precision ${precision}; DuckDB timestamps keep 0, 3, 6 or 9 fractional second digits`);
    if (column.timezone === false) return naive;
    if (precision === 6) return "TIMESTAMP WITH TIME ZONE";
    if (column.timezone === true) {
      throw this.error(column, table, `asks for a time zone and precision ${precision}; DuckDB keeps a time zone only with precision 6`);
    }
    return naive;
  }

  protected override toTimeType(column: ColumnSchema, table: TableSchema): string {
    if (column.precision !== undefined && column.precision > 6) {
      throw this.error(column, table, `has precision ${column.precision}; DuckDB times keep at most 6 fractional second digits`);
    }
    return "TIME";
  }

  override fromDestinationType(dbType: string, precision?: number | null, scale?: number | null): ColumnType {
    const name = dbType.toLowerCase().trim();
    const decimal = /^(?:decimal|numeric)\s*\((\d+)\s*,\s*(\d+)\)$/.exec(name);
    if (decimal) return super.fromDestinationType("decimal", Number(decimal[1]), Number(decimal[2]));
    const dataType = this.reverseTypes[name];
    if (!dataType) return { dataType: "text" };
    if (dataType === "bigint") {
      const bits = INTEGER_BITS[name]!;
      return bits === 64 ? { dataType } : { dataType, precision: bits };
    }
    if (dataType === "timestamp") {
      if (name === "timestamp with time zone") return { dataType };
      const digits = { timestamp_s: 0, timestamp_ms: 3, timestamp: 6, timestamp_ns: 9 }[name]!;
      return digits === 6 ? { dataType, timezone: false } : { dataType, timezone: false, precision: digits };
    }
    return super.fromDestinationType(name, precision, scale);
  }
}
