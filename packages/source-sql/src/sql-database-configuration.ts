import { config, configSpec, ConnectionStringCredentials, registerSecret, resolveConfig, type ConfigProviders } from "@dlt-ts/core";
import { UnsupportedDriverException } from "./sql-source-exceptions.js";

/** Credentials of a source database: a connection string, field values, or a credentials object. */
export type SqlCredentialsInput = string | ConnectionStringCredentials | Partial<ConnectionStringCredentials>;

/** The databases this package reads. */
export type SqlDriverKind = "postgres" | "duckdb" | "mssql";

/**
 * Config of the SQL source, resolved under `sources.sql_database` as dlt
 * does: `credentials` as a connection string
 * (`SOURCES__SQL_DATABASE__CREDENTIALS="postgresql://loader:pw@host:5432/crm"`,
 * or `[sources.sql_database] credentials = "..."` in `.dlt/secrets.toml`) or
 * field by field (`sources.sql_database.credentials.drivername`, `.host`,
 * `.password`, ...). A connection string holds a password, so it is read
 * from env and secrets.toml only.
 *
 * @example
 * const cfg = await resolveConfig(SqlDatabaseConfiguration, { sections: ["sources", "sql_database"] });
 */
@configSpec()
export class SqlDatabaseConfiguration {
  /** Required: `sources.sql_database.credentials`. */
  @config({ type: ConnectionStringCredentials }) credentials!: ConnectionStringCredentials;
}

/** The config scope a pipeline gives a deferred source (its name and config providers). */
export interface SqlConfigScope {
  readonly pipelineName?: string;
  readonly providers?: ConfigProviders;
}

/** Where the source's config lives, as dlt's `sql_database` source. */
export const SQL_DATABASE_SECTIONS = ["sources", "sql_database"] as const;

/**
 * The credentials to read with: the explicit value when given (a
 * connection string, field values or an instance), else from config
 * (`sources.sql_database.credentials`) with the pipeline's providers
 * (its project dir's `.dlt/`) when a pipeline resolves the source, the
 * cwd's otherwise. Resolved once, before any connection; the password is
 * registered so every error message masks it.
 *
 * @throws ConfigFieldMissingException naming every key and provider tried
 */
export async function resolveSqlCredentials(
  credentials: SqlCredentialsInput | undefined,
  scope: SqlConfigScope = {},
): Promise<ConnectionStringCredentials> {
  const resolved = await resolveConfig(SqlDatabaseConfiguration, {
    sections: SQL_DATABASE_SECTIONS,
    ...(scope.pipelineName !== undefined ? { pipelineName: scope.pipelineName } : {}),
    ...(scope.providers ? { providers: scope.providers } : {}),
    ...(credentials !== undefined ? { explicit: { credentials: credentials as ConnectionStringCredentials } } : {}),
  });
  registerSecret(resolved.credentials.password);
  return resolved.credentials;
}

/**
 * The database a driver name (URL scheme) names: `postgresql`, `postgres`
 * and `postgresql+<driver>` (SQLAlchemy URLs as dlt users write them),
 * `duckdb`, `mssql`, `mssql+<driver>` and `sqlserver`.
 *
 * @throws UnsupportedDriverException for any other
 */
export function driverKind(credentials: ConnectionStringCredentials): SqlDriverKind {
  const name = credentials.drivername.toLowerCase();
  const base = name.split("+")[0];
  if (base === "postgresql" || base === "postgres") return "postgres";
  if (base === "duckdb") return "duckdb";
  if (base === "mssql" || base === "sqlserver") return "mssql";
  throw new UnsupportedDriverException(credentials.drivername, String(credentials));
}
