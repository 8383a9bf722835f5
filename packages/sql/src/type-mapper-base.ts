import {
  DestinationTerminalException,
  type ColumnSchema,
  type DataType,
  type DestinationCapabilities,
  type TableSchema,
} from "@dlt-ts/core";
import type { ColumnType, TypeMapper } from "./type-mapper.js";

/**
 * A TypeMapper driven by three tables a destination fills in:
 * `unboundTypes` (no parameters), `boundTypes` (templates with `%p`
 * precision and `%s` scale) and `reverseTypes` (catalog name → dlt type).
 * Integers, timestamps and times go through overridable methods because
 * their mapping depends on precision and time zone.
 *
 * Defaults: decimal takes precision and scale missing from the column from
 * `capabilities.decimalPrecision` (scale capped at the precision), wei always uses `capabilities.weiPrecision`; a timestamp
 * precision equal to `capabilities.timestampPrecision` is left out of the type.
 */
export class TypeMapperBase implements TypeMapper {
  /** dlt type → column type without parameters. Default: empty (every type unmapped). */
  protected readonly unboundTypes: Partial<Record<DataType, string>> = {};
  /** dlt type → template with `%p` (precision) and `%s` (scale). Default: empty. */
  protected readonly boundTypes: Partial<Record<DataType, string>> = {};
  /** Catalog type name (lower case) → dlt type. Default: empty. */
  protected readonly reverseTypes: Record<string, DataType> = {};

  constructor(readonly capabilities: DestinationCapabilities) {}

  toDestinationType(column: ColumnSchema, table: TableSchema): string {
    const dataType = column.dataType;
    if (!dataType) throw this.error(column, table, "has no data type");
    switch (dataType) {
      case "bigint":
        return this.toIntegerType(column, table);
      case "timestamp":
        return this.toTimestampType(column, table);
      case "time":
        return this.toTimeType(column, table);
      case "decimal": {
        const [defaultPrecision, defaultScale] = this.capabilities.decimalPrecision;
        const precision = column.precision ?? defaultPrecision;
        return this.bound(column, table, precision, column.scale ?? Math.min(defaultScale, precision));
      }
      case "wei": {
        const [precision, scale] = this.capabilities.weiPrecision;
        return this.bound(column, table, precision, scale);
      }
      default:
        if (column.precision !== undefined && this.boundTypes[dataType]) {
          return this.bound(column, table, column.precision, column.scale);
        }
        return this.unbound(column, table);
    }
  }

  fromDestinationType(dbType: string, precision?: number | null, scale?: number | null): ColumnType {
    const name = dbType.toLowerCase();
    const dataType = this.reverseTypes[name];
    if (!dataType) return { dataType: "text" };
    const result: ColumnType = { dataType };
    if (dataType === "decimal") {
      if (precision != null) result.precision = precision;
      if (scale != null) result.scale = scale;
      const [weiPrecision, weiScale] = this.capabilities.weiPrecision;
      if (precision === weiPrecision && scale === weiScale) return { dataType: "wei" };
    } else if (dataType === "text" && precision != null) {
      result.precision = precision;
    }
    return result;
  }

  /** `bigint` columns; `precision` counts bits. Default: the unbound type. */
  protected toIntegerType(column: ColumnSchema, table: TableSchema): string {
    return this.unbound(column, table);
  }

  /** `timestamp` columns. Default: the unbound type, or the bound one when a precision other than the default is set. */
  protected toTimestampType(column: ColumnSchema, table: TableSchema): string {
    if (column.precision !== undefined && column.precision !== this.capabilities.timestampPrecision) {
      return this.bound(column, table, column.precision);
    }
    return this.unbound(column, table);
  }

  /** `time` columns. Default: as timestamps. */
  protected toTimeType(column: ColumnSchema, table: TableSchema): string {
    return this.toTimestampType(column, table);
  }

  protected unbound(column: ColumnSchema, table: TableSchema): string {
    const type = this.unboundTypes[column.dataType!];
    if (!type) throw this.error(column, table, `has type "${column.dataType}" that this destination cannot store`);
    return type;
  }

  protected bound(column: ColumnSchema, table: TableSchema, precision: number, scale?: number): string {
    const template = this.boundTypes[column.dataType!];
    if (!template) return this.unbound(column, table);
    return template.replace("%p", String(precision)).replace("%s", String(scale ?? 0));
  }

  /** A terminal error naming the table and column. */
  protected error(column: ColumnSchema, table: TableSchema, problem: string): DestinationTerminalException {
    return new DestinationTerminalException(`Column "${column.name}" of table "${table.name}" ${problem}`);
  }
}
