import { readFileSync } from "node:fs";
import { Schema } from "@dlt-ts/core";
import * as path from "node:path";
import { InvalidMergeHints } from "../../src/stage/merge-table-checks";
import { NormalizeWorkerPool } from "../../src/worker/normalize-worker-pool";
import { filesUnder, normalizeFixture, type ExtractedFixture } from "./stage-test-helpers";

jest.setTimeout(60_000);

/** Items whose columns change between the first and the second half of a file: parts disagree unless merged in order. */
function evolvingItems(count: number): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, i) => {
    const late = i >= count / 2;
    return {
      id: i,
      // Numbers first; text in the second half goes to a variant column.
      code: late && i % 3 === 0 ? `c${i}` : i,
      // Integral numbers, then a fraction in the second half: the column widens to double.
      amount: late && i % 7 === 0 ? i + 0.5 : i,
      ...(late ? { extra: { flag: i % 2 === 0, note: i % 5 === 0 ? null : `n${i}` } } : {}),
      tags: i % 4 === 0 ? [] : [`t${i % 3}`, { k: i }],
      at: i % 2 === 0 ? "2024-01-02T03:04:05Z" : null,
      ...(i % 11 === 0 ? { sparse: late ? "text" : 1 } : {}),
    };
  });
}

describe("NormalizeStage with workers", () => {
  it("infers the schema one worker does (tables, column order, variants, widened types) and writes the same rows", async () => {
    const fixture: ExtractedFixture = { files: [{ table: "events", items: evolvingItems(600) }] };
    const single = await normalizeFixture(fixture, 1);
    for (const workers of [2, 3]) {
      const parallel = await normalizeFixture(fixture, workers);
      expect(JSON.stringify(parallel.tables)).toBe(JSON.stringify(single.tables));
      expect(JSON.stringify(parallel.updates)).toBe(JSON.stringify(single.updates));
      expect(parallel.rowCounts).toEqual(single.rowCounts);
      expect(parallel.rows).toEqual(single.rows);
      // Each part wrote its own files.
      expect(parallel.jobFiles.filter((f) => f.startsWith("events.")).length).toBeGreaterThan(1);
    }
    // The fixture does make parts disagree: a part that started from fewer columns was normalized again.
    expect((await normalizeFixture(fixture, 2)).partsRedone).toBeGreaterThan(0);
    expect(Object.keys(single.tables.events!.columns)).toEqual(expect.arrayContaining(["code__v_text", "extra__flag", "sparse__v_text"]));
    expect(single.tables.events!.columns.amount!.dataType).toBe("double");
  });

  it("merges the files of several tables in file order, with a schema already stored", async () => {
    const fixture: ExtractedFixture = {
      files: [
        { table: "users", items: evolvingItems(50) },
        { table: "orders", items: evolvingItems(80).map((item, i) => ({ ...item, user: { id: i % 7, name: `u${i}` } })) },
        { table: "users", items: evolvingItems(50).reverse() },
      ],
      hints: { orders: { columns: { id: { dataType: "text", nullable: false, primaryKey: true } } } },
    };
    // Stored before: users.amount is bigint at the destination, so fractions go to a variant instead of widening it.
    const stored = new Schema("fixture");
    stored.tables.users = { name: "users", writeDisposition: "append", columns: { amount: { name: "amount", dataType: "bigint", nullable: true } } };
    const options = { minPartBytes: 1 << 30, stored: stored.toStored() };
    const single = await normalizeFixture(fixture, 1, options);
    const parallel = await normalizeFixture(fixture, 4, options);
    expect(JSON.stringify(parallel.tables)).toBe(JSON.stringify(single.tables));
    expect(JSON.stringify(parallel.updates)).toBe(JSON.stringify(single.updates));
    expect(parallel.rows).toEqual(single.rows);
    expect(single.tables.orders!.columns.id!.dataType).toBe("text");
    expect(single.tables.users!.columns.amount!.dataType).toBe("bigint");
    expect(single.tables.users!.columns.amount__v_double!.dataType).toBe("double");
  });

  it("sends no part to a worker with one worker, nor for a package too small to split", async () => {
    const spawn = jest.spyOn(NormalizeWorkerPool.prototype, "run");
    try {
      const fixture: ExtractedFixture = { files: [{ table: "events", items: evolvingItems(100) }] };
      await normalizeFixture(fixture, 1);
      await normalizeFixture(fixture, 4, { minPartBytes: 1 << 30 });
      expect(spawn).not.toHaveBeenCalled();
      // The spy does see parts go to workers where there are some.
      await normalizeFixture(fixture, 2);
      expect(spawn).toHaveBeenCalled();
    } finally {
      spawn.mockRestore();
    }
  });

  it("normalizes insert_values in this thread when the destination escapes with its own functions", async () => {
    const spawn = jest.spyOn(NormalizeWorkerPool.prototype, "run");
    try {
      const fixture: ExtractedFixture = { files: [{ table: "events", items: evolvingItems(100) }] };
      const escapeLiteral = (value: unknown) => `'${String(value)}'`;
      await expect(
        normalizeFixture(fixture, 2, { capabilities: { preferredLoaderFileFormat: "insert_values", supportedLoaderFileFormats: ["insert_values"], escapeLiteral } }),
      ).resolves.toBeDefined();
      expect(spawn).not.toHaveBeenCalled();
    } finally {
      spawn.mockRestore();
    }
  });

  it("raises a worker's error as its own class, and publishes nothing", async () => {
    const fixture: ExtractedFixture = {
      files: [{ table: "events", items: evolvingItems(100) }],
      hints: { events: { writeDisposition: "merge", mergeStrategy: "upsert", columns: {} } },
    };
    let left: string[] = ["not inspected"];
    const error = await normalizeFixture(fixture, 2, { inspect: (root) => (left = filesUnder(root)) }).catch((e: unknown) => e);
    expect(left).toEqual([]);
    expect(error).toBeInstanceOf(InvalidMergeHints);
    expect((error as InvalidMergeHints).message).toBe(
      'Table "events" cannot be merged: the upsert merge strategy needs a primary key; give the resource a primaryKey. ' +
        "Nothing of this run was extracted or loaded; fix the resource's hints and run again.",
    );
    expect((error as InvalidMergeHints).table).toBe("events");
  });

  it("ships the worker entry in the package build (dist), which an installed package runs", () => {
    const tsconfig = JSON.parse(readFileSync(path.join(__dirname, "../../tsconfig.json"), "utf8")) as { include: string[] };
    expect(tsconfig.include).toContain("src");
    const pool = readFileSync(path.join(__dirname, "../../src/worker/normalize-worker-pool.ts"), "utf8");
    expect(pool).toContain('path.join(__dirname, "normalize-worker.js")');
  });
});
