import { config, configSpec, ConnectionStringCredentials } from "@dlt-ts/core";

/**
 * Credentials of a Postgres server, as a connection string
 * `postgresql://loader:pw@localhost:5432/dlt_data?sslmode=require&connect_timeout=15`
 * or field by field under `destination.postgres.credentials`
 * (`database`, `username`, `password`, `host`, `port`, `connect_timeout`, `sslmode`).
 * Printed forms mask the password.
 *
 * @example
 * const creds = new PostgresCredentials("postgresql://loader:pw@localhost/dlt_data");
 * String(creds); // "postgresql://loader:***@localhost:5432/dlt_data"
 */
@configSpec()
export class PostgresCredentials extends ConnectionStringCredentials {
  /** Default "postgresql". */
  @config({ type: String }) override drivername = "postgresql";
  /** Required. */
  @config({ type: String }) override database!: string;
  /** Required. */
  @config({ type: String }) override username!: string;
  /** Required. */
  @config({ type: String }) override host!: string;
  /** Default 5432. */
  @config({ type: Number }) override port = 5432;
  /** Seconds to wait for a connection. Default 15 (as dlt). Also read from the `connect_timeout` URL parameter. */
  @config({ type: Number }) connectTimeout = 15;
  /**
   * `disable`, `allow`, `prefer` (no TLS), `require` (TLS, certificate not
   * checked), `verify-ca` / `verify-full` (TLS, certificate checked).
   * Default: none (no TLS). Also read from the `sslmode` URL parameter.
   */
  @config({ type: String, optional: true }) sslmode?: string;

  /**
   * @param value a connection string or field values; none for an empty instance (the resolver fills it).
   *   Applied here, not by the base constructor, so the defaults above do not overwrite it.
   */
  constructor(value?: string | Partial<PostgresCredentials>) {
    super();
    this.applyInitValue(value, PostgresCredentials);
  }

  override parseNativeRepresentation(native: string): void {
    super.parseNativeRepresentation(native);
    const query = this.query ?? {};
    if (query.connect_timeout !== undefined) this.connectTimeout = Number(query.connect_timeout);
    if (query.sslmode !== undefined) this.sslmode = query.sslmode;
  }
}
