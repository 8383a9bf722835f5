import { randomBytes } from "node:crypto";
import { DestinationTerminalException, type ColumnSchema, type SqlClient, type TableSchema } from "@dlt-ts/core";

/**
 * What the follow-up SQL generators need: the table chain (root first, each
 * table with the columns both datasets hold), a client on the destination
 * dataset and one on the staging dataset (for names and escaping), and how
 * the destination writes a temp table.
 */
export interface FollowupSqlContext {
  chain: TableSchema[];
  client: SqlClient;
  staging: SqlClient;
  /** `CREATE TEMPORARY TABLE name AS select` in the destination's dialect. */
  tempTableSql(name: string, select: string): string;
  /** The name a temp table is referred to by (SQL Server prefixes `#`). Default: the name as is. */
  tempTableName?(name: string): string;
  /** `DELETE FROM table AS alias` in the destination's dialect (SQL Server: `DELETE alias FROM table AS alias`). */
  deleteFromSql?(table: string, alias: string): string;
  /** The load the follow-up completes: its time is scd2's default boundary. */
  loadId?: string;
}

/** Thrown when a merge cannot be generated from the table hints. */
export class MergeDispositionException extends DestinationTerminalException {}

const DEDUP_RN = "_dlt_dedup_rn";

function columns(table: TableSchema): ColumnSchema[] {
  return Object.values(table.columns).filter((c) => c.dataType !== undefined);
}

function columnsWith(table: TableSchema, hint: keyof ColumnSchema): ColumnSchema[] {
  return columns(table).filter((c) => c[hint] === true);
}

function tempName(ctx: FollowupSqlContext, kind: string): string {
  const name = `_dlt_${kind}_${randomBytes(6).toString("hex")}`;
  return ctx.tempTableName ? ctx.tempTableName(name) : name;
}

function deleteFrom(ctx: FollowupSqlContext, table: string, alias: string): string {
  return ctx.deleteFromSql ? ctx.deleteFromSql(table, alias) : `DELETE FROM ${table} AS ${alias}`;
}

function mergeError(ctx: FollowupSqlContext, reason: string): MergeDispositionException {
  const tables = ctx.chain.map((t) => t.name).join(", ");
  return new MergeDispositionException(
    `Cannot merge tables [${tables}] from dataset "${ctx.staging.datasetName}" into "${ctx.client.datasetName}": ${reason}`,
  );
}

/** The root's row key: the `rowKey` column, else the first `unique` one, else its single primary key. */
function rowKeyColumn(ctx: FollowupSqlContext, table: TableSchema): string {
  const column = columnsWith(table, "rowKey")[0] ?? columnsWith(table, "unique")[0];
  if (column) return column.name;
  const primary = columnsWith(table, "primaryKey");
  if (primary.length === 1) return primary[0]!.name;
  throw mergeError(ctx, `table "${table.name}" has no row key (_dlt_id), unique column or single primary key column`);
}

/** A nested table's reference to its root: `rootKey` (`_dlt_root_id`), or `parentKey` when the parent is the root. */
function rootKeyColumn(ctx: FollowupSqlContext, table: TableSchema): string {
  const column = columnsWith(table, "rootKey")[0];
  if (column) return column.name;
  const parent = columnsWith(table, "parentKey")[0];
  if (parent && table.parent === ctx.chain[0]!.name) return parent.name;
  throw mergeError(ctx, `nested table "${table.name}" has no root key column (_dlt_root_id)`);
}

interface HardDelete {
  /** Condition true for rows flagged deleted, on alias `prefix`. */
  deleted(prefix?: string): string;
  /** Condition true for rows to keep. */
  kept(prefix?: string): string;
  column: string;
}

function hardDelete(ctx: FollowupSqlContext, root: TableSchema): HardDelete | undefined {
  const column = columnsWith(root, "hardDelete")[0];
  if (!column) return undefined;
  const esc = (p: string) => `${p}${ctx.client.escapeColumnName(column.name)}`;
  const isBool = column.dataType === "bool";
  const lit = ctx.client.capabilities.escapeLiteral;
  return {
    column: column.name,
    deleted: (p = "") => (isBool ? `${esc(p)} = ${lit(true)}` : `${esc(p)} IS NOT NULL`),
    kept: (p = "") => (isBool ? `(${esc(p)} IS NULL OR ${esc(p)} = ${lit(false)})` : `${esc(p)} IS NULL`),
  };
}

