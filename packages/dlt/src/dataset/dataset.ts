import type { DataItem, SqlClient, SqlRow } from "@dlt-ts/core";
import { Relation, type OpenSqlClient } from "./relation.js";

/**
 * What a pipeline loaded, read back from its destination's dataset (SQL
 * destinations): `table(name)` is a {@link Relation}, `query(sql)` returns
 * rows. Each read opens a client and closes it afterwards.
 *
 * @example
 * const ds = p.dataset();
 * const rows = await ds.query("select count(*) as n from events");
 * await other.run(ds.table("events").where("type", "PushEvent"));
 */
export class Dataset {
  constructor(private readonly open: OpenSqlClient) {}

  /** A table of the dataset (its name as the destination stores it, e.g. snake_case). */
  table(name: string): Relation {
    return new Relation(this.open, { table: name, where: [], orderBy: [] });
  }

  /** Runs a statement (`%s` parameters) and returns its rows. */
  async query<R extends SqlRow = DataItem>(sql: string, params?: readonly unknown[]): Promise<R[]> {
    const client: SqlClient = await this.open();
    try {
      return await client.query<R>(sql, params);
    } finally {
      await client.close();
    }
  }
}
