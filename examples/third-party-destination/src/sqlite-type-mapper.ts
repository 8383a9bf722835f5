import type { ColumnSchema, DataType, TableSchema } from "@dlt-ts/core";
import { TypeMapperBase, type ColumnType } from "@dlt-ts/sql";

/**
 * dlt types ↔ SQLite column types. SQLite stores a value by the *affinity* of
 * the declared type: a name containing TEXT has TEXT affinity and keeps text
 * as is, while DECIMAL or NUMERIC would turn `12345678901234567890.123456789`
 * into a rounded REAL. So decimal, wei and json get TEXT-affinity names
 * (`DECIMAL_TEXT(p,s)`, `WEI_TEXT`, `JSON_TEXT`) that still say what they hold
 * and map back to their dlt type. Timestamps, dates and times are ISO-8601
 * text in declared TIMESTAMP / DATE / TIME columns (NUMERIC affinity leaves
 * such text alone); bools are 1/0.
 */
export class SqliteTypeMapper extends TypeMapperBase {
  protected override readonly unboundTypes: Partial<Record<DataType, string>> = {
    text: "TEXT",
    double: "REAL",
    bool: "BOOLEAN",
    timestamp: "TIMESTAMP",
    date: "DATE",
    time: "TIME",
    bigint: "INTEGER",
    binary: "BLOB",
    json: "JSON_TEXT",
    decimal: "DECIMAL_TEXT",
    wei: "WEI_TEXT",
  };
  protected override readonly boundTypes: Partial<Record<DataType, string>> = {
    decimal: "DECIMAL_TEXT(%p,%s)",
  };
  protected override readonly reverseTypes: Record<string, DataType> = {
    text: "text",
    real: "double",
    boolean: "bool",
    timestamp: "timestamp",
    date: "date",
    time: "time",
    integer: "bigint",
    blob: "binary",
    json_text: "json",
    decimal_text: "decimal",
    wei_text: "wei",
  };

  /** SQLite stores every integer in up to 8 bytes: one type whatever the precision. */
  protected override toIntegerType(column: ColumnSchema, table: TableSchema): string {
    return this.unbound(column, table);
  }

  /** Timestamps are text: the precision is that of the text written. */
  protected override toTimestampType(column: ColumnSchema, table: TableSchema): string {
    return this.unbound(column, table);
  }

  /** SQLite's catalog (`pragma_table_info`) gives the declared type with its parameters: `decimal_text(38,9)`. */
  override fromDestinationType(dbType: string, precision?: number | null, scale?: number | null): ColumnType {
    const match = /^\s*([a-z_ ]+?)\s*(?:\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\))?\s*$/i.exec(dbType);
    if (!match) return { dataType: "text" };
    const name = match[1]!.toLowerCase();
    const p = match[2] !== undefined ? Number(match[2]) : precision;
    const s = match[3] !== undefined ? Number(match[3]) : scale;
    return super.fromDestinationType(name, p, s);
  }
}