function dedupOrder(ctx: FollowupSqlContext, root: TableSchema): string {
  const column = columns(root).find((c) => c.dedupSort !== undefined);
  if (!column) return "(SELECT NULL)";
  return `${ctx.client.escapeColumnName(column.name)} ${column.dedupSort === "asc" ? "ASC" : "DESC"}`;
}

/**
 * SELECT of `cols` from `from`, one row per `partition` key (the first by
 * `order`), filtered by `condition`.
 */
function dedupSelect(from: string, partition: string[], cols: string[], order: string, condition: string, skip = false): string {
  const list = cols.join(", ");
  // The user declared the load free of duplicates (`deduplicated`): no window, as dlt.
  if (skip) return `SELECT ${list} FROM ${from} AS _dlt_dedup WHERE ${condition}`;
  return (
    `SELECT ${list} FROM (SELECT ROW_NUMBER() OVER (PARTITION BY ${partition.join(", ")} ORDER BY ${order}) AS ${DEDUP_RN}, * ` +
    `FROM ${from}) AS _dlt_dedup WHERE ${DEDUP_RN} = 1 AND (${condition})`
  );
}

function keyMatch(keys: string[], d: string, s: string): string {
  return keys.map((k) => `${d}.${k} = ${s}.${k}`).join(" AND ");
}

/**
 * Replace through staging: every table of the chain is emptied and filled
 * from its staging copy.
 */
export function generateReplaceSql(ctx: FollowupSqlContext): string[] {
  const sql: string[] = [];
  const truncate = ctx.client.capabilities.supportsTruncateCommand ? "TRUNCATE TABLE" : "DELETE FROM";
  for (const table of ctx.chain) {
    const cols = columns(table).map((c) => ctx.client.escapeColumnName(c.name)).join(", ");
    const name = ctx.client.makeQualifiedTableName(table.name);
    sql.push(`${truncate} ${name}`);
    sql.push(`INSERT INTO ${name} (${cols}) SELECT ${cols} FROM ${ctx.staging.makeQualifiedTableName(table.name)}`);
  }
  return sql;
}

/**
 * Merge with the `delete-insert` strategy, as dlt does it: rows of the
 * destination whose primary key or merge key appears in staging are deleted
 * (with their nested rows, found through the root key), then the staging rows
 * are inserted, deduplicated on the primary key by a ROW_NUMBER window
 * (`dedupSort` picks the survivor) and without rows flagged by a `hardDelete`
 * column. With neither key the staging rows are appended.
 */
