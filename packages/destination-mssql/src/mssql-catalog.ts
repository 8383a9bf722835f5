import type { SqlClient } from "@dlt-ts/core";
import type { MssqlCatalogColumn } from "./mssql-bulk-columns.js";
import { MSSQL_MAX_REQUEST_PARAMETERS } from "./mssql-sql-client.js";

/**
 * A Map whose keys match without regard to case (SQL Server's default
 * collations compare identifiers that way), while iteration yields the keys
 * as first stored.
 */
export class CaseInsensitiveMap<V> extends Map<string, V> {
  private readonly keysByFold = new Map<string, string>();

  override set(key: string, value: V): this {
    const fold = key.toLowerCase();
    const stored = this.keysByFold?.get(fold);
    if (stored === undefined) this.keysByFold?.set(fold, key);
    return super.set(stored ?? key, value);
  }

  override get(key: string): V | undefined {
    return super.get(this.keysByFold.get(key.toLowerCase()) ?? key);
  }

  override has(key: string): boolean {
    return super.has(this.keysByFold.get(key.toLowerCase()) ?? key);
  }

  override delete(key: string): boolean {
    const fold = key.toLowerCase();
    const stored = this.keysByFold.get(fold) ?? key;
    this.keysByFold.delete(fold);
    return super.delete(stored);
  }

  override clear(): void {
    this.keysByFold.clear();
    super.clear();
  }
}

/** A new map for identifiers: case-insensitive unless the destination says identifiers are case-sensitive. */
export function identifierMap<V>(caseSensitive: boolean): Map<string, V> {
  return caseSensitive ? new Map<string, V>() : new CaseInsensitiveMap<V>();
}

type CatalogRow = {
  table_name: string;
  column_name: string;
  data_type: string;
  max_length: number | null;
  numeric_precision: number | null;
  numeric_scale: number | null;
  datetime_precision: number | null;
  is_nullable: string;
};

function numberOrNull(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

/** Names per catalog query: one parameter is the schema. */
const NAMES_PER_QUERY = MSSQL_MAX_REQUEST_PARAMETERS - 1;

/**
 * Columns of `tables` in `client`'s dataset from `INFORMATION_SCHEMA.COLUMNS`,
 * in column order, keyed by table name (as `identifierMap` matches names).
 * Tables that do not exist are absent. Long name lists are queried in chunks
 * that respect the parameter limit.
 */
export async function readCatalogColumns(
  client: SqlClient,
  tables: readonly string[],
): Promise<Map<string, MssqlCatalogColumn[]>> {
  const result = identifierMap<MssqlCatalogColumn[]>(client.capabilities.hasCaseSensitiveIdentifiers);
  const names = [...new Set(tables.map((t) => client.capabilities.casefoldIdentifier(t)))];
  for (let start = 0; start < names.length; start += NAMES_PER_QUERY) {
    const chunk = names.slice(start, start + NAMES_PER_QUERY);
    const rows = await client.query<CatalogRow>(
      "SELECT TABLE_NAME AS table_name, COLUMN_NAME AS column_name, DATA_TYPE AS data_type, CHARACTER_MAXIMUM_LENGTH AS max_length, " +
        "NUMERIC_PRECISION AS numeric_precision, NUMERIC_SCALE AS numeric_scale, DATETIME_PRECISION AS datetime_precision, IS_NULLABLE AS is_nullable " +
        `FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA = %s AND TABLE_NAME IN (${chunk.map(() => "%s").join(", ")}) ` +
        "ORDER BY TABLE_NAME, ORDINAL_POSITION",
      [client.fullyQualifiedDatasetName(false), ...chunk],
    );
    for (const row of rows) {
      let columns = result.get(row.table_name);
      if (!columns) result.set(row.table_name, (columns = []));
      columns.push({
        name: row.column_name,
        dataType: row.data_type.toLowerCase(),
        maxLength: numberOrNull(row.max_length),
        precision: numberOrNull(row.numeric_precision),
        scale: numberOrNull(row.numeric_scale),
        datetimePrecision: numberOrNull(row.datetime_precision),
        nullable: row.is_nullable === "YES",
      });
    }
  }
  return result;
}
