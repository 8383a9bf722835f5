import { Schema, type DestinationCapabilities } from "@dlt-ts/core";
import type { CaseRegistrar } from "../conformance-harness.js";
import { columnValue, selectAll } from "../read-back.js";

/** Names that break naive quoting, reserved words, and a name longer than the destination allows. */
function hostileRow(caps: DestinationCapabilities): Record<string, unknown> {
  return {
    '"; DROP TABLE victim; --': "drop",
    "quote'col": "it's",
    'dq"col': 'say "hi"',
    "back\\slash": "a\\b\\\\c",
    "emoji🎉col": "party 🎉",
    select: "reserved select",
    from: "reserved from",
    order: "reserved order",
    group: "reserved group",
    user: "reserved user",
    table: "reserved table",
    ["long_" + "x".repeat(caps.maxColumnIdentifierLength + 20)]: "long",
    percent: "%s %% $1 ? :name",
  };
}

/** Table and column names are always quoted and shortened to the destination's limits; never interpreted. */
export function hostileIdentifiersCases(t: CaseRegistrar, caps: DestinationCapabilities): void {
  t.test("snake-case", "hostile names under the default naming convention load and read back", async (scope) => {
    const p = scope.pipeline("hostile");
    const row = hostileRow(caps);
    const info = await p.run([row, { ...row, [Object.keys(row)[0]!]: "second" }], { tableName: "Nasty Table; --" });
    expect(info.hasFailedJobs).toBe(false);
    const client = await scope.sqlClient(p);
    const table = p.defaultSchema.dataTables().find((t) => t.name.startsWith("nasty"))!;
    expect(table).toBeDefined();
    expect(Buffer.byteLength(table.name)).toBeLessThanOrEqual(caps.maxIdentifierLength);
    for (const name of Object.keys(table.columns)) expect(Buffer.byteLength(name)).toBeLessThanOrEqual(caps.maxColumnIdentifierLength);
    const rows = await selectAll(client, table.name);
    expect(rows).toHaveLength(2);
    const values = new Set(rows.flatMap((r) => Object.entries(r).filter(([k]) => !k.toLowerCase().startsWith("_dlt_")).map(([, v]) => v)));
    for (const value of Object.values(row)) expect([...values]).toContain(value);
    expect(values.has("second")).toBe(true);
  });

  t.test("direct", "with the direct naming convention raw names are quoted, never interpreted", async (scope) => {
    const p = scope.pipeline("hostile_direct");
    const schema = new Schema("direct_names", { namingConvention: "direct" });
    const data = {
      '"; DROP TABLE victim; --': "drop",
      "quote'col": "it's",
      'dq"col': 'say "hi"',
      "back\\slash": "b",
      "Mixed Case": "mixed",
      "select": "reserved",
      "emoji🎉": "🎉",
    };
    const info = await p.run([data], { tableName: 'my "table"; --', schema });
    expect(info.hasFailedJobs).toBe(false);
    const client = await scope.sqlClient(p);
    const rows = await selectAll(client, 'my "table"; --');
    expect(rows).toHaveLength(1);
    for (const [column, value] of Object.entries(data)) expect([column, columnValue(rows[0]!, column, client)]).toEqual([column, value]);
  });
}
