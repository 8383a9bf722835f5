import {
  DatabaseException,
  DatabaseTerminalException,
  DatabaseTransientException,
  DatabaseUndefinedRelation,
  isTerminal,
  type SqlClient,
} from "@dlt-ts/core";
import type { Pipeline } from "dlt-ts";
import type { CaseRegistrar, TestScope } from "../conformance-harness.js";
import { columnValue, countRows } from "../read-back.js";

/** A pipeline that loaded table `items` (id, name) and a SQL client on its dataset. */
async function withItems(scope: TestScope, name: string): Promise<{ p: Pipeline; client: SqlClient }> {
  const p = scope.pipeline(name);
  const info = await p.run(
    [
      { id: 1, name: "one" },
      { id: 2, name: "two" },
    ],
    { tableName: "items" },
  );
  expect(info.hasFailedJobs).toBe(false);
  return { p, client: await scope.sqlClient(p) };
}

/** `INSERT INTO items` of one row, with the `_dlt_*` columns the pipeline made NOT NULL. */
function insertItem(client: SqlClient, id: number, name: string): Promise<unknown> {
  const cols = ["id", "name", "_dlt_load_id", "_dlt_id"].map((c) => client.escapeColumnName(c)).join(", ");
  return client.execute(`INSERT INTO ${client.makeQualifiedTableName("items")} (${cols}) VALUES (%s, %s, %s, %s)`, [id, name, "0.1", `manual_${id}`]);
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => new Error("expected the statement to fail, it succeeded"),
    (error: unknown) => error,
  );
}

