export * from "./type-mapper.js";
export * from "./type-mapper-base.js";
export * from "./sql-client-base.js";
export * from "./sql-job-client.js";
export * from "./sql-load-job.js";
export * from "./sql-followup-sql.js";
export * from "./insert-values-reader.js";
export * from "./sql-destination-config.js";