export function generateMergeSql(ctx: FollowupSqlContext): string[] {
  const sql: string[] = [];
  const root = ctx.chain[0]!;
  const esc = (n: string) => ctx.client.escapeColumnName(n);
  const primary = columnsWith(root, "primaryKey").map((c) => esc(c.name));
  const merge = columnsWith(root, "mergeKey").map((c) => esc(c.name));
  const rootName = ctx.client.makeQualifiedTableName(root.name);
  const stagingRoot = ctx.staging.makeQualifiedTableName(root.name);
  const nested = ctx.chain.length > 1;
  const hd = hardDelete(ctx, root);
  const order = dedupOrder(ctx, root);
  const skip = root.stageDataDeduplicated === true;

  let rowKey: string | undefined;
  if (nested && (primary.length > 0 || merge.length > 0 || hd)) rowKey = esc(rowKeyColumn(ctx, root));
  const rootKeys = new Map(ctx.chain.slice(1).map((t) => [t.name, esc(rootKeyColumn(ctx, t))]));

  if (primary.length > 0 || merge.length > 0) {
    const clauses = [primary, merge].filter((k) => k.length > 0).map((k) => `(${keyMatch(k, "d", "s")})`);
    const where = `WHERE EXISTS (SELECT 1 FROM ${stagingRoot} AS s WHERE ${clauses.join(" OR ")})`;
    const matched = `FROM ${rootName} AS d ${where}`;
    if (!nested) {
      sql.push(`${deleteFrom(ctx, rootName, "d")} ${where}`);
    } else {
      const deletes = tempName(ctx, "delete");
      sql.push(ctx.tempTableSql(deletes, `SELECT d.${rowKey} AS _dlt_key ${matched}`));
      for (const table of ctx.chain.slice(1)) {
        sql.push(
          `DELETE FROM ${ctx.client.makeQualifiedTableName(table.name)} WHERE ${rootKeys.get(table.name)} IN (SELECT _dlt_key FROM ${deletes})`,
        );
      }
      sql.push(`DELETE FROM ${rootName} WHERE ${rowKey} IN (SELECT _dlt_key FROM ${deletes})`);
    }
  }

  const kept = hd ? hd.kept() : "1 = 1";
  let inserts: string | undefined;
  if (nested && (primary.length > 0 || hd)) {
    inserts = tempName(ctx, "insert");
    const select =
      primary.length > 0
        ? dedupSelect(stagingRoot, primary, [`${rowKey} AS _dlt_key`], order, kept, skip)
        : `SELECT ${rowKey} AS _dlt_key FROM ${stagingRoot} WHERE ${kept}`;
    sql.push(ctx.tempTableSql(inserts, select));
  }

  for (const table of ctx.chain) {
    const cols = columns(table).map((c) => esc(c.name));
    const list = cols.join(", ");
    const isRoot = table === root;
    const target = ctx.client.makeQualifiedTableName(table.name);
    const source = ctx.staging.makeQualifiedTableName(table.name);
    let select: string;
    if (inserts && isRoot) {
      // Deduplicated again: rows sharing a row key (the same item twice with its own _dlt_id) pass the IN test together.
      const condition = `${rowKey} IN (SELECT _dlt_key FROM ${inserts})`;
      select = primary.length > 0 ? dedupSelect(source, primary, cols, order, condition, skip) : `SELECT ${list} FROM ${source} WHERE ${condition}`;
    } else if (!isRoot) {
      // Nested rows are deduplicated by their own row key, as dlt: the same root row twice in
      // staging (a user-given _dlt_id, a retried job) must not insert its nested rows twice.
      const condition = inserts ? `${rootKeys.get(table.name)} IN (SELECT _dlt_key FROM ${inserts})` : "1 = 1";
      select = dedupSelect(source, [esc(rowKeyColumn(ctx, table))], cols, "(SELECT NULL)", condition, skip);
    } else if (primary.length > 0) {
      select = dedupSelect(source, primary, cols, order, kept, skip);
    } else {
      select = `SELECT ${list} FROM ${source} WHERE ${kept}`;
    }
    sql.push(`INSERT INTO ${target} (${list}) ${select}`);
  }
  return sql;
}

/**
 * Merge with the `upsert` strategy: root rows are matched on the primary key
 * and updated or inserted (deleted when a `hardDelete` column flags them);
 * nested rows are matched on their row key, and nested rows of an upserted
 * record that are no longer in its lists are deleted. Staging rows are
 * deduplicated on the primary key first. Works whether or not the root row
 * key is derived from the primary key.
 */
export function generateUpsertSql(ctx: FollowupSqlContext, mergeStatement: MergeStatement): string[] {
  const sql: string[] = [];
  const root = ctx.chain[0]!;
  const esc = (n: string) => ctx.client.escapeColumnName(n);
  const primary = columnsWith(root, "primaryKey").map((c) => esc(c.name));
  if (primary.length === 0) throw mergeError(ctx, `the upsert strategy needs a primary key on table "${root.name}"`);
  const rootName = ctx.client.makeQualifiedTableName(root.name);
  const stagingRoot = ctx.staging.makeQualifiedTableName(root.name);
  const hd = hardDelete(ctx, root);
  const order = dedupOrder(ctx, root);
  const rootCols = columns(root).map((c) => esc(c.name));
  const nested = ctx.chain.slice(1);
  const skip = root.stageDataDeduplicated === true;

  let previous: string | undefined;
  let upserted: string | undefined;
  if (nested.length > 0) {
    const rowKey = esc(rowKeyColumn(ctx, root));
    // Row keys the matched records have before the merge (they change when row keys are not derived from the primary key).
    previous = tempName(ctx, "previous");
    sql.push(
      ctx.tempTableSql(
        previous,
        `SELECT d.${rowKey} AS _dlt_key FROM ${rootName} AS d WHERE EXISTS (SELECT 1 FROM ${stagingRoot} AS s WHERE ${keyMatch(primary, "d", "s")})`,
      ),
    );
    upserted = tempName(ctx, "upserted");
    sql.push(ctx.tempTableSql(upserted, dedupSelect(stagingRoot, primary, [`${rowKey} AS _dlt_key`], order, hd ? hd.kept() : "1 = 1", skip)));
  }

  const source = `(${dedupSelect(stagingRoot, primary, rootCols, order, "1 = 1", skip)})`;
  sql.push(mergeStatement(rootName, source, keyMatch(primary, "d", "s"), root, hd && { deleted: hd.deleted("s."), kept: hd.kept("s.") }));

  for (const table of nested) {
    const target = ctx.client.makeQualifiedTableName(table.name);
    const staged = ctx.staging.makeQualifiedTableName(table.name);
    const childKey = esc(rowKeyColumn(ctx, table));
    const rootKey = esc(rootKeyColumn(ctx, table));
    const cols = columns(table).map((c) => esc(c.name));
    const childSource = `(${dedupSelect(`(SELECT * FROM ${staged} WHERE ${rootKey} IN (SELECT _dlt_key FROM ${upserted})) AS _dlt_src`, [childKey], cols, "(SELECT NULL)", "1 = 1")})`;
    sql.push(mergeStatement(target, childSource, `d.${childKey} = s.${childKey}`, table));
    sql.push(
      `${deleteFrom(ctx, target, "d")} WHERE d.${rootKey} IN (SELECT _dlt_key FROM ${previous}) ` +
        `AND NOT EXISTS (SELECT 1 FROM ${staged} AS s WHERE s.${childKey} = d.${childKey} AND s.${rootKey} IN (SELECT _dlt_key FROM ${upserted}))`,
    );
  }
  return sql;
}

