import { config, configSpec, ConnectionStringCredentials, NativeValueError } from "@dlt-ts/core";

/** `encrypt` as tedious takes it: TLS on (`true`), off (`false`) or TDS 8 (`"strict"`). */
export type MssqlEncrypt = boolean | "strict";

const TRUE = new Set(["true", "yes", "1", "on", "mandatory"]);
const FALSE = new Set(["false", "no", "0", "off", "optional"]);

function flag(value: string | boolean | undefined, key: string): boolean | undefined {
  if (value === undefined || typeof value === "boolean") return value;
  const lower = value.trim().toLowerCase();
  if (TRUE.has(lower)) return true;
  if (FALSE.has(lower)) return false;
  throw new NativeValueError(`${key} must be yes/no or true/false`);
}

/**
 * Credentials of a SQL Server, as a connection string
 * `mssql://loader:pw@host:1433/dlt_data?encrypt=yes&TrustServerCertificate=yes&connect_timeout=30`
 * or field by field under `destination.mssql.credentials` (`database`,
 * `username`, `password`, `host`, `port`, `connect_timeout`, `encrypt`,
 * `trust_server_certificate`). URL parameter names are case-insensitive, as
 * in dlt. Printed forms mask the password.
 *
 * @example
 * const creds = new MssqlCredentials("mssql://loader:pw@localhost/dlt_data?TrustServerCertificate=yes");
 * String(creds);        // "mssql://loader:***@localhost:1433/dlt_data?TrustServerCertificate=yes"
 * creds.encryptOption(); // true
 */
@configSpec()
export class MssqlCredentials extends ConnectionStringCredentials {
  /** Default "mssql". */
  @config({ type: String }) override drivername = "mssql";
  /** Required. */
  @config({ type: String }) override database!: string;
  /** Required (SQL Server login). */
  @config({ type: String }) override username!: string;
  /** Required. */
  @config({ type: String }) override host!: string;
  /** Default 1433. */
  @config({ type: Number }) override port = 1433;
  /** Seconds to wait for a connection. Default 30 (as dlt). Also read from the `connect_timeout` URL parameter. */
  @config({ type: Number }) connectTimeout = 30;
  /**
   * TLS: `yes`/`true` (default, as tedious), `no`/`false`, or `strict`
   * (TDS 8.0, always verified). Also read from the `encrypt` URL parameter.
   */
  @config({ type: String, optional: true }) encrypt?: string | boolean;
  /**
   * Accept the server's certificate without checking it (self-signed
   * development servers). Default no. Also read from the
   * `TrustServerCertificate` URL parameter.
   */
  @config({ type: String, optional: true }) trustServerCertificate?: string | boolean;

  /**
   * @param value a connection string or field values; none for an empty instance (the resolver fills it).
   *   Applied here, not by the base constructor, so the defaults above do not overwrite it.
   */
  constructor(value?: string | Partial<MssqlCredentials>) {
    super();
    this.applyInitValue(value, MssqlCredentials);
  }

  override parseNativeRepresentation(native: string): void {
    super.parseNativeRepresentation(native);
    const query = Object.fromEntries(Object.entries(this.query ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
    if (query.connect_timeout !== undefined) {
      const seconds = Number(query.connect_timeout);
      if (!Number.isFinite(seconds) || seconds < 0) throw new NativeValueError("connect_timeout must be a number of seconds");
      this.connectTimeout = seconds;
    }
    if (query.encrypt !== undefined) this.encrypt = query.encrypt;
    const trust = query.trustservercertificate ?? query.trust_server_certificate;
    if (trust !== undefined) this.trustServerCertificate = trust;
    // Fail on a bad value now, while the message can still say where it came from.
    this.encryptOption();
    this.trustServerCertificateOption();
  }

  /** `encrypt` for tedious. Default true. */
  encryptOption(): MssqlEncrypt {
    if (typeof this.encrypt === "string" && this.encrypt.trim().toLowerCase() === "strict") return "strict";
    return flag(this.encrypt, "encrypt") ?? true;
  }

  /** `trustServerCertificate` for tedious. Default false. */
  trustServerCertificateOption(): boolean {
    return flag(this.trustServerCertificate, "TrustServerCertificate") ?? false;
  }
}
