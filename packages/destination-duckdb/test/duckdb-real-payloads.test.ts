import { fixture, newPipeline, removeTempDirs } from "./duckdb-test-utils.js";

// Loads into a real DuckDB, which works on threads of its own: about a second a test when idle, many on a busy machine.
jest.setTimeout(60_000);

afterAll(removeTempDirs);

/**
 * The shared real payloads beyond GitHub's load whole: Ethereum blocks (hex
 * strings, integers beyond 64 bits, logs carrying both blockHash and
 * block_hash) and a chat-bot event (keys with spaces, nested lists).
 */
describe("real payloads into DuckDB", () => {
  it("loads Ethereum blocks with their transactions, logs and topics", async () => {
    const p = newPipeline("ethereum");
    const info = await p.run(fixture("ethereum-blocks"), { tableName: "blocks" });
    expect(info.hasFailedJobs).toBe(false);
    const client = await p.sqlClient();
    try {
      const [blocks] = await client.query<{ n: bigint; total: number }>("SELECT count(*) AS n, max(total_difficulty) AS total FROM blocks");
      expect(Number(blocks!.n)).toBe(2);
      expect(blocks!.total).toBeCloseTo(5.0719312123422817e22, -8);
      const [logs] = await client.query<{ n: bigint; linked: bigint }>(
        "SELECT count(*) AS n, count(t._dlt_id) AS linked FROM blocks__transactions__logs l LEFT JOIN blocks__transactions t ON l._dlt_parent_id = t._dlt_id",
      );
      expect(Number(logs!.n)).toBeGreaterThan(0);
      expect(logs!.linked).toBe(logs!.n);
      const [hashes] = await client.query<{ missing: bigint }>("SELECT count(*) AS missing FROM blocks__transactions__logs WHERE block_hash IS NULL");
      expect(Number(hashes!.missing)).toBe(0);
    } finally {
      await client.close();
    }
  });

  it("loads the chat-bot event with its nested lists", async () => {
    const p = newPipeline("chatbot");
    const info = await p.run(fixture("chatbot-events"), { tableName: "events" });
    expect(info.hasFailedJobs).toBe(false);
    const client = await p.sqlClient();
    try {
      const [row] = await client.query<{ balance: number }>("SELECT metadata__credit_card_balance__iron_bank__current_balance AS balance FROM events");
      expect(row!.balance).toBe(146.14);
      const [vendors] = await client.query<{ n: bigint }>("SELECT count(*) AS n FROM events__metadata__vendor_list");
      expect(Number(vendors!.n)).toBeGreaterThan(0);
    } finally {
      await client.close();
    }
  });
});
