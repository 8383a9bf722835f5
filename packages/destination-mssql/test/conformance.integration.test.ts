import { describeDestinationConformance } from "@dlt-ts/destination-tests";
import { mssql } from "@dlt-ts/destination-mssql";

/*
 * The destination conformance kit against a real SQL Server at MSSQL_URL, e.g.
 *   MSSQL_URL='mssql://sa:Passw0rd!@localhost:1433/master?TrustServerCertificate=yes' npx jest packages/destination-mssql/test/conformance
 * Every test uses its own dataset (SQL schema) and drops it afterwards.
 */

const MSSQL_URL = process.env.MSSQL_URL;

if (MSSQL_URL) {
  describeDestinationConformance({
    name: "mssql",
    destination: () => mssql({ credentials: MSSQL_URL }),
    capabilities: { maxIdentifierLength: 128 },
    timeoutMs: 120_000,
  });
} else {
  const reason =
    "SQL Server conformance skipped: MSSQL_URL is not set. No SQL Server runs on this machine; set " +
    "MSSQL_URL=mssql://user:password@host:1433/database?TrustServerCertificate=yes to run the kit against one.";
  console.log(reason);
  describe("mssql destination conformance", () => {
    test.skip(reason, () => undefined);
  });
}
