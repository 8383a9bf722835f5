import { sqlite } from "./sqlite-destination.js";

export { sqlite, SqliteDestination, type SqliteDestinationOptions } from "./sqlite-destination.js";
export { sqliteCapabilities, escapeSqliteIdentifier, escapeSqliteLiteral } from "./sqlite-capabilities.js";
export { SqliteCredentials } from "./sqlite-credentials.js";
export { SqliteClientConfiguration } from "./sqlite-configuration.js";
export { SqliteSqlClient, type SqliteDatabaseLike, type SqliteOpener, type SqliteSqlClientOptions, type SqliteValue } from "./sqlite-sql-client.js";
export { classifySqliteError } from "./sqlite-errors.js";
export { SqliteTypeMapper } from "./sqlite-type-mapper.js";
export { SqliteJobClient } from "./sqlite-job-client.js";
export { SqliteCsvLoadJob } from "./sqlite-csv-load-job.js";

export default sqlite;
