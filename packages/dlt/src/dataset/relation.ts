import { DltException, type DataItem, type SqlClient, type SqlRow } from "@dlt-ts/core";

/** Comparison operators `where()` accepts. */
export type WhereOperator = "=" | "!=" | "<" | "<=" | ">" | ">=" | "in" | "not in" | "is null" | "is not null" | "like";

const OPERATORS: readonly WhereOperator[] = ["=", "!=", "<", "<=", ">", ">=", "in", "not in", "is null", "is not null", "like"];

interface Condition {
  column: string;
  operator: WhereOperator;
  value: unknown;
}

interface RelationSpec {
  table: string;
  columns?: readonly string[];
  where: readonly Condition[];
  orderBy: readonly { column: string; direction: "asc" | "desc" }[];
  limit?: number;
}

/** Opens a SQL client on the pipeline's dataset; the caller closes it. */
export type OpenSqlClient = () => Promise<SqlClient>;

/** The key that pages through a table loaded by dlt-ts: unique in every table it writes. */
const ROW_KEY = "_dlt_id";

/**
 * A table of a pipeline's dataset, read back: narrowed with `select`,
 * `where`, `orderBy` and `limit` (each returns a new relation), read with
 * `fetchAll()`, `iterChunks(n)` or `for await`. Passed to `run()` it is a
 * resource named after its table (reverse ETL from what a pipeline loaded).
 *
 * @example
 * const recent = p.dataset().table("events").select("id", "type").where("type", "=", "PushEvent").limit(100);
 * for (const row of await recent.fetchAll()) console.log(row.id);
 * await pipeline({ pipelineName: "push", destination: MyApi }).run(recent);
 */
export class Relation implements AsyncIterable<DataItem> {
  constructor(
    private readonly open: OpenSqlClient,
    private readonly spec: RelationSpec,
  ) {}

  /** The table read; also the resource name when the relation is passed to `run()`. */
  get tableName(): string {
    return this.spec.table;
  }

  /** Only these columns. */
  select(...columns: string[]): Relation {
    return new Relation(this.open, { ...this.spec, columns });
  }

  /**
   * Rows where `column <operator> value` (`where("type", "PushEvent")` is
   * `=`); "in" / "not in" take an array, "is null" / "is not null" no value.
   * Conditions add up (AND).
   */
  where(column: string, operatorOrValue: unknown, value?: unknown): Relation {
    const explicit = arguments.length >= 3 || (typeof operatorOrValue === "string" && /^is (not )?null$/i.test(operatorOrValue));
    const operator = (explicit ? String(operatorOrValue).toLowerCase() : "=") as WhereOperator;
    if (!OPERATORS.includes(operator)) {
      throw new DltException(`where("${column}", "${String(operatorOrValue)}", ...): the operator must be one of ${OPERATORS.join(", ")}`);
    }
    const condition = { column, operator, value: explicit ? value : operatorOrValue };
    return new Relation(this.open, { ...this.spec, where: [...this.spec.where, condition] });
  }

  /** Rows ordered by `column` (orders add up). */
  orderBy(column: string, direction: "asc" | "desc" = "asc"): Relation {
    return new Relation(this.open, { ...this.spec, orderBy: [...this.spec.orderBy, { column, direction }] });
  }

  /** At most `n` rows. */
  limit(n: number): Relation {
    if (!Number.isInteger(n) || n < 0) throw new DltException(`limit(${n}): give an integer >= 0`);
    return new Relation(this.open, { ...this.spec, limit: n });
  }

  /** Every row, in one query. */
  async fetchAll(): Promise<DataItem[]> {
    return this.withClient(async (client) => {
      const { sql, params } = this.toSql(client);
      return (await client.query<SqlRow>(sql, params)) as DataItem[];
    });
  }

  /**
   * The rows in pages of `chunkSize`, one query per page, so memory stays
   * flat in table size. Without an order of your own the pages follow
   * `_dlt_id` (keyset paging); a relation ordered by you, or on a table
   * without `_dlt_id`, is paged with LIMIT/OFFSET.
   */
  async *iterChunks(chunkSize = 10_000): AsyncGenerator<DataItem[]> {
    if (!Number.isInteger(chunkSize) || chunkSize < 1) throw new DltException(`iterChunks(${chunkSize}): give an integer >= 1`);
    const client = await this.open();
    try {
      const keyset = this.spec.orderBy.length === 0 && (await this.hasRowKey(client));
      let remaining = this.spec.limit ?? Infinity;
      let offset = 0;
      let after: unknown;
      while (remaining > 0) {
        const size = Math.min(chunkSize, remaining);
        let page: Relation = this.limit(size);
        if (keyset) {
          page = new Relation(this.open, { ...page.spec, orderBy: [{ column: ROW_KEY, direction: "asc" }] });
          if (after !== undefined) page = page.where(ROW_KEY, ">", after);
        }
        const { sql, params } = page.toSql(client, keyset ? 0 : offset);
        const rows = (await client.query<SqlRow>(sql, params)) as DataItem[];
        if (rows.length === 0) return;
        yield rows;
        remaining -= rows.length;
        offset += rows.length;
        after = rows[rows.length - 1]![ROW_KEY];
        if (rows.length < size) return;
      }
    } finally {
      await client.close();
    }
  }

  async *[Symbol.asyncIterator](): AsyncIterator<DataItem> {
    for await (const page of this.iterChunks()) yield* page;
  }

  /** The SELECT this relation runs, with `%s` parameters. */
  toSql(client: SqlClient, offset = 0): { sql: string; params: unknown[] } {
    const { table, columns, where, orderBy, limit } = this.spec;
    const params: unknown[] = [];
    const select = columns && columns.length > 0 ? columns.map((c) => client.escapeColumnName(c)).join(", ") : "*";
    const conditions = where.map(({ column, operator, value }) => {
      const name = client.escapeColumnName(column);
      if (operator === "is null" || operator === "is not null") return `${name} ${operator.toUpperCase()}`;
      if (operator === "in" || operator === "not in") {
        const values = Array.isArray(value) ? value : [value];
        if (values.length === 0) return operator === "in" ? "1 = 0" : "1 = 1";
        params.push(...values);
        return `${name} ${operator.toUpperCase()} (${values.map(() => "%s").join(", ")})`;
      }
      params.push(value);
      return `${name} ${operator.toUpperCase()} %s`;
    });
    let sql = `SELECT ${select} FROM ${client.makeQualifiedTableName(table)}`;
    if (conditions.length > 0) sql += ` WHERE ${conditions.join(" AND ")}`;
    if (orderBy.length > 0) sql += ` ORDER BY ${orderBy.map((o) => `${client.escapeColumnName(o.column)} ${o.direction.toUpperCase()}`).join(", ")}`;
    if (limit !== undefined) sql += ` LIMIT ${limit}`;
    if (offset > 0) sql += ` OFFSET ${offset}`;
    return { sql, params };
  }

  private async hasRowKey(client: SqlClient): Promise<boolean> {
    if (this.spec.columns && this.spec.columns.length > 0 && !this.spec.columns.includes(ROW_KEY)) return false;
    try {
      await client.query(`SELECT ${client.escapeColumnName(ROW_KEY)} FROM ${client.makeQualifiedTableName(this.spec.table)} LIMIT 0`);
      return true;
    } catch {
      return false;
    }
  }

  private async withClient<T>(run: (client: SqlClient) => Promise<T>): Promise<T> {
    const client = await this.open();
    try {
      return await run(client);
    } finally {
      await client.close();
    }
  }
}
