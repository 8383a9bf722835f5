import { DltException } from "@dlt-ts/core";

/** Base of the errors `sqlTable()` and `sqlDatabase()` raise on purpose. */
export class SqlSourceException extends DltException {}

/** The connection string names a database this package cannot read. */
export class UnsupportedDriverException extends SqlSourceException {
  constructor(
    readonly drivername: string,
    /** The credentials as printed (password masked). */
    where: string,
  ) {
    super(
      `No SQL source driver for "${drivername}" (credentials ${where}). ` +
        "Supported: postgresql:// (also postgres://, postgresql+<driver>://), duckdb:///<path> " +
        "(duckdb:////<absolute path>) and mssql:// (also mssql+<driver>://, sqlserver://).",
    );
  }
}

/** The npm package of a database driver (an optional peer dependency) is not installed. */
export class DriverNotInstalledException extends SqlSourceException {
  constructor(database: string, packages: readonly string[], cause: unknown) {
    super(`Reading ${database} needs the npm package${packages.length > 1 ? "s" : ""} ${packages.join(" and ")}: npm install ${packages.join(" ")}`, {
      cause,
    });
  }
}

/** The table is not in the database (dlt: `NoSuchTableError`). */
export class TableNotFoundException extends SqlSourceException {
  constructor(
    readonly schema: string,
    readonly table: string,
    /** The credentials as printed (password masked). */
    where: string,
    /** Tables that are in the schema, to spot a typo. */
    available: readonly string[],
  ) {
    const shown = available.slice(0, 20).map((t) => `"${t}"`);
    const listed = available.length === 0 ? `schema "${schema}" has no tables` : `tables in "${schema}": ${shown.join(", ")}${available.length > 20 ? ", …" : ""}`;
    super(`Table "${schema}"."${table}" not found in ${where} (${listed})`);
  }
}

/** The incremental's cursor cannot be pushed into SQL: not a plain column name, or not a column of the table. */
export class CursorColumnException extends SqlSourceException {
  constructor(table: string, cursorPath: string, reason: string) {
    super(`Incremental cursor "${cursorPath}" of table "${table}": ${reason}`);
  }
}

/** An option of `sqlTable()` / `sqlDatabase()` has a value it cannot take. */
export class SqlSourceOptionsException extends SqlSourceException {}
