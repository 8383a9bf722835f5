import { config } from "../config.decorator.js";
import { configSpec } from "../config-spec.decorator.js";
import { NativeValueError } from "../exceptions.js";
import { secret } from "../secret.decorator.js";
import { SECRET_MASK } from "../secret.js";
import { CredentialsConfiguration } from "./credentials-configuration.js";

const SHAPE = "expected driver://username:password@host:port/database?key=value";

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new NativeValueError(`bad percent-encoding; ${SHAPE}`);
  }
}

/**
 * Credentials given as a connection string (`postgresql://loader:pw@localhost:5432/dlt_data?sslmode=require`)
 * or field by field (`destination.postgres.credentials.password`, env
 * `DESTINATION__POSTGRES__CREDENTIALS__PASSWORD`). Destinations extend it to
 * add defaults and fields; only `drivername` is required here.
 *
 * Types are given explicitly in the decorators so the class works where no
 * `design:type` metadata exists (tsx/esbuild).
 *
 * The constructor takes the connection string (or field values), as dlt's
 * `ConnectionStringCredentials(connection_string)`; a string that is not a
 * connection string is a `NativeValueError`. A subclass that should take one
 * in `new` declares its own constructor calling `applyInitValue` (see
 * `PostgresCredentials`); without one, `new Sub(value)` is an error naming the
 * fix, and `Sub.from(value)` always works.
 *
 * @example
 * const c = new ConnectionStringCredentials("postgresql://loader:pw@localhost:5432/dlt_data");
 * String(c);   // "postgresql://loader:***@localhost:5432/dlt_data"
 * c.toUrl();   // "postgresql://loader:pw@localhost:5432/dlt_data"
 */
@configSpec()
export class ConnectionStringCredentials extends CredentialsConfiguration {
  /** URL scheme: `postgresql`, `mssql`, ... Required. */
  @config({ type: String }) drivername!: string;
  /** Database name (URL path). Default: none. */
  @config({ type: String, optional: true }) database?: string;
  /** Password; masked in every printed form. Default: none. */
  @secret({ type: String, optional: true }) password?: string;
  /** Default: none. */
  @config({ type: String, optional: true }) username?: string;
  /** Host name or IP (IPv6 without brackets). Default: none. */
  @config({ type: String, optional: true }) host?: string;
  /** Default: none (the driver's default). */
  @config({ type: Number, optional: true }) port?: number;
  /** URL query parameters (driver options). Default: none. */
  @config({ type: Object, optional: true }) query?: Record<string, string>;

  /** @param value a connection string or field values; none for an empty instance (the resolver fills it) */
  constructor(value?: string | Partial<ConnectionStringCredentials>) {
    super();
    this.applyInitValue(value, ConnectionStringCredentials);
  }

  /**
   * Parses `driver://user:pass@host:port/db?k=v`; user, password and database are URL-decoded.
   * Parts missing from the string leave the fields (and their defaults) alone.
   */
  parseNativeRepresentation(native: string): void {
    if (typeof native !== "string") throw new NativeValueError(`not a string; ${SHAPE}`);
    // `new URL` accepts "user:pw at host" (scheme "user"): insist on the driver:// form.
    if (!/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(native.trim())) throw new NativeValueError(`not a URL; ${SHAPE}`);
    let url: URL;
    try {
      url = new URL(native.trim());
    } catch {
      throw new NativeValueError(`not a URL; ${SHAPE}`);
    }
    const drivername = url.protocol.replace(/:$/, "");
    if (!drivername) throw new NativeValueError(`no driver name; ${SHAPE}`);
    this.drivername = drivername;
    if (url.username) this.username = decode(url.username);
    if (url.password) this.password = decode(url.password);
    if (url.hostname) this.host = url.hostname.replace(/^\[(.*)\]$/, "$1");
    if (url.port) this.port = Number(url.port);
    if (url.pathname.length > 1) this.database = decode(url.pathname.slice(1));
    if ([...url.searchParams.keys()].length > 0) this.query = Object.fromEntries(url.searchParams);
  }

  /** The connection string with the real password, for drivers. Never log it. */
  toUrl(): string {
    return this.buildUrl(false);
  }

  toNativeRepresentation(): string {
    return this.toUrl();
  }

  /** The connection string with the password masked: `postgresql://loader:***@localhost:5432/dlt_data`. */
  override toString(): string {
    return this.buildUrl(true);
  }

  private buildUrl(maskPassword: boolean): string {
    const password = this.password === undefined ? "" : `:${maskPassword ? SECRET_MASK : encodeURIComponent(this.password)}`;
    const auth = this.username === undefined && !password ? "" : `${encodeURIComponent(this.username ?? "")}${password}@`;
    const host = this.host === undefined ? "" : this.host.includes(":") ? `[${this.host}]` : this.host;
    const port = this.port === undefined ? "" : `:${this.port}`;
    const database = this.database === undefined ? "" : `/${this.database.split("/").map(encodeURIComponent).join("/")}`;
    const query = this.query && Object.keys(this.query).length ? `?${new URLSearchParams(this.query).toString()}` : "";
    return `${this.drivername}://${auth}${host}${port}${database}${query}`;
  }
}
