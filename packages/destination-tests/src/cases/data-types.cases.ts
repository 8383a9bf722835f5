import type { DataType, DestinationCapabilities, LoaderFileFormat, SqlClient } from "@dlt-ts/core";
import type { CaseRegistrar } from "../conformance-harness.js";
import { canonical, readRows } from "../read-back.js";

/** The columns of the round-trip table and their dlt types. */
export const ROUND_TRIP_COLUMNS: Record<string, DataType> = {
  id: "bigint",
  col_text: "text",
  col_double: "double",
  col_bool: "bool",
  col_timestamp: "timestamp",
  col_date: "date",
  col_time: "time",
  col_bigint: "bigint",
  col_binary: "binary",
  col_json: "json",
  col_decimal: "decimal",
  col_wei: "wei",
};

/** A decimal with as many integer and fraction digits as the destination's default decimal holds (capped at 20 + 9). */
function decimalFor(caps: DestinationCapabilities): string {
  const [precision, scale] = caps.decimalPrecision;
  const fraction = "123456789".slice(0, Math.min(scale, 9));
  const whole = "98765432109876543210".slice(0, Math.max(1, Math.min(precision - scale, 20)));
  return fraction ? `${whole}.${fraction}` : whole;
}

/** The largest power of ten plus 7 that fits the wei type's integer digits: beyond int64, exact. */
function weiFor(caps: DestinationCapabilities): bigint {
  const [precision, scale] = caps.weiPrecision;
  return 10n ** BigInt(Math.max(precision - scale - 1, 19)) + 7n;
}

/**
 * Three rows: every type with a value, every type with another value at an
 * edge (empty text, false, zero, negative extremes), and every type null.
 */
export function roundTripRows(caps: DestinationCapabilities): Record<string, unknown>[] {
  return [
    {
      id: 1,
      col_text: "text ' \" \\ 🎉 ünïcode\nsecond line",
      col_double: 3.25,
      col_bool: true,
      col_timestamp: "2024-05-01T10:20:30.123Z",
      col_date: "2024-05-01",
      col_time: "10:20:30",
      col_bigint: 9223372036854775807n,
      col_binary: new Uint8Array([0, 1, 2, 39, 92, 255]),
      col_json: { a: 1, b: [1, "x", null, true], c: { "d'": 'e"f' } },
      col_decimal: decimalFor(caps),
      col_wei: weiFor(caps),
    },
    {
      id: 2,
      col_text: "",
      col_double: -0.5,
      col_bool: false,
      col_timestamp: "1999-12-31T23:59:59.000Z",
      col_date: "1970-01-01",
      col_time: "00:00:00",
      col_bigint: -9223372036854775808n,
      col_binary: new Uint8Array([255]),
      col_json: [1, 2, 3],
      col_decimal: "-0.5",
      col_wei: 0n,
    },
    {
      id: 3,
      col_text: null,
      col_double: null,
      col_bool: null,
      col_timestamp: null,
      col_date: null,
      col_time: null,
      col_bigint: null,
      col_binary: null,
      col_json: null,
      col_decimal: null,
      col_wei: null,
    },
  ];
}

/** The run() hints of the round-trip table: the types a value alone does not tell. */
export const ROUND_TRIP_HINTS = {
  tableName: "all_types",
  columns: {
    col_date: { dataType: "date" },
    col_time: { dataType: "time" },
    col_json: { dataType: "json" },
    col_decimal: { dataType: "decimal" },
    col_wei: { dataType: "wei" },
  },
} as const;

/** Checks the stored round-trip table against the rows loaded, value by value (the failure names row and column). */
export async function expectRoundTripStored(client: SqlClient, rows: Record<string, unknown>[]): Promise<void> {
  const stored = await readRows(client, "all_types", ROUND_TRIP_COLUMNS);
  const expected = rows.map((row) => Object.fromEntries(Object.entries(ROUND_TRIP_COLUMNS).map(([c, type]) => [c, canonical(type, row[c])])));
  for (let i = 0; i < expected.length; i++) {
    for (const column of Object.keys(ROUND_TRIP_COLUMNS)) {
      expect([`row ${i + 1}`, column, stored[i]?.[column]]).toEqual([`row ${i + 1}`, column, expected[i]![column]]);
    }
  }
}

/** Every dlt data type is stored and read back through `pipeline.sqlClient()` unchanged, with every file format. */
export function dataTypesCases(t: CaseRegistrar, caps: DestinationCapabilities): void {
  const formats = (t.options.fileFormats ?? caps.supportedLoaderFileFormats) as LoaderFileFormat[];
  for (const format of formats) {
    t.test(`round-trip-${format}`, `every data type round-trips (${format})`, async (scope) => {
      const p = scope.pipeline(`types_${format}`);
      const rows = roundTripRows(caps);
      const info = await p.run(rows, { ...ROUND_TRIP_HINTS, loaderFileFormat: format });
      expect(info.hasFailedJobs).toBe(false);
      const table = p.defaultSchema.tables.all_types!;
      for (const [column, dataType] of Object.entries(ROUND_TRIP_COLUMNS)) {
        expect([column, table.columns[column]?.dataType]).toEqual([column, dataType]);
      }
      await expectRoundTripStored(await scope.sqlClient(p), rows);
    });
  }
}
