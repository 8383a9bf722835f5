import type { ColumnHints } from "@dlt-ts/core";
import { decimalHints, integerHints, SqlDialectBase } from "./sql-dialect-base.js";
import type { CatalogColumn, ReflectionLevel } from "./source-connection.js";

/** Integer types by name, with their size in bits (unsigned ones one size up, so every value fits). */
const INTEGER_BITS: Readonly<Record<string, number>> = {
  TINYINT: 8,
  SMALLINT: 16,
  INTEGER: 32,
  BIGINT: 64,
  UTINYINT: 16,
  USMALLINT: 32,
  UINTEGER: 64,
};

/**
 * DuckDB: `"quoted"` identifiers, `$n` parameters cast to the compared
 * column's type (DuckDB does not compare a VARCHAR with a TIMESTAMP
 * implicitly), and the dlt types of `information_schema.columns.data_type`
 * (`DECIMAL(18,3)`, `TIMESTAMP WITH TIME ZONE`, `INTEGER[]`, ...). Values are
 * converted from the result's column types (see `duckdb-values.ts`).
 */
export class DuckdbDialect extends SqlDialectBase {
  readonly name = "duckdb";

  override parameter(index: number, column: CatalogColumn): string {
    return `CAST($${index} AS ${column.dataType})`;
  }

  typeHints(column: CatalogColumn, level: ReflectionLevel): ColumnHints {
    const type = column.dataType.toUpperCase();
    const bits = INTEGER_BITS[type];
    if (bits !== undefined) return integerHints(bits, level);
    if (type === "UBIGINT" || type === "HUGEINT" || type === "UHUGEINT" || type === "BIGNUM" || type === "VARINT") return { dataType: "wei" };
    if (type.startsWith("DECIMAL") || type.startsWith("NUMERIC")) return decimalHints(column);
    if (type.endsWith("]") || /^(STRUCT|MAP|UNION)\b/.test(type) || type === "JSON") return { dataType: "json" };
    switch (type) {
      case "BOOLEAN":
        return { dataType: "bool" };
      case "FLOAT":
      case "DOUBLE":
        return { dataType: "double" };
      case "VARCHAR":
      case "UUID":
        return { dataType: "text" };
      case "BLOB":
        return { dataType: "binary" };
      case "DATE":
        return { dataType: "date" };
      case "TIME":
      case "TIME_NS":
      case "TIME WITH TIME ZONE":
        return { dataType: "time" };
      case "TIMESTAMP":
      case "TIMESTAMP_S":
      case "TIMESTAMP_MS":
      case "TIMESTAMP_NS":
        return { dataType: "timestamp", timezone: false };
      case "TIMESTAMP WITH TIME ZONE":
        return { dataType: "timestamp" };
      default:
        // INTERVAL, BIT, ENUM types by their own names...: no type hint, the value is inferred (as dlt).
        return {};
    }
  }
}
