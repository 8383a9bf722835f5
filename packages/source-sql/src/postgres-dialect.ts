import type { ColumnHints } from "@dlt-ts/core";
import { decimalHints, integerHints, sizedHints, SqlDialectBase } from "./sql-dialect-base.js";
import type { CatalogColumn, ReflectionLevel } from "./source-connection.js";

/**
 * Postgres: `"quoted"` identifiers, `$n` parameters (their types inferred
 * from the column they are compared with), and the dlt types of
 * `information_schema.columns.data_type`. Values are converted by the
 * connection's type parsers (see `postgres-values.ts`), not in SQL.
 */
export class PostgresDialect extends SqlDialectBase {
  readonly name = "postgres";

  typeHints(column: CatalogColumn, level: ReflectionLevel): ColumnHints {
    switch (column.dataType) {
      case "smallint":
        return integerHints(16, level);
      case "integer":
        return integerHints(32, level);
      case "bigint":
        return integerHints(64, level);
      case "numeric":
        return decimalHints(column);
      case "real":
      case "double precision":
        return { dataType: "double" };
      case "boolean":
        return { dataType: "bool" };
      case "text":
      case "character varying":
      case "character":
      case "name":
        return sizedHints("text", column, level);
      case "uuid":
      case "USER-DEFINED": // enums, citext, extension types: read as their text
        return { dataType: "text" };
      case "bytea":
        return { dataType: "binary" };
      case "date":
        return { dataType: "date" };
      case "time without time zone":
      case "time with time zone":
        return { dataType: "time" };
      case "timestamp without time zone":
        return { dataType: "timestamp", timezone: false };
      case "timestamp with time zone":
        return { dataType: "timestamp" };
      case "json":
      case "jsonb":
      case "ARRAY":
        return { dataType: "json" };
      default:
        // money, interval, inet, xml, bit, geometric types...: no type hint, the value's text is inferred (as dlt).
        return {};
    }
  }
}