/**
 * Merge with the `insert-only` strategy, as dlt: staging rows whose primary
 * key the table does not hold yet are inserted (deduplicated on the primary
 * key, without rows a `hardDelete` column flags); rows already there are
 * never updated. Nested rows are inserted when their row key is new (the
 * root row ids are derived from the primary key, so a record already loaded
 * keeps its nested rows and gains only new list elements). Plain
 * `INSERT ... WHERE NOT EXISTS`, so no MERGE support is needed.
 */
export function generateInsertOnlySql(ctx: FollowupSqlContext): string[] {
  const root = ctx.chain[0]!;
  const esc = (n: string) => ctx.client.escapeColumnName(n);
  const primary = columnsWith(root, "primaryKey").map((c) => esc(c.name));
  if (primary.length === 0) throw mergeError(ctx, `the insert-only strategy needs a primary key on table "${root.name}"`);
  const skip = root.stageDataDeduplicated === true;
  const hd = hardDelete(ctx, root);
  const sql: string[] = [];
  for (const table of ctx.chain) {
    const isRoot = table === root;
    const cols = columns(table).map((c) => esc(c.name));
    const target = ctx.client.makeQualifiedTableName(table.name);
    const staged = ctx.staging.makeQualifiedTableName(table.name);
    const keys = isRoot ? primary : [esc(rowKeyColumn(ctx, table))];
    const source = isRoot
      ? dedupSelect(staged, primary, cols, dedupOrder(ctx, root), hd ? hd.kept() : "1 = 1", skip)
      : dedupSelect(staged, keys, cols, "(SELECT NULL)", "1 = 1", skip);
    sql.push(
      `INSERT INTO ${target} (${cols.join(", ")}) SELECT ${cols.join(", ")} FROM (${source}) AS s ` +
        `WHERE NOT EXISTS (SELECT 1 FROM ${target} AS d WHERE ${keyMatch(keys, "d", "s")})`,
    );
  }
  return sql;
}

/**
 * Merge with the `scd2` strategy, as dlt: active versions of the root table
 * whose row version (hash) is not in staging retire (`validTo` set to the
 * boundary; with a merge key only those whose key is in staging, so an
 * incremental load retires nothing else); staging versions not active yet
 * are inserted, valid from the boundary, open (`validTo` NULL or the
 * active-record timestamp). Nested tables are insert-only by row key.
 */
