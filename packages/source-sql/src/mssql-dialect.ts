import type { ColumnHints } from "@dlt-ts/core";
import { decimalHints, integerHints, sizedHints, SqlDialectBase } from "./sql-dialect-base.js";
import type { CatalogColumn, CatalogTable, ReflectionLevel } from "./source-connection.js";
import { int64Value } from "./int64-value.js";
import { naiveTimestampText, timeText } from "./temporal-text.js";

/** Converts one non-null value as the driver returned it. */
export type MssqlValueConverter = (value: unknown) => unknown;

const DATETIME = new Set(["datetime2", "datetime", "smalldatetime"]);
const TEXT = new Set(["char", "varchar", "text", "nchar", "nvarchar", "ntext", "uniqueidentifier", "xml", "sysname"]);
const BINARY = new Set(["binary", "varbinary", "image", "rowversion", "timestamp"]);

/**
 * SQL Server: `[bracketed]` identifiers, `@pN` parameters cast to the
 * compared column's type, and SELECT expressions that turn into text what
 * tedious would read lossily: decimal/numeric and money (a JS number in
 * tedious) as their exact digits, datetime2/datetime (a JS Date: milliseconds)
 * as ISO text with all fraction digits, datetimeoffset at UTC, date and time
 * as text. The converted text then takes dlt-ts's forms in
 * {@link valueConverter}.
 */
export class MssqlDialect extends SqlDialectBase {
  readonly name = "mssql";

  override quoteIdentifier(name: string): string {
    return `[${name.replace(/]/g, "]]")}]`;
  }

  override parameter(index: number, column: CatalogColumn): string {
    return `CAST(@p${index} AS ${castType(column)})`;
  }

  override selectExpression(column: CatalogColumn): string {
    const name = this.quoteIdentifier(column.name);
    const type = column.dataType.toLowerCase();
    if (type === "decimal" || type === "numeric") return `CONVERT(varchar(50), ${name}) AS ${name}`;
    if (type === "money" || type === "smallmoney") return `CONVERT(varchar(50), ${name}, 2) AS ${name}`;
    if (DATETIME.has(type)) return `CONVERT(varchar(33), ${name}, 126) AS ${name}`;
    if (type === "datetimeoffset") return `CONVERT(varchar(33), CONVERT(datetime2(7), SWITCHOFFSET(${name}, '+00:00')), 126) AS ${name}`;
    if (type === "date") return `CONVERT(char(10), ${name}, 23) AS ${name}`;
    if (type === "time") return `CONVERT(varchar(16), ${name}) AS ${name}`;
    return name;
  }

  /** The table's column, not the converted select expression of the same name (ORDER BY sees those first). */
  override sortExpression(table: CatalogTable, column: CatalogColumn): string {
    return `${this.quoteIdentifier(table.schema)}.${this.quoteIdentifier(table.name)}.${this.quoteIdentifier(column.name)}`;
  }

  /** How a value of `column`, as the SELECT above delivers it, becomes what dlt-ts keeps. */
  valueConverter(column: CatalogColumn): MssqlValueConverter | undefined {
    const type = column.dataType.toLowerCase();
    if (type === "bigint") return (value) => (typeof value === "string" ? int64Value(value) : value);
    if (DATETIME.has(type)) return (value) => naiveTimestampText(String(value));
    if (type === "datetimeoffset") return (value) => `${naiveTimestampText(String(value))}Z`;
    if (type === "time") return (value) => timeText(String(value));
    return undefined;
  }

  typeHints(column: CatalogColumn, level: ReflectionLevel): ColumnHints {
    const type = column.dataType.toLowerCase();
    if (TEXT.has(type)) return type === "uniqueidentifier" || type === "xml" ? { dataType: "text" } : sizedHints("text", column, level);
    if (BINARY.has(type)) return sizedHints("binary", column, level);
    if (DATETIME.has(type)) return { dataType: "timestamp", timezone: false };
    switch (type) {
      case "bit":
        return { dataType: "bool" };
      case "tinyint":
        return integerHints(16, level);
      case "smallint":
        return integerHints(16, level);
      case "int":
        return integerHints(32, level);
      case "bigint":
        return integerHints(64, level);
      case "decimal":
      case "numeric":
        return decimalHints(column);
      case "money":
        return { dataType: "decimal", precision: 19, scale: 4 };
      case "smallmoney":
        return { dataType: "decimal", precision: 10, scale: 4 };
      case "float":
      case "real":
        return { dataType: "double" };
      case "datetimeoffset":
        return { dataType: "timestamp" };
      case "date":
        return { dataType: "date" };
      case "time":
        return { dataType: "time" };
      default:
        // sql_variant, geography, geometry, hierarchyid: no type hint, the value is inferred (as dlt).
        return {};
    }
  }
}

/** The full type of a column for CAST: `decimal(12,2)`, `datetime2(7)`, `nvarchar(max)`. */
function castType(column: CatalogColumn): string {
  const type = column.dataType.toLowerCase();
  if (type === "decimal" || type === "numeric") return column.precision !== undefined ? `${type}(${column.precision},${column.scale ?? 0})` : type;
  // A datetime cursor is compared at datetime2 precision: a bound with microseconds does not fit a datetime.
  if (DATETIME.has(type)) return "datetime2(7)";
  if (type === "datetimeoffset" || type === "time") return `${type}(${column.precision ?? 7})`;
  if (/^n?(var)?char$/.test(type) || /^(var)?binary$/.test(type)) {
    const length = column.length;
    return `${type}(${length === undefined || length < 0 ? "max" : length})`;
  }
  return type;
}
