import { duckdb } from "./duckdb-destination.js";

export { duckdb, DuckdbDestination, type DuckdbDestinationOptions } from "./duckdb-destination.js";
export { duckdbCapabilities, escapeDuckdbIdentifier, escapeDuckdbLiteral } from "./duckdb-capabilities.js";
export { DuckdbCredentials } from "./duckdb-credentials.js";
export { DuckdbClientConfiguration, DEFAULT_BLOCK_SIZE, DEFAULT_ROW_GROUP_SIZE, defaultDuckdbMemoryLimit } from "./duckdb-configuration.js";
export { DuckdbDatabase, type DuckdbInstanceLike, type DuckdbOpenOptions } from "./duckdb-database.js";
export { AdaptiveMemoryLimit, type MemoryLimitRaise } from "./duckdb-memory-limit.js";
export { DuckdbSqlClient, type DuckdbSqlClientOptions } from "./duckdb-sql-client.js";
export { classifyDuckdbError } from "./duckdb-errors.js";
export { DuckdbTypeMapper } from "./duckdb-type-mapper.js";
export { DuckdbJobClient } from "./duckdb-job-client.js";
export { DuckdbFileLoadJob } from "./duckdb-file-load-job.js";

export default duckdb;