/** The SQL client contract: datasets, parameters, transactions and error classification. */
export function sqlClientCases(t: CaseRegistrar): void {
  t.test("datasets", "creates, finds and drops its dataset", async (scope) => {
    const p = scope.pipeline("datasets");
    const client = await scope.sqlClient(p);
    await client.open();
    expect(await client.hasDataset()).toBe(false);
    await client.createDataset();
    expect(await client.hasDataset()).toBe(true);
    await client.dropDataset();
    expect(await client.hasDataset()).toBe(false);
  });

  t.test("parameters", "binds %s parameters and keeps %% literal", async (scope) => {
    const { client } = await withItems(scope, "params");
    const table = client.makeQualifiedTableName("items");
    const id = client.escapeColumnName("id");
    const name = client.escapeColumnName("name");
    const rows = await client.query(`SELECT ${name} FROM ${table} WHERE ${id} = %s AND ${name} = %s`, [2, "two"]);
    expect(rows.map((r) => columnValue(r, "name", client))).toEqual(["two"]);
    const liked = await client.query(`SELECT ${name} FROM ${table} WHERE ${name} LIKE %s AND ${id} > %s`, ["t%", 0]);
    expect(liked.map((r) => columnValue(r, "name", client))).toEqual(["two"]);
    const percent = await client.query(`SELECT '100%%' AS ${client.escapeColumnName("pct")} FROM ${table} WHERE ${id} = %s`, [1]);
    expect(columnValue(percent[0]!, "pct", client)).toBe("100%");
    const hostile = "x'); DROP TABLE items; --";
    await insertItem(client, 3, hostile);
    const back = await client.query(`SELECT ${name} FROM ${table} WHERE ${id} = %s`, [3]);
    expect(columnValue(back[0]!, "name", client)).toBe(hostile);
  });

  t.test("transactions", "commits a transaction that resolves, rolls back one that throws", async (scope) => {
    const { client } = await withItems(scope, "tx");
    const table = client.makeQualifiedTableName("items");
    await client.transaction(async (tx) => {
      expect(tx.inTransaction).toBe(true);
      await insertItem(tx, 10, "committed");
    });
    expect(await countRows(client, "items")).toBe(3);
    const failure = new Error("rolled back on purpose");
    const error = await rejection(
      client.transaction(async (tx) => {
        await insertItem(tx, 11, "rolled back");
        throw failure;
      }),
    );
    // As the SqlClient contract says: fn's own error, not a wrapped one.
    expect(error).toBe(failure);
    expect(await countRows(client, "items")).toBe(3);
    const cols = ["id", "name", "_dlt_load_id", "_dlt_id"].map((c) => client.escapeColumnName(c)).join(", ");
    await client.executeMany([
      `INSERT INTO ${table} (${cols}) VALUES (20, 'many-1', '0.1', 'many_1')`,
      `INSERT INTO ${table} (${cols}) VALUES (21, 'many-2', '0.1', 'many_2')`,
    ]);
    expect(await countRows(client, "items")).toBe(5);
  });

  t.test("failed-begin-commit", "a BEGIN ... COMMIT sent through executeMany that fails midway leaves no connection in an aborted transaction", async (scope) => {
    const { client } = await withItems(scope, "begin_commit");
    const table = client.makeQualifiedTableName("items");
    const cols = ["id", "name", "_dlt_load_id", "_dlt_id"].map((c) => client.escapeColumnName(c)).join(", ");
    await expect(
      client.executeMany([
        "BEGIN",
        `INSERT INTO ${table} (${cols}) VALUES (30, 'never', '0.1', 'never_1')`,
        `SELECT * FROM ${client.makeQualifiedTableName("no_such_table_here")}`,
        "COMMIT",
      ]),
    ).rejects.toThrow();
    // Every pooled connection works afterwards, and the failed batch left nothing behind.
    for (let i = 0; i < 8; i++) expect(await countRows(client, "items")).toBe(2);
    await client.executeMany([`INSERT INTO ${table} (${cols}) VALUES (31, 'later', '0.1', 'later_1')`]);
    expect(await countRows(client, "items")).toBe(3);
  });

  t.test("undefined-relation", "a missing table is DatabaseUndefinedRelation, with the driver error as cause", async (scope) => {
    const { client } = await withItems(scope, "undefined");
    const error = await rejection(client.query(`SELECT * FROM ${client.makeQualifiedTableName("no_such_table_here")}`));
    expect(error).toBeInstanceOf(DatabaseUndefinedRelation);
    expect((error as Error).cause).toBeDefined();
    expect(isTerminal(error)).toBe(true);
    const inTx = await rejection(client.transaction((tx) => tx.query(`SELECT * FROM ${tx.makeQualifiedTableName("no_such_table_here")}`)));
    expect(inTx).toBeInstanceOf(DatabaseUndefinedRelation);
  });

  t.test("terminal", "syntax errors and constraint violations are terminal", async (scope) => {
    const { client } = await withItems(scope, "terminal");
    const syntax = await rejection(client.execute("SELEC nothing FROM nowhere"));
    expect(syntax).toBeInstanceOf(DatabaseTerminalException);
    expect((syntax as Error).cause).toBeDefined();
    const table = client.makeQualifiedTableName("items");
    const badColumn = await rejection(client.execute(`INSERT INTO ${table} (${client.escapeColumnName("no_such_column")}) VALUES (1)`));
    expect(badColumn).toBeInstanceOf(DatabaseException);
    expect(isTerminal(badColumn)).toBe(true);
    // _dlt_id is NOT NULL in every table the pipeline creates.
    const notNull = await rejection(
      client.execute(`INSERT INTO ${table} (${client.escapeColumnName("_dlt_id")}, ${client.escapeColumnName("id")}) VALUES (NULL, 99)`),
    );
    expect(notNull).toBeInstanceOf(DatabaseTerminalException);
    expect(await countRows(client, "items")).toBe(2);
  });

  t.test(
    "transient",
    "a connection-level fault is DatabaseTransientException",
    async (scope) => {
      const { p, client } = await withItems(scope, "transient");
      const error = await rejection(t.options.faults!.transient!(client, scope.context(p.pipelineName)));
      expect(error).toBeInstanceOf(DatabaseTransientException);
      expect(isTerminal(error)).toBe(false);
    },
    () => (t.options.faults?.transient ? undefined : "no faults.transient hook given to provoke one"),
  );
}
