import type { ColumnHints } from "@dlt-ts/core";
import type { CatalogColumn, CatalogTable, ReflectionLevel, SqlDialect } from "./source-connection.js";

/**
 * Defaults of a {@link SqlDialect}: ANSI double-quoted identifiers, `$n`
 * parameters, each column selected as it is. A dialect overrides what its
 * database does differently and supplies `typeHints`.
 */
export abstract class SqlDialectBase implements SqlDialect {
  abstract readonly name: string;

  /** Default: `"name"`, a `"` doubled. */
  quoteIdentifier(name: string): string {
    return `"${name.replace(/"/g, '""')}"`;
  }

  /** Default: `$index`. */
  parameter(index: number, _column: CatalogColumn): string {
    return `$${index}`;
  }

  /** Default: the quoted column name. */
  selectExpression(column: CatalogColumn): string {
    return this.quoteIdentifier(column.name);
  }

  /** Default: the quoted column name. */
  sortExpression(_table: CatalogTable, column: CatalogColumn): string {
    return this.quoteIdentifier(column.name);
  }

  abstract typeHints(column: CatalogColumn, level: ReflectionLevel): ColumnHints;
}

/** Decimal hints as dlt gives them at every level above "minimal": precision when declared, scale only with a precision. */
export function decimalHints(column: CatalogColumn): ColumnHints {
  if (column.precision === undefined) return { dataType: "decimal" };
  return { dataType: "decimal", precision: column.precision, ...(column.scale !== undefined ? { scale: column.scale } : {}) };
}

/** Text or binary hints; the length becomes the precision with "full_with_precision" (not for (max)). */
export function sizedHints(dataType: "text" | "binary", column: CatalogColumn, level: ReflectionLevel): ColumnHints {
  const length = column.length;
  return level === "full_with_precision" && length !== undefined && length > 0 ? { dataType, precision: length } : { dataType };
}

/** Integer hints; with "full_with_precision" the precision is the integer's size in bits. */
export function integerHints(bits: number, level: ReflectionLevel): ColumnHints {
  return level === "full_with_precision" ? { dataType: "bigint", precision: bits } : { dataType: "bigint" };
}
