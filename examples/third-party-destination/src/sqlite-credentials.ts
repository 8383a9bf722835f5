import { config, configSpec, CredentialsConfiguration, NativeValueError } from "@dlt-ts/core";

/**
 * Credentials of a SQLite database: the path of its main file, given as a
 * path (`data/shop.sqlite`, relative to the working directory) or a
 * `sqlite:///relative/path` / `sqlite:////absolute/path` URL. Datasets are
 * files next to it (see SqliteSqlClient). SQLite has no secrets, so the
 * printed form is the full location; a server database would declare its
 * password with `@secret()` here.
 *
 * @example
 * String(SqliteCredentials.from("sqlite:///data/shop.sqlite")); // "sqlite:///data/shop.sqlite"
 */
@configSpec()
export class SqliteCredentials extends CredentialsConfiguration {
  /** Path of the main database file. Default: none (`<pipeline_name>.sqlite` in the working directory). */
  @config({ type: String, optional: true }) database?: string;

  /**
   * `new SqliteCredentials("sqlite:///data/shop.sqlite")` parses the value;
   * with no argument the resolver fills the instance.
   */
  constructor(value?: string | Partial<SqliteCredentials>) {
    super();
    this.applyInitValue(value, SqliteCredentials);
  }

  parseNativeRepresentation(native: string): void {
    if (typeof native !== "string" || native.trim() === "") throw new NativeValueError("expected a database file path or sqlite:///path");
    const text = native.trim();
    const url = /^sqlite:\/\/\/?(.*)$/i.exec(text);
    this.database = url ? decodeURIComponent(url[1]!.replace(/\?.*$/, "")) : text;
    if (this.database === "") throw new NativeValueError("the sqlite:/// URL names no database file");
    if (this.database === ":memory:") throw new NativeValueError("in-memory databases are not supported: datasets are attached database files");
  }

  toNativeRepresentation(): string {
    return this.database ?? "";
  }

  override toString(): string {
    return `sqlite:///${this.database ?? ""}`;
  }
}
