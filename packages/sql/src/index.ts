/*
 * @dlt-ts/sql: the kit a SQL destination is built from. A destination extends
 * the bases (factory, SQL client, type mapper, job client) and adds load jobs
 * for its file formats.
 */

// SQL client: connections, datasets, parameters, transactions
export { SqlClientBase, type SqlClientBaseOptions, type SqlConnection } from "./sql-client-base.js";

// Type mapper: dlt types <-> column types
export type { ColumnType, TypeMapper } from "./type-mapper.js";
export { TypeMapperBase } from "./type-mapper-base.js";

// Job client: DDL and migrations, load jobs, merge/replace through the staging dataset, state
export {
  SqlJobClientBase,
  type SqlJobClientOptions,
  type StorageColumnRow,
  type StorageTables,
} from "./sql-job-client.js";
export {
  standardMergeStatement,
  type FollowupSqlContext,
  type MergeDeleteConditions,
  type MergeStatement,
} from "./sql-followup-sql.js";

// Load jobs: one job file into one table, in a transaction with its completion marker
export { SqlLoadJobBase, InsertValuesLoadJob, type SqlLoadJobHost } from "./sql-load-job.js";
export { ReferenceLoadJob, type ReferenceLoadJobHost } from "./reference-load-job.js";
export { readInsertValuesStatements, type InsertValuesLimits } from "./insert-values-reader.js";

// The destination's factory and configure(), written once; or config resolution alone for a configure() of one's own
export { SqlDestinationBase, type SqlDestinationOptions } from "./sql-destination-base.js";
export { resolveSqlDestinationConfig } from "./sql-destination-config.js";
