import type { ColumnSchema, DataType, TableSchema } from "@dlt-ts/core";

/** A dlt type as read back from a destination column. */
export interface ColumnType {
  dataType: DataType;
  /** Text length, integer bits, fractional second digits or decimal precision, when the column has one. */
  precision?: number;
  scale?: number;
  /** Timestamps only: false for a column without time zone. */
  timezone?: boolean;
}

/**
 * Maps dlt data types to a destination's column types and back.
 *
 * @example
 * const mapper = new PostgresTypeMapper(capabilities);
 * mapper.toDestinationType({ name: "id", dataType: "bigint" }, table);   // "bigint"
 * mapper.fromDestinationType("character varying", 64);                    // { dataType: "text", precision: 64 }
 */
export interface TypeMapper {
  /**
   * The column type used in CREATE/ALTER TABLE for a column of `table`.
   * @throws DestinationTerminalException when the type or its precision cannot be mapped
   */
  toDestinationType(column: ColumnSchema, table: TableSchema): string;
  /**
   * The dlt type of a destination column, from its type name as the catalog
   * reports it (lower case) and its precision/scale when it has them.
   */
  fromDestinationType(dbType: string, precision?: number | null, scale?: number | null): ColumnType;
}
