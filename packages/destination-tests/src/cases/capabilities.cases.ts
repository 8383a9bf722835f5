import { namingConvention, type DestinationCapabilities } from "@dlt-ts/core";
import type { CaseRegistrar } from "../conformance-harness.js";
import { columnValue } from "../read-back.js";

const FILE_FORMATS = ["jsonl", "csv", "insert_values", "parquet"];
const MERGE_STRATEGIES = ["delete-insert", "upsert", "insert-only", "scd2"];
const REPLACE_STRATEGIES = ["truncate-and-insert", "insert-from-staging", "staging-optimized"];

/** Capabilities are coherent, match what the destination promises, and its escaping works on the real database. */
export function capabilitiesCases(t: CaseRegistrar): void {
  t.test("coherent", "capabilities are complete and coherent", async (scope) => {
    const destination = scope.destination(scope.pipelineName("caps"));
    const caps = destination.capabilities();
    expect(typeof destination.destinationType).toBe("string");
    expect(destination.destinationType.length).toBeGreaterThan(0);
    expect(FILE_FORMATS).toContain(caps.preferredLoaderFileFormat);
    expect(caps.supportedLoaderFileFormats).toContain(caps.preferredLoaderFileFormat);
    for (const format of caps.supportedLoaderFileFormats) expect(FILE_FORMATS).toContain(format);
    expect(caps.supportedMergeStrategies.length).toBeGreaterThan(0);
    for (const s of caps.supportedMergeStrategies) expect(MERGE_STRATEGIES).toContain(s);
    expect(caps.supportedReplaceStrategies.length).toBeGreaterThan(0);
    for (const s of caps.supportedReplaceStrategies) expect(REPLACE_STRATEGIES).toContain(s);
    expect(caps.maxIdentifierLength).toBeGreaterThanOrEqual(16);
    expect(caps.maxColumnIdentifierLength).toBeGreaterThanOrEqual(16);
    expect(caps.maxQueryLength).toBeGreaterThan(1024);
    expect(caps.maxRowsPerInsert).toBeGreaterThanOrEqual(1);
    expect(caps.maxParallelLoadJobs).toBeGreaterThanOrEqual(1);
    expect(["parallel", "table-sequential", "sequential"]).toContain(caps.loaderParallelismStrategy);
    expect(caps.timestampPrecision).toBeGreaterThanOrEqual(0);
    expect(caps.timestampPrecision).toBeLessThanOrEqual(9);
    const [precision, scale] = caps.decimalPrecision;
    expect(precision).toBeGreaterThanOrEqual(scale);
    expect(caps.weiPrecision[0]).toBeGreaterThanOrEqual(caps.weiPrecision[1]);
    // The naming convention must exist, and case folding must be stable.
    expect(() => namingConvention(caps.namingConvention, caps.maxIdentifierLength)).not.toThrow();
    for (const name of ["events", "Mixed_Case", "_dlt_id"]) {
      const once = caps.casefoldIdentifier(name);
      expect(caps.casefoldIdentifier(once)).toBe(once);
    }
  });

  const expected = t.options.capabilities ?? {};
  t.test(
    "promised",
    `capabilities have the values the destination promises (${Object.keys(expected).join(", ") || "none given"})`,
    async (scope) => {
      const caps = scope.destination(scope.pipelineName("caps")).capabilities();
      for (const [key, value] of Object.entries(expected)) {
        expect([key, caps[key as keyof DestinationCapabilities]]).toEqual([key, value]);
      }
    },
    () => (Object.keys(expected).length === 0 ? "no expected capabilities were passed" : undefined),
  );

  t.test("escaping", "escapeLiteral and escapeIdentifier round-trip hostile text through the database", async (scope) => {
    const p = scope.pipeline("escaping");
    await p.run([{ id: 1 }], { tableName: "escape_probe" });
    const client = await scope.sqlClient(p);
    const caps = client.capabilities;
    const texts = ["it's", 'say "hi"', "back\\slash \\' \\\\", "semi; -- comment", "emoji 🎉 ünïcode", "%s %% $1 ? :name", "line1\nline2\r\n\ttab"];
    for (const text of texts) {
      const alias = caps.escapeIdentifier(caps.casefoldIdentifier("v"));
      const rows = await client.query(`SELECT ${caps.escapeLiteral(text)} AS ${alias} FROM ${client.makeQualifiedTableName("escape_probe")}`);
      expect(String(columnValue(rows[0]!, "v", client))).toBe(text);
    }
  });

  t.test("sql-client-capabilities", "the SQL client reports the destination's capabilities", async (scope) => {
    const p = scope.pipeline("client_caps");
    const client = await scope.sqlClient(p);
    const caps = scope.destination(p.pipelineName).capabilities();
    expect(client.capabilities.preferredLoaderFileFormat).toBe(caps.preferredLoaderFileFormat);
    expect(client.capabilities.maxIdentifierLength).toBe(caps.maxIdentifierLength);
    expect(client.capabilities.casefoldIdentifier("AbC")).toBe(caps.casefoldIdentifier("AbC"));
    expect(client.datasetName.toLowerCase()).toBe(scope.datasetName);
  });
}
