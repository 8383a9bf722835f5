import { config, configSpec, CredentialsConfiguration, NativeValueError } from "@dlt-ts/core";

/** Where the database lives: `:memory:` (in memory) and `:pipeline:` (the pipeline's working dir) are special. */
export const PIPELINE_DATABASE = ":pipeline:";

/**
 * Credentials of a DuckDB database: its file path. Given as a path
 * (`data/github.duckdb`, relative to the working directory), a
 * `duckdb:///relative/path.duckdb` or `duckdb:////absolute/path.duckdb` URL
 * (as dlt and duckdb-engine write them), `:memory:` (an in-memory database,
 * kept for the life of the destination object) or `:pipeline:`
 * (`<pipeline_name>.duckdb` in the pipeline's working dir). Unset means
 * `<pipeline_name>.duckdb` in the working directory, as dlt does.
 * No secrets: the printed form is the full location.
 *
 * @example
 * String(DuckdbCredentials.from("duckdb:///data/github.duckdb")); // "duckdb:///data/github.duckdb"
 */
@configSpec()
export class DuckdbCredentials extends CredentialsConfiguration {
  /** File path, `:memory:` or `:pipeline:`. Default: none (`<pipeline_name>.duckdb` in the working directory). */
  @config({ type: String, optional: true }) database?: string;

  /** @param value a path or `duckdb:///` URL, or field values; none for an empty instance (the resolver fills it) */
  constructor(value?: string | Partial<DuckdbCredentials>) {
    super();
    this.applyInitValue(value, DuckdbCredentials);
  }

  parseNativeRepresentation(native: string): void {
    if (typeof native !== "string" || native.trim() === "") {
      throw new NativeValueError("expected a database file path, duckdb:///path, :memory: or :pipeline:");
    }
    const text = native.trim();
    const url = /^duckdb:\/\/\/?(.*)$/i.exec(text);
    this.database = url ? decodeURIComponent(url[1]!.replace(/\?.*$/, "")) : text;
    if (this.database === "") throw new NativeValueError("the duckdb:/// URL names no database file");
  }

  toNativeRepresentation(): string {
    return this.database ?? "";
  }

  /** `duckdb:///<path>`: `duckdb:////tmp/x.duckdb` for an absolute path, as dlt prints it. */
  override toString(): string {
    return `duckdb:///${this.database ?? ""}`;
  }
}
