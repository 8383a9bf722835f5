import {
  DuckDBTypeId,
  JSDuckDBValueConverter,
  blobValue,
  createDuckDBValueConverter,
  listValue,
  timestampTZValue,
  type DuckDBResultReader,
  type DuckDBValue,
  type DuckDBValueConverter,
} from "@duckdb/node-api";
import { bigintAsDigits } from "@dlt-ts/core";

/**
 * A JS parameter as a DuckDB value: `Date` → TIMESTAMP WITH TIME ZONE,
 * `Uint8Array` → BLOB, an array of scalars → LIST, other objects → JSON
 * text, `undefined` → NULL; strings, numbers, bigints and booleans as they are.
 */
export function toDuckdbValue(value: unknown): DuckDBValue {
  if (value === undefined || value === null) return null;
  switch (typeof value) {
    case "string":
    case "number":
    case "bigint":
    case "boolean":
      return value;
  }
  if (value instanceof Date) return timestampTZValue(BigInt(value.getTime()) * 1000n);
  if (value instanceof Uint8Array) return blobValue(value);
  if (Array.isArray(value) && value.length > 0 && value.every((v) => v === null || typeof v !== "object" || v instanceof Date)) {
    return listValue(value.map(toDuckdbValue));
  }
  return JSON.stringify(value, bigintAsDigits);
}

/** An integer as a number when a double holds it exactly, else as a bigint. */
function integer(value: DuckDBValue): number | bigint | null {
  if (value === null) return null;
  const n = typeof value === "bigint" ? value : BigInt(value as number);
  return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
}

const asText: DuckDBValueConverter<unknown> = (value) => (value === null ? null : String(value));

/**
 * Result values as rows hand them to users (the same shapes the Postgres
 * client gives): integers as numbers, or bigints beyond 2^53; DECIMAL as its
 * exact text; DATE as `YYYY-MM-DD` and TIME as `HH:MM:SS[.ffffff]` text;
 * timestamps as `Date`; BLOB as bytes; lists and structs as arrays and
 * objects of the same. (JSON columns are parsed by `readRows`: the vector
 * types seen here do not carry the JSON alias.)
 */
export const duckdbRowValueConverter: DuckDBValueConverter<unknown> = createDuckDBValueConverter<unknown>({
  ...(Object.fromEntries(Object.values(DuckDBTypeId).filter((id) => typeof id === "number").map((id) => [id, JSDuckDBValueConverter])) as Record<
    DuckDBTypeId,
    DuckDBValueConverter<unknown>
  >),
  [DuckDBTypeId.BIGINT]: integer,
  [DuckDBTypeId.UBIGINT]: integer,
  [DuckDBTypeId.HUGEINT]: integer,
  [DuckDBTypeId.UHUGEINT]: integer,
  [DuckDBTypeId.DECIMAL]: asText,
  [DuckDBTypeId.DATE]: asText,
  [DuckDBTypeId.TIME]: asText,
});

/** The rows of a query result as objects keyed by column name, values converted as above and JSON columns parsed. */
export function readRows(reader: DuckDBResultReader): Record<string, unknown>[] {
  const names = reader.columnNames();
  const json = reader.columnTypes().map((type) => type.alias === "JSON");
  return reader.convertRows(duckdbRowValueConverter).map((values) => {
    const row: Record<string, unknown> = {};
    for (let i = 0; i < names.length; i++) {
      const value = values[i];
      row[names[i]!] = json[i] && typeof value === "string" ? (JSON.parse(value) as unknown) : value;
    }
    return row;
  });
}
