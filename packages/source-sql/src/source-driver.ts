import type { ConnectionStringCredentials } from "@dlt-ts/core";
import { DuckdbConnection } from "./duckdb-connection.js";
import { MssqlConnection } from "./mssql-connection.js";
import { PostgresConnection } from "./postgres-connection.js";
import type { SourceConnection } from "./source-connection.js";
import { driverKind, type SqlDriverKind } from "./sql-database-configuration.js";

/**
 * Opens connections to one source database, the driver chosen by the URL
 * scheme of its credentials. Each driver's npm package is loaded on the
 * first open (they are optional peer dependencies).
 */
export interface SourceDriver {
  readonly kind: SqlDriverKind;
  /** The credentials as printed (password masked), for messages. */
  readonly where: string;
  open(): Promise<SourceConnection>;
}

/** The driver for `credentials`; see `driverKind` for the schemes. */
export function sourceDriver(credentials: ConnectionStringCredentials): SourceDriver {
  const kind = driverKind(credentials);
  const where = String(credentials);
  const open = (): Promise<SourceConnection> => {
    switch (kind) {
      case "postgres":
        return PostgresConnection.open(credentials);
      case "duckdb":
        return DuckdbConnection.open(credentials);
      case "mssql":
        return MssqlConnection.open(credentials);
    }
  };
  return { kind, where, open };
}

/** Runs `work` on a new connection and closes it, also when `work` fails. */
export async function withConnection<T>(driver: SourceDriver, work: (connection: SourceConnection) => Promise<T>): Promise<T> {
  const connection = await driver.open();
  try {
    return await work(connection);
  } finally {
    await connection.close();
  }
}
