import type { CatalogColumn, CatalogTable } from "./source-connection.js";

/** Runs a catalog query and returns its rows as objects keyed by the (lower-case) column aliases. */
export type CatalogQuery = (sql: string, params: unknown[]) => Promise<Record<string, unknown>[]>;

/** The types whose `numeric_precision` / `numeric_scale` describe decimal digits. */
const TEMPORAL = /^(time|timestamp|datetime|datetime2|datetimeoffset|smalldatetime)\b/i;

function numberOrUndefined(value: unknown): number | undefined {
  if (value === null || value === undefined) return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

/**
 * The catalog through the SQL-standard `information_schema` views, which
 * Postgres, DuckDB and SQL Server all have: one implementation for the three,
 * each giving its parameter style (and DuckDB a catalog filter, since its
 * views list every attached database).
 */
export class InformationSchemaCatalog {
  constructor(
    private readonly query: CatalogQuery,
    /** The `index`-th (1-based) parameter: `$1`, `@p1`. */
    private readonly placeholder: (index: number) => string,
    /** Extra condition on the table alias `t` (e.g. `AND t.table_catalog = current_database()`). Default: none. */
    private readonly catalogFilter = "",
  ) {}

  /** Base tables (and views with `includeViews`) of a schema, sorted by name. */
  async listTables(schema: string, includeViews: boolean): Promise<string[]> {
    const types = includeViews ? "('BASE TABLE', 'VIEW')" : "('BASE TABLE')";
    const rows = await this.query(
      `SELECT t.table_name AS table_name FROM information_schema.tables t ` +
        `WHERE t.table_schema = ${this.placeholder(1)} AND t.table_type IN ${types}${this.catalogFilter} ORDER BY t.table_name`,
      [schema],
    );
    return rows.map((r) => String(r.table_name));
  }

  /** Columns and primary keys of the named tables (or views) of a schema; missing ones are left out. */
  async reflectTables(schema: string, tables: readonly string[]): Promise<CatalogTable[]> {
    if (tables.length === 0) return [];
    const names = tables.map((_, i) => this.placeholder(i + 2)).join(", ");
    const params = [schema, ...tables];
    const columns = await this.query(
      `SELECT t.table_name AS table_name, t.column_name AS column_name, t.data_type AS data_type, t.is_nullable AS is_nullable, ` +
        `t.numeric_precision AS numeric_precision, t.numeric_scale AS numeric_scale, ` +
        `t.character_maximum_length AS character_maximum_length, t.datetime_precision AS datetime_precision ` +
        `FROM information_schema.columns t WHERE t.table_schema = ${this.placeholder(1)} AND t.table_name IN (${names})${this.catalogFilter} ` +
        `ORDER BY t.table_name, t.ordinal_position`,
      params,
    );
    const keys = await this.query(
      `SELECT k.table_name AS table_name, k.column_name AS column_name FROM information_schema.table_constraints t ` +
        `JOIN information_schema.key_column_usage k ON k.constraint_schema = t.constraint_schema AND k.constraint_name = t.constraint_name ` +
        `AND k.table_name = t.table_name ` +
        `WHERE t.constraint_type = 'PRIMARY KEY' AND t.table_schema = ${this.placeholder(1)} AND t.table_name IN (${names})${this.catalogFilter} ` +
        `ORDER BY k.table_name, k.ordinal_position`,
      params,
    );
    const byName = new Map<string, CatalogTable>();
    for (const row of columns) {
      const name = String(row.table_name);
      let table = byName.get(name);
      if (!table) byName.set(name, (table = { schema, name, columns: [], primaryKey: [] }));
      table.columns.push(toColumn(row));
    }
    for (const row of keys) byName.get(String(row.table_name))?.primaryKey.push(String(row.column_name));
    return [...byName.values()];
  }
}

function toColumn(row: Record<string, unknown>): CatalogColumn {
  const dataType = String(row.data_type);
  const precision = TEMPORAL.test(dataType) ? numberOrUndefined(row.datetime_precision) : numberOrUndefined(row.numeric_precision);
  const scale = TEMPORAL.test(dataType) ? undefined : numberOrUndefined(row.numeric_scale);
  const length = numberOrUndefined(row.character_maximum_length);
  return {
    name: String(row.column_name),
    dataType,
    nullable: String(row.is_nullable).toUpperCase() !== "NO",
    ...(precision !== undefined ? { precision } : {}),
    ...(scale !== undefined ? { scale } : {}),
    ...(length !== undefined ? { length } : {}),
  };
}
