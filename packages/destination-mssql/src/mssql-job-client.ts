import type { ColumnSchema, LoadJob, LoadJobRequest, Schema, SqlClient, TableSchema } from "@dlt-ts/core";
import {
  SqlJobClientBase,
  standardMergeStatement,
  type FollowupSqlContext,
  type SqlJobClientOptions,
  type StorageTables,
} from "@dlt-ts/sql";
import { escapeMssqlLiteral } from "./mssql-capabilities.js";
import { identifierMap, readCatalogColumns } from "./mssql-catalog.js";
import { MssqlCsvLoadJob } from "./mssql-csv-load-job.js";
import type { MssqlSqlClient } from "./mssql-sql-client.js";
import { MssqlTypeMapper } from "./mssql-type-mapper.js";

/** Options of the SQL Server job client. */
export interface MssqlJobClientOptions extends SqlJobClientOptions {
  /**
   * csv files load with a TDS bulk load (true) or with parameterized INSERT
   * statements (false: slower; for servers or users where bulk loads are not
   * allowed). Default true.
   */
  bulkLoad?: boolean;
}

/** Data types whose catalog precision is `DATETIME_PRECISION`. */
const TEMPORAL = new Set(["datetime2", "datetimeoffset", "time", "datetime", "smalldatetime"]);
/** Data types whose catalog length is `CHARACTER_MAXIMUM_LENGTH`. */
const SIZED = new Set(["nvarchar", "varchar", "nchar", "char", "varbinary", "binary"]);

/**
 * The SQL Server job client: the SQL job client in T-SQL. CREATE TABLE runs
 * after a catalog lookup and under an `OBJECT_ID` guard (there is no `IF NOT
 * EXISTS`); columns are added with `ALTER TABLE ... ADD a, b`; the catalog
 * is read from `INFORMATION_SCHEMA.COLUMNS` and matched case-insensitively
 * (as default collations match names); follow-ups use `#temp` tables made
 * by `SELECT ... INTO` (dropped at the end), `DELETE d FROM t AS d`, `TOP
 * (1)` and MERGE statements ended by `;`. UNIQUE hints become UNIQUE
 * constraints only with `createIndexes` (off by default, as in dlt: SQL
 * Server lets a UNIQUE column hold one NULL only). csv files load through
 * {@link MssqlCsvLoadJob}; insert_values files as INSERT statements of at most
 * 1000 rows.
 *
 * @example
 * const client = new MssqlJobClient(schema, sqlClient, { replaceStrategy: "insert-from-staging" });
 * await client.initializeStorage();
 */
export class MssqlJobClient extends SqlJobClientBase {
  private readonly csvLoadMethod: "bulk" | "insert";

  constructor(
    schema: Schema,
    override readonly sqlClient: MssqlSqlClient,
    options: MssqlJobClientOptions = {},
  ) {
    super(schema, sqlClient, new MssqlTypeMapper(sqlClient.capabilities), { ...options, createIndexes: options.createIndexes ?? false });
    this.csvLoadMethod = options.bulkLoad === false ? "insert" : "bulk";
  }

  protected override createFormatLoadJob(request: LoadJobRequest, format: string): LoadJob | undefined {
    if (format === "csv") return new MssqlCsvLoadJob(this, request, this.csvLoadMethod);
    return undefined;
  }

  /** CREATE TABLE guarded by OBJECT_ID: another loader may have created the table since the catalog was read. */
  protected override tableSql(client: SqlClient, table: TableSchema, existing: Map<string, ColumnSchema> | undefined, withIndexes: boolean): string[] {
    const statements = super.tableSql(client, table, existing, withIndexes);
    if (existing) return statements;
    const guard = `IF OBJECT_ID(${escapeMssqlLiteral(client.makeQualifiedTableName(table.name))}, N'U') IS NULL\n`;
    return statements.map((s) => (s.startsWith("CREATE TABLE ") ? `${guard}${s}` : s));
  }

  /** `ALTER TABLE t ADD a ..., b ...`: T-SQL has no `ADD COLUMN`. */
  protected override addColumnsSql(qualifiedName: string, defs: string[]): string[] {
    return [`ALTER TABLE ${qualifiedName} ADD\n  ${defs.join(",\n  ")}`];
  }

  protected override limitSql(select: string, limit: number): string {
    return select.replace(/^\s*SELECT\s/i, `SELECT TOP (${limit}) `);
  }

  protected override tempTableName(name: string): string {
    return `#${name}`;
  }

  protected override tempTableSql(name: string, select: string): string {
    return `SELECT * INTO ${name} FROM (${select}) AS _dlt_src`;
  }

  protected override deleteFromSql(table: string, alias: string): string {
    return `DELETE ${alias} FROM ${table} AS ${alias}`;
  }

  /** T-SQL requires MERGE to end with `;`. */
  protected override mergeStatement(client: SqlClient): ReturnType<typeof standardMergeStatement> {
    const standard = standardMergeStatement(client);
    return (...args) => `${standard(...args)};`;
  }

  /** The follow-up, then DROP TABLE for its `#temp` tables (they would live as long as the pooled connection). */
  protected override followupSql(ctx: FollowupSqlContext): string[] {
    const temps: string[] = [];
    const recording: FollowupSqlContext = {
      ...ctx,
      tempTableSql: (name, select) => {
        temps.push(name);
        return ctx.tempTableSql(name, select);
      },
    };
    const statements = super.followupSql(recording);
    return [...statements, ...temps.map((name) => `DROP TABLE IF EXISTS ${name}`)];
  }

  protected override async readStorageColumns(client: SqlClient, names: readonly string[]): Promise<StorageTables> {
    const caseSensitive = this.capabilities.hasCaseSensitiveIdentifiers;
    const result: StorageTables = identifierMap(caseSensitive);
    if (names.length === 0) return result;
    for (const [table, columns] of await readCatalogColumns(client, names)) {
      const mapped = identifierMap<ColumnSchema>(caseSensitive);
      for (const column of columns) {
        const precision = TEMPORAL.has(column.dataType) ? column.datetimePrecision : SIZED.has(column.dataType) ? column.maxLength : column.precision;
        const type = this.typeMapper.fromDestinationType(column.dataType, precision, column.scale);
        mapped.set(column.name, { name: column.name, nullable: column.nullable, ...type });
      }
      result.set(table, mapped);
    }
    return result;
  }
}