export function generateScd2Sql(ctx: FollowupSqlContext): string[] {
  const root = ctx.chain[0]!;
  const settings = root.scd2;
  if (!settings) throw mergeError(ctx, `table "${root.name}" has no scd2 settings (write disposition { disposition: "merge", strategy: "scd2" })`);
  const esc = (n: string) => ctx.client.escapeColumnName(n);
  const lit = ctx.client.capabilities.escapeLiteral;
  const from = esc(settings.validFrom);
  const to = esc(settings.validTo);
  const hash = esc(settings.rowVersionColumn);
  const boundary = lit(settings.boundaryTimestamp ?? loadTime(ctx.loadId));
  const active = settings.activeRecordTimestamp === undefined ? "NULL" : lit(settings.activeRecordTimestamp);
  const isActive = settings.activeRecordTimestamp === undefined ? `${to} IS NULL` : `${to} = ${active}`;
  const rootName = ctx.client.makeQualifiedTableName(root.name);
  const stagingRoot = ctx.staging.makeQualifiedTableName(root.name);
  const skip = root.stageDataDeduplicated === true;
  const sql: string[] = [];

  let retire = `UPDATE ${rootName} SET ${to} = ${boundary} WHERE ${isActive} AND ${hash} NOT IN (SELECT ${hash} FROM ${stagingRoot})`;
  const mergeKeys = columnsWith(root, "mergeKey").map((c) => esc(c.name));
  if (mergeKeys.length === 1) retire += ` AND ${mergeKeys[0]} IN (SELECT ${mergeKeys[0]} FROM ${stagingRoot})`;
  else if (mergeKeys.length > 1) {
    retire += ` AND EXISTS (SELECT 1 FROM ${stagingRoot} AS s WHERE ${mergeKeys.map((k) => `s.${k} = ${rootName}.${k}`).join(" AND ")})`;
  }
  sql.push(retire);

  const cols = columns(root)
    .map((c) => esc(c.name))
    .filter((c) => c !== from && c !== to);
  const versions = dedupSelect(stagingRoot, [hash], cols, "(SELECT NULL)", "1 = 1", skip);
  sql.push(
    `INSERT INTO ${rootName} (${cols.join(", ")}, ${from}, ${to}) SELECT ${cols.join(", ")}, ${boundary}, ${active} FROM (${versions}) AS s ` +
      `WHERE ${hash} NOT IN (SELECT ${hash} FROM ${rootName} WHERE ${isActive})`,
  );

  for (const table of ctx.chain.slice(1)) {
    const target = ctx.client.makeQualifiedTableName(table.name);
    const staged = ctx.staging.makeQualifiedTableName(table.name);
    const rowKey = esc(rowKeyColumn(ctx, table));
    const nestedCols = columns(table).map((c) => esc(c.name));
    const source = dedupSelect(staged, [rowKey], nestedCols, "(SELECT NULL)", "1 = 1", skip);
    sql.push(
      `INSERT INTO ${target} (${nestedCols.join(", ")}) SELECT ${nestedCols.join(", ")} FROM (${source}) AS s ` +
        `WHERE ${rowKey} NOT IN (SELECT ${rowKey} FROM ${target})`,
    );
  }
  return sql;
}

/** A load id (`<epoch seconds>.<fraction>`) as ISO text: when the load's versions become valid. */
function loadTime(loadId: string | undefined): string {
  const seconds = Number(loadId);
  return (Number.isFinite(seconds) ? new Date(Math.floor(seconds * 1000)) : new Date()).toISOString();
}

/** Conditions on the source rows of a MERGE when the table has a hard_delete column. */
export interface MergeDeleteConditions {
  /** True for rows flagged deleted. */
  deleted: string;
  /** True for rows to keep: not the negation of `deleted`, which is NULL for a NULL flag. */
  kept: string;
}

export type MergeStatement = (target: string, source: string, on: string, table: TableSchema, hardDelete?: MergeDeleteConditions) => string;

/**
 * The standard `MERGE INTO ... USING ... ON ...` statement used by upsert:
 * matched rows are updated (deleted when flagged), unmatched ones inserted
 * unless flagged.
 */
export function standardMergeStatement(client: SqlClient): MergeStatement {
  return (target, source, on, table, hardDelete) => {
    const cols = columns(table).map((c) => client.escapeColumnName(c.name));
    const update = cols.map((c) => `${c} = s.${c}`).join(", ");
    const insert = `INSERT (${cols.join(", ")}) VALUES (${cols.map((c) => `s.${c}`).join(", ")})`;
    return [
      `MERGE INTO ${target} AS d USING ${source} AS s ON ${on}`,
      hardDelete ? `WHEN MATCHED AND ${hardDelete.deleted} THEN DELETE` : "",
      `WHEN MATCHED THEN UPDATE SET ${update}`,
      hardDelete ? `WHEN NOT MATCHED AND ${hardDelete.kept} THEN ${insert}` : `WHEN NOT MATCHED THEN ${insert}`,
    ]
      .filter(Boolean)
      .join(" ");
  };
}
