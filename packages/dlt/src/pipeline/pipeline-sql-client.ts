import type { SqlClient, SqlQueryResult, SqlRow } from "@dlt-ts/core";

/**
 * What `pipeline.sqlClient()` returns: await it for a client of your own
 * (close it when done), or call `query()` / `execute()` on it directly for a
 * one-off statement on a client that is opened and closed around it:
 *
 * @example
 * const rows = await p.sqlClient().query("select count(*) as n from events");
 * const client = await p.sqlClient();
 * try { await client.query("select 1"); } finally { await client.close(); }
 *
 * Nothing connects until one of the two is used.
 */
export class PipelineSqlClient implements PromiseLike<SqlClient> {
  private opened: Promise<SqlClient> | undefined;

  constructor(private readonly open: () => Promise<SqlClient>) {}

  then<A = SqlClient, B = never>(
    onfulfilled?: ((client: SqlClient) => A | PromiseLike<A>) | null,
    onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.client().then(onfulfilled, onrejected);
  }

  catch<B = never>(onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<SqlClient | B> {
    return this.client().catch(onrejected);
  }

  finally(onfinally?: (() => void) | null): Promise<SqlClient> {
    return this.client().finally(onfinally);
  }

  /** Runs one statement and returns its rows, on a client closed afterwards. */
  query<R extends SqlRow = SqlRow>(sql: string, params?: readonly unknown[]): Promise<R[]> {
    return this.once((client) => client.query<R>(sql, params));
  }

  /** Runs one statement, on a client closed afterwards. */
  execute<R extends SqlRow = SqlRow>(sql: string, params?: readonly unknown[]): Promise<SqlQueryResult<R>> {
    return this.once((client) => client.execute<R>(sql, params));
  }

  private client(): Promise<SqlClient> {
    this.opened ??= this.open();
    return this.opened;
  }

  private async once<T>(run: (client: SqlClient) => Promise<T>): Promise<T> {
    const client = await this.open();
    try {
      return await run(client);
    } finally {
      await client.close();
    }
  }
}
