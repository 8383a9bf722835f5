import { ansiEscapeIdentifier, capabilities, type SqlClient, type TableSchema } from "@dlt-ts/core";
import { type FollowupSqlContext, standardMergeStatement } from "@dlt-ts/sql";
import { generateMergeSql, generateReplaceSql, generateUpsertSql, MergeDispositionException } from "../src/sql-followup-sql.js";

/* SQL generation only: the statements are run against the real server in the Postgres tests. */

function names(dataset: string): SqlClient {
  const caps = capabilities({});
  return {
    capabilities: caps,
    datasetName: dataset,
    escapeColumnName: (n: string) => ansiEscapeIdentifier(n),
    makeQualifiedTableName: (t: string) => `${ansiEscapeIdentifier(dataset)}.${ansiEscapeIdentifier(t)}`,
  } as unknown as SqlClient;
}

const rootCols = {
  id: { name: "id", dataType: "bigint" as const, primaryKey: true },
  v: { name: "v", dataType: "text" as const },
  _dlt_id: { name: "_dlt_id", dataType: "text" as const, rowKey: true, unique: true },
};
const kid: TableSchema = {
  name: "r__k",
  parent: "r",
  columns: {
    value: { name: "value", dataType: "text" },
    _dlt_root_id: { name: "_dlt_root_id", dataType: "text", rootKey: true },
    _dlt_id: { name: "_dlt_id", dataType: "text", rowKey: true },
  },
};

function ctx(chain: TableSchema[]): FollowupSqlContext {
  return { chain, client: names("ds"), staging: names("ds_staging"), tempTableSql: (n, s) => `CREATE TEMP TABLE ${n} AS ${s}` };
}

describe("follow-up SQL", () => {
  test("replace empties each table of the chain and copies it from staging", () => {
    const sql = generateReplaceSql(ctx([{ name: "r", columns: rootCols }, kid]));
    expect(sql).toEqual([
      'TRUNCATE TABLE "ds"."r"',
      'INSERT INTO "ds"."r" ("id", "v", "_dlt_id") SELECT "id", "v", "_dlt_id" FROM "ds_staging"."r"',
      'TRUNCATE TABLE "ds"."r__k"',
      'INSERT INTO "ds"."r__k" ("value", "_dlt_root_id", "_dlt_id") SELECT "value", "_dlt_root_id", "_dlt_id" FROM "ds_staging"."r__k"',
    ]);
  });

  test("delete-insert without keys appends from staging", () => {
    const sql = generateMergeSql(ctx([{ name: "r", columns: { v: rootCols.v, _dlt_id: rootCols._dlt_id } }]));
    expect(sql).toEqual(['INSERT INTO "ds"."r" ("v", "_dlt_id") SELECT "v", "_dlt_id" FROM "ds_staging"."r" WHERE 1 = 1']);
  });

  test("delete-insert on a root table alone: delete by key, insert deduplicated by ROW_NUMBER", () => {
    const sql = generateMergeSql(ctx([{ name: "r", columns: rootCols }]));
    expect(sql[0]).toBe('DELETE FROM "ds"."r" AS d WHERE EXISTS (SELECT 1 FROM "ds_staging"."r" AS s WHERE (d."id" = s."id"))');
    expect(sql[1]).toContain('ROW_NUMBER() OVER (PARTITION BY "id" ORDER BY (SELECT NULL)) AS _dlt_dedup_rn');
    expect(sql[1]).toContain("WHERE _dlt_dedup_rn = 1 AND (1 = 1)");
  });

  test("delete-insert with nested tables goes through temp tables of row keys and the root key", () => {
    const sql = generateMergeSql(ctx([{ name: "r", columns: rootCols }, kid]));
    expect(sql[0]).toMatch(/^CREATE TEMP TABLE _dlt_delete_[0-9a-f]{12} AS SELECT d\."_dlt_id" AS _dlt_key FROM "ds"\."r" AS d WHERE EXISTS/);
    expect(sql[1]).toMatch(/^DELETE FROM "ds"\."r__k" WHERE "_dlt_root_id" IN \(SELECT _dlt_key FROM _dlt_delete_/);
    expect(sql[2]).toMatch(/^DELETE FROM "ds"\."r" WHERE "_dlt_id" IN/);
    expect(sql[3]).toMatch(/^CREATE TEMP TABLE _dlt_insert_/);
    // Nested rows deduplicated by their own row key, as dlt.
    expect(sql[5]).toMatch(/^INSERT INTO "ds"\."r__k" .*PARTITION BY "_dlt_id".* AND \("_dlt_root_id" IN \(SELECT _dlt_key FROM _dlt_insert_/);
  });

  test("merge key and primary key are OR-ed; dedup_sort and hard_delete shape the insert", () => {
    const columns = {
      ...rootCols,
      day: { name: "day", dataType: "date" as const, mergeKey: true },
      seq: { name: "seq", dataType: "bigint" as const, dedupSort: "asc" as const },
      gone: { name: "gone", dataType: "bool" as const, hardDelete: true },
    };
    const sql = generateMergeSql(ctx([{ name: "r", columns }]));
    expect(sql[0]).toContain('WHERE (d."id" = s."id") OR (d."day" = s."day")');
    expect(sql[1]).toContain('ORDER BY "seq" ASC');
    expect(sql[1]).toContain('("gone" IS NULL OR "gone" = FALSE)');
  });

  test("nested tables without a root key cannot be merged", () => {
    const orphan: TableSchema = { name: "r__k__x", parent: "r__k", columns: { value: { name: "value", dataType: "text" } } };
    expect(() => generateMergeSql(ctx([{ name: "r", columns: rootCols }, orphan]))).toThrow(MergeDispositionException);
  });

  test("upsert needs a primary key and merges root and nested rows", () => {
    expect(() => generateUpsertSql(ctx([{ name: "r", columns: { v: rootCols.v } }]), standardMergeStatement(names("ds")))).toThrow(
      /upsert strategy needs a primary key/,
    );
    const sql = generateUpsertSql(ctx([{ name: "r", columns: rootCols }, kid]), standardMergeStatement(names("ds")));
    const merges = sql.filter((s) => s.startsWith("MERGE INTO"));
    expect(merges).toHaveLength(2);
    expect(merges[0]).toContain('ON d."id" = s."id" WHEN MATCHED THEN UPDATE SET "id" = s."id", "v" = s."v", "_dlt_id" = s."_dlt_id" WHEN NOT MATCHED THEN INSERT');
    expect(merges[1]).toContain('ON d."_dlt_id" = s."_dlt_id"');
    expect(sql[sql.length - 1]).toMatch(/^DELETE FROM "ds"\."r__k" AS d WHERE d\."_dlt_root_id" IN \(SELECT _dlt_key FROM _dlt_previous_/);
  });
});
