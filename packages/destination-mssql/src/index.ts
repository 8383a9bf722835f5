import { mssql } from "./mssql-destination.js";

export { mssql, MssqlDestination, type MssqlDestinationOptions } from "./mssql-destination.js";
export {
  mssqlCapabilities,
  escapeMssqlIdentifier,
  escapeMssqlLiteral,
  MSSQL_MAX_ROWS_PER_INSERT,
  MSSQL_MAX_PARAMETERS,
  MSSQL_MAX_TIMESTAMP_PRECISION,
  type MssqlCapabilitiesOptions,
} from "./mssql-capabilities.js";
export { MssqlCredentials, type MssqlEncrypt } from "./mssql-credentials.js";
export { MssqlClientConfiguration } from "./mssql-configuration.js";
export {
  MssqlSqlClient,
  MssqlConnection,
  MSSQL_MAX_REQUEST_PARAMETERS,
  MSSQL_SESSION_SQL,
  parameterBatchSize,
  insertStatement,
  type MssqlSqlClientOptions,
} from "./mssql-sql-client.js";
export {
  createMssqlPool,
  loadTedious,
  type MssqlConnectionParams,
  type MssqlPoolFactory,
  type MssqlPoolLike,
  type TediousBulkLoadLike,
  type TediousBulkLoadOptions,
  type TediousCallback,
  type TediousColumnValueLike,
  type TediousConnectionLike,
  type TediousDataTypeLike,
  type TediousModuleLike,
  type TediousRequestLike,
  type TediousTypeOptions,
} from "./mssql-driver.js";
export { classifyMssqlError, MSSQL_TRANSIENT_NUMBERS, MSSQL_UNDEFINED_RELATION_NUMBERS, type MssqlErrorLike } from "./mssql-errors.js";
export { MssqlTypeMapper, MSSQL_UNIQUE_TEXT_LENGTH } from "./mssql-type-mapper.js";
export { MssqlJobClient, type MssqlJobClientOptions } from "./mssql-job-client.js";
export { MssqlCsvLoadJob, convertRecords, type MssqlCsvLoadMethod } from "./mssql-csv-load-job.js";
export { readCsvRecords, MalformedCsvException } from "./mssql-csv-reader.js";
export { columnWriterFor, MssqlValueConversionException, type MssqlCatalogColumn, type MssqlColumnWriter } from "./mssql-bulk-columns.js";
export { ExactDecimal, UtcDate, parseTimestamp, parseTime, scaleDecimal, toTediousParameter, type TypedParameter } from "./mssql-values.js";

export default mssql;
