import { postgres } from "./postgres-destination.js";

export { postgres, PostgresDestination, type PostgresDestinationOptions } from "./postgres-destination.js";
export { postgresCapabilities, escapePostgresIdentifier, escapePostgresLiteral } from "./postgres-capabilities.js";
export { PostgresCredentials } from "./postgres-credentials.js";
export { PostgresClientConfiguration } from "./postgres-configuration.js";
export {
  PostgresSqlClient,
  createPostgresPool,
  type PgClientLike,
  type PgPoolLike,
  type PgResultLike,
  type PostgresConnectionParams,
  type PostgresSqlClientOptions,
} from "./postgres-sql-client.js";
export { classifyPostgresError, type PgErrorLike } from "./postgres-errors.js";
export { PostgresTypeMapper } from "./postgres-type-mapper.js";
export { PostgresJobClient } from "./postgres-job-client.js";
export { PostgresCsvCopyJob } from "./postgres-copy-job.js";
export { PostgresInsertValuesLoadJob } from "./postgres-insert-job.js";

export default postgres;
