import pg from "pg";
import type { SqlClient } from "@dlt-ts/core";
import { describeDestinationConformance } from "@dlt-ts/destination-tests";
import { postgres } from "@dlt-ts/destination-postgres";
import { TEST_CREDENTIALS, TEST_URL, ensureTestDatabase } from "./pg-test-utils.js";

/** Terminates the backend running a long query of `client`: the driver reports a broken connection. */
async function killedQuery(client: SqlClient): Promise<unknown> {
  const marker = `conformance_${Date.now()}`;
  const running = client.query(`SELECT pg_sleep(20) AS ${marker}`);
  running.catch(() => undefined);
  const admin = new pg.Client({ ...TEST_CREDENTIALS, user: TEST_CREDENTIALS.username });
  await admin.connect();
  try {
    for (let i = 0; i < 200; i++) {
      const { rows } = await admin.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE query LIKE $1 AND pid <> pg_backend_pid()", [
        `%AS ${marker}%`,
      ]);
      if (rows.length > 0) {
        for (const row of rows) await admin.query("SELECT pg_terminate_backend($1)", [row.pid]);
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  } finally {
    await admin.end();
  }
  return running;
}

describeDestinationConformance({
  name: "postgres",
  destination: () => postgres({ credentials: TEST_URL, poolSize: 4 }),
  setup: ensureTestDatabase,
  capabilities: {
    preferredLoaderFileFormat: "csv",
    maxIdentifierLength: 63,
    supportsTransactions: true,
  },
  faults: { transient: killedQuery },
});
