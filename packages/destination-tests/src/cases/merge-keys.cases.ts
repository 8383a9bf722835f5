import type { DestinationCapabilities, JobClient } from "@dlt-ts/core";
import { DatabaseTerminalException, DatabaseTransientException, type Destination } from "@dlt-ts/core";
import type { CaseRegistrar } from "../conformance-harness.js";
import { withClientOverrides } from "../faulty-destination.js";
import { canonical, columnValue, countRows, readRows, selectAll } from "../read-back.js";

/** `n` root rows, each with one nested row. */
function withNested(n: number, offset = 0): { id: number; sub: { v: number }[] }[] {
  return Array.from({ length: n }, (_, i) => ({ id: offset + i, sub: [{ v: offset + i }] }));
}

/** Wraps a destination so that the first `failures` calls of `completeTableChain` for the chain of `root` throw `error`. */
function withFailingFollowup(destination: Destination, root: string, failures: number, error: () => Error): Destination {
  let left = failures;
  return withClientOverrides(destination, (client) => ({
    completeTableChain: async (...args: Parameters<NonNullable<JobClient["completeTableChain"]>>) => {
      if (args[1][0]?.name === root && left-- > 0) throw error();
      return client.completeTableChain?.(...args);
    },
  }));
}

/**
 * Merge, replace and keys as dlt has them: root keys across write
 * disposition changes, up-front validation of merge hints, failed follow-ups
 * that do not wedge the pipeline, deduplication of nested rows, replace
 * without data.
 */
export function mergeKeysCases(t: CaseRegistrar, caps: DestinationCapabilities): void {
  const hasUpsert = (): string | undefined => (caps.supportedMergeStrategies.includes("upsert") ? undefined : "no upsert merge strategy");

  t.test("followup-fails", "a failing merge follow-up fails the run with PipelineStepFailed naming table and step; the next run loads", async (scope) => {
    const failing = withFailingFollowup(scope.destination(scope.pipelineName("followup")), "items", 1, () => new DatabaseTerminalException("boom in merge"));
    const p = scope.pipeline("followup", { destination: failing });
    const options = { tableName: "items", writeDisposition: "merge" as const, primaryKey: "id" };
    const error = await p.run(withNested(3), options).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.name).toBe("PipelineStepFailed");
    expect(error?.message).toContain('merge of table chain "items"');
    expect(error?.message).toContain("boom in merge");
    expect(p.listPendingPackages().normalized).toEqual([]);
    await p.run(withNested(2, 10), options);
    const client = await scope.sqlClient(p);
    expect(await countRows(client, "items")).toBe(2);
    expect(await countRows(client, "items__sub")).toBe(2);
  });

  t.test("followup-pending", "a follow-up that keeps failing transiently leaves the package pending, says how to drop it, and the next run finishes it", async (scope) => {
    const name = scope.pipelineName("followup_pending");
    const failing = withFailingFollowup(scope.destination(name), "items", 5, () => new DatabaseTransientException("connection lost in merge"));
    const p = scope.pipeline("followup_pending", { destination: failing });
    const options = { tableName: "items", writeDisposition: "merge" as const, primaryKey: "id" };
    const backoff = `${name.toUpperCase()}__LOAD__RETRY_BACKOFF_MS`;
    process.env[backoff] = "1";
    try {
      const error = await p.run(withNested(3), options).then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(error?.name).toBe("PipelineStepFailed");
      expect(error?.message).toContain('merge of table chain "items"');
      expect(error?.message).toContain(`dlt-ts pipeline ${name} drop-pending-packages`);
      expect(p.listPendingPackages().normalized).toHaveLength(1);
      // The next run loads the pending package (its merge now succeeds); the data it was given is not extracted.
      await p.run(withNested(2, 10), options);
      expect(p.listPendingPackages().normalized).toEqual([]);
      const client = await scope.sqlClient(p);
      expect(await countRows(client, "items")).toBe(3);
      await p.run(withNested(2, 10), options);
      expect(await countRows(client, "items")).toBe(5);
      expect(await countRows(client, "items__sub")).toBe(5);
    } finally {
      delete process.env[backoff];
    }
  });

  t.test(
    "upsert-needs-primary-key",
    "upsert without a primary key is refused before anything is loaded",
    async (scope) => {
      const p = scope.pipeline("upsert_no_pk");
      await expect(p.run([{ id: 1 }], { tableName: "items", writeDisposition: { disposition: "merge", strategy: "upsert" } })).rejects.toThrow(
        /upsert.*primary key/i,
      );
      expect(p.listPendingPackages()).toEqual({ extracted: [], normalized: [] });
      await p.run([{ id: 1 }], { tableName: "items", writeDisposition: { disposition: "merge", strategy: "upsert" }, primaryKey: "id" });
      expect(await countRows(await scope.sqlClient(p), "items")).toBe(1);
    },
    hasUpsert,
  );

  t.test("root-key-kept", "a merge table loaded later with append or replace keeps its root key", async (scope) => {
    const p = scope.pipeline("root_key_kept");
    await p.run(withNested(3), { tableName: "items", writeDisposition: "merge", primaryKey: "id" });
    await p.run(withNested(2, 10), { tableName: "items", writeDisposition: "append" });
    const client = await scope.sqlClient(p);
    expect(await countRows(client, "items")).toBe(5);
    const nested = await selectAll(client, "items__sub");
    expect(nested.every((r) => columnValue(r, "_dlt_root_id", client) === columnValue(r, "_dlt_parent_id", client))).toBe(true);
    await p.run(withNested(2, 20), { tableName: "items", writeDisposition: "replace" });
    expect(await countRows(client, "items")).toBe(2);
    expect(await countRows(client, "items__sub")).toBe(2);
    // and merging again still works on the same chain
    await p.run(withNested(3, 20), { tableName: "items", writeDisposition: "merge", primaryKey: "id" });
    expect(await countRows(client, "items")).toBe(3);
    expect(await countRows(client, "items__sub")).toBe(3);
  });

  t.test("append-then-merge", "a nested table first loaded with append is refused as merge with a clear error, nothing loaded", async (scope) => {
    const p = scope.pipeline("append_then_merge");
    await p.run(withNested(3), { tableName: "items", writeDisposition: "append" });
    await expect(p.run(withNested(3), { tableName: "items", writeDisposition: "merge", primaryKey: "id" })).rejects.toThrow(/_dlt_root_id/);
    expect(p.listPendingPackages()).toEqual({ extracted: [], normalized: [] });
    const client = await scope.sqlClient(p);
    expect(await countRows(client, "items")).toBe(3);
    expect(await countRows(client, "items__sub")).toBe(3);
  });

  t.test("merge-key-null", "a NULL or missing merge key is a clear error, never a silent append", async (scope) => {
    const p = scope.pipeline("merge_key_null");
    const options = { tableName: "items", writeDisposition: "merge" as const, mergeKey: "day" };
    await p.run([{ day: 1, v: 1 }], options);
    await expect(p.run([{ day: null, v: 2 }], options)).rejects.toThrow(/merge key.*day/i);
    await expect(p.run([{ v: 3 }], options)).rejects.toThrow(/merge key.*day/i);
    expect(p.listPendingPackages()).toEqual({ extracted: [], normalized: [] });
    expect(await countRows(await scope.sqlClient(p), "items")).toBe(1);
  });

  t.test("key-change-replaces", "changing the primary key replaces the old hint instead of adding to it", async (scope) => {
    const p = scope.pipeline("key_change");
    await p.run([{ a: 1, b: 1 }], { tableName: "items", writeDisposition: "merge", primaryKey: "a" });
    await p.run([{ a: 2, b: 1 }], { tableName: "items", writeDisposition: "merge", primaryKey: "b" });
    const columns = p.defaultSchema.tables["items"]!.columns;
    expect(columns["a"]!.primaryKey ?? false).toBe(false);
    expect(columns["b"]!.primaryKey).toBe(true);
    expect(await countRows(await scope.sqlClient(p), "items")).toBe(1);
  });

  t.test("user-dlt-id", "a user-supplied _dlt_id of any type is kept", async (scope) => {
    const p = scope.pipeline("user_dlt_id");
    await p.run([{ _dlt_id: 12345, id: 1, sub: [{ v: 1 }] }], { tableName: "items" });
    const client = await scope.sqlClient(p);
    const [row] = await selectAll(client, "items");
    expect(String(columnValue(row!, "_dlt_id", client))).toBe("12345");
    const [child] = await selectAll(client, "items__sub");
    expect(String(columnValue(child!, "_dlt_parent_id", client))).toBe("12345");
  });

  t.test(
    "upsert-dlt-id",
    "the upsert _dlt_id is dlt's hash of the primary key",
    async (scope) => {
      const p = scope.pipeline("upsert_id");
      await p.run([{ id: 1, v: "a" }], { tableName: "items", writeDisposition: { disposition: "merge", strategy: "upsert" }, primaryKey: "id" });
      const client = await scope.sqlClient(p);
      const [row] = await selectAll(client, "items");
      // shake128(b'{"id":1}', 10 bytes), base64 without padding: what dlt computes for the same row.
      expect(columnValue(row!, "_dlt_id", client)).toBe(DLT_KEY_HASH_ID_1);
    },
    hasUpsert,
  );

  t.test("dedup-nested", "delete-insert deduplicates nested rows with their root rows, also when a root row comes twice with its _dlt_id", async (scope) => {
    const p = scope.pipeline("dedup_nested");
    const options = { tableName: "items", writeDisposition: "merge" as const, primaryKey: "id" };
    const item = { id: 1, sub: [{ v: 1 }, { v: 2 }] };
    await p.run([item, item], options);
    const client = await scope.sqlClient(p);
    expect(await countRows(client, "items")).toBe(1);
    expect(await countRows(client, "items__sub")).toBe(2);
    // The same root row id twice gives the same nested row ids twice in staging.
    const withId = { _dlt_id: "fixed_root_id", id: 2, sub: [{ v: 1 }, { v: 2 }] };
    await p.run([withId, withId], options);
    expect(await countRows(client, "items")).toBe(2);
    expect(await countRows(client, "items__sub")).toBe(4);
    await p.run([withId, withId], options);
    expect(await countRows(client, "items")).toBe(2);
    expect(await countRows(client, "items__sub")).toBe(4);
  });

  t.test("deduplicated", "merge with deduplicated: true skips the dedup step, as dlt (the user vouches for the data)", async (scope) => {
    const p = scope.pipeline("deduplicated");
    const options = {
      tableName: "items",
      writeDisposition: { disposition: "merge" as const, strategy: "delete-insert" as const, deduplicated: true },
      primaryKey: "id",
    };
    await p.run([{ id: 1, v: 1 }, { id: 1, v: 2 }], options);
    const client = await scope.sqlClient(p);
    expect(await countRows(client, "items")).toBe(2);
    expect(p.defaultSchema.tables["items"]!.stageDataDeduplicated).toBe(true);
    // Without the flag the next merge deduplicates again.
    await p.run([{ id: 1, v: 3 }, { id: 1, v: 4 }], { ...options, writeDisposition: "merge" });
    expect(await countRows(client, "items")).toBe(1);
  });

  t.test(
    "insert-only",
    "insert-only inserts records whose primary key is new and never updates the others; nested rows follow",
    async (scope) => {
      const p = scope.pipeline("insert_only");
      const options = { tableName: "items", writeDisposition: { disposition: "merge" as const, strategy: "insert-only" as const }, primaryKey: "id" };
      await p.run([{ id: 1, v: "first", sub: [{ n: 1 }] }], options);
      await p.run(
        [
          { id: 1, v: "changed", sub: [{ n: 1 }] },
          { id: 2, v: "new", sub: [{ n: 1 }, { n: 2 }] },
          { id: 2, v: "new again", sub: [{ n: 1 }, { n: 2 }] },
        ],
        options,
      );
      const client = await scope.sqlClient(p);
      const rows = await selectAll(client, "items");
      const byId = Object.fromEntries(rows.map((r) => [Number(columnValue(r, "id", client)), String(columnValue(r, "v", client))]));
      expect(Object.keys(byId).sort()).toEqual(["1", "2"]);
      expect(byId[1]).toBe("first");
      expect(["new", "new again"]).toContain(byId[2]);
      expect(await countRows(client, "items__sub")).toBe(3);
      // An unknown strategy for this destination, or insert-only without a primary key, fails before loading.
      await expect(p.run([{ id: 3 }], { tableName: "other", writeDisposition: { disposition: "merge", strategy: "insert-only" } })).rejects.toThrow(
        /insert-only.*primary key/,
      );
    },
    () => (caps.supportedMergeStrategies.includes("insert-only") ? undefined : "no insert-only merge strategy"),
  );

  const hasScd2 = (): string | undefined => (caps.supportedMergeStrategies.includes("scd2") ? undefined : "no scd2 merge strategy");

  t.test(
    "scd2",
    "scd2 keeps versions: changed and absent records retire, new versions are valid from the load, nested rows insert-only",
    async (scope) => {
      const p = scope.pipeline("scd2");
      const options = { tableName: "dim", writeDisposition: { disposition: "merge" as const, strategy: "scd2" as const } };
      const client = await scope.sqlClient(p);
      const active = async () =>
        (await readRows(client, "dim", { id: "bigint", v: "text", _dlt_valid_to: "timestamp" }))
          .filter((r) => r._dlt_valid_to === null)
          .map((r) => `${r.id}:${r.v}`)
          .sort();
      await p.run([{ id: 1, v: "a", tags: ["x"] }, { id: 2, v: "b", tags: ["y"] }], options);
      expect(await countRows(client, "dim")).toBe(2);
      expect(await active()).toEqual(["1:a", "2:b"]);
      // The same data again changes nothing.
      await p.run([{ id: 1, v: "a", tags: ["x"] }, { id: 2, v: "b", tags: ["y"] }], options);
      expect(await countRows(client, "dim")).toBe(2);
      expect(await countRows(client, "dim__tags")).toBe(2);
      // A changed record: the old version retires, the new one is active; its nested rows are new.
      await p.run([{ id: 1, v: "a", tags: ["x"] }, { id: 2, v: "B", tags: ["y", "z"] }], options);
      expect(await countRows(client, "dim")).toBe(3);
      expect(await active()).toEqual(["1:a", "2:B"]);
      expect(await countRows(client, "dim__tags")).toBe(4);
      const rows = await readRows(client, "dim", { v: "text", _dlt_valid_from: "timestamp", _dlt_valid_to: "timestamp" });
      const retired = rows.find((r) => r.v === "b")!;
      const current = rows.find((r) => r.v === "B")!;
      expect(retired._dlt_valid_to).toEqual(current._dlt_valid_from);
      // An absent record retires (no merge key: the load is the whole set).
      await p.run([{ id: 1, v: "a", tags: ["x"] }], options);
      expect(await active()).toEqual(["1:a"]);
      expect(await countRows(client, "dim")).toBe(3);
    },
    hasScd2,
  );

  t.test(
    "scd2-options",
    "scd2 with a merge key retires only keys in the load; validity column names, boundary and active-record timestamps are honoured",
    async (scope) => {
      const p = scope.pipeline("scd2_options");
      const writeDisposition = {
        disposition: "merge" as const,
        strategy: "scd2" as const,
        validityColumnNames: ["valid_from", "valid_to"] as [string, string],
        activeRecordTimestamp: "9999-12-31T00:00:00Z",
        boundaryTimestamp: "2024-01-01T00:00:00Z",
      };
      const options = { tableName: "dim", writeDisposition, mergeKey: "id" };
      await p.run([{ id: 1, v: "a" }, { id: 2, v: "b" }], options);
      await p.run([{ id: 2, v: "B" }], { ...options, writeDisposition: { ...writeDisposition, boundaryTimestamp: "2024-02-01T00:00:00Z" } });
      const client = await scope.sqlClient(p);
      const rows = await readRows(client, "dim", { v: "text", valid_from: "timestamp", valid_to: "timestamp" });
      const canon = (iso: string) => canonical("timestamp", iso);
      expect(rows).toEqual([
        { v: "B", valid_from: canon("2024-02-01T00:00:00Z"), valid_to: canon("9999-12-31T00:00:00Z") },
        { v: "a", valid_from: canon("2024-01-01T00:00:00Z"), valid_to: canon("9999-12-31T00:00:00Z") },
        { v: "b", valid_from: canon("2024-01-01T00:00:00Z"), valid_to: canon("2024-02-01T00:00:00Z") },
      ]);
    },
    hasScd2,
  );

  t.test(
    "scd2-row-version-column",
    "scd2 with rowVersionColumnName tells versions apart by the data's own hash column",
    async (scope) => {
      const p = scope.pipeline("scd2_row_version");
      const options = {
        tableName: "dim",
        writeDisposition: { disposition: "merge" as const, strategy: "scd2" as const, rowVersionColumnName: "row_hash" },
      };
      await p.run([{ id: 1, v: "a", row_hash: "h1" }], options);
      // Same hash, other values: the same version, nothing retires.
      await p.run([{ id: 1, v: "a-ignored", row_hash: "h1" }], options);
      const client = await scope.sqlClient(p);
      expect(await countRows(client, "dim")).toBe(1);
      await p.run([{ id: 1, v: "b", row_hash: "h2" }], options);
      const rows = await readRows(client, "dim", { row_hash: "text", _dlt_valid_to: "timestamp" });
      expect(rows.map((r) => [r.row_hash, r._dlt_valid_to === null])).toEqual([
        ["h1", false],
        ["h2", true],
      ]);
    },
    hasScd2,
  );

  t.test("hint-errors", "two hard_delete or dedup_sort columns, or a dedup_sort other than asc/desc, are clear errors", async (scope) => {
    const p = scope.pipeline("hint_errors");
    const base = { tableName: "items", writeDisposition: "merge" as const, primaryKey: "id" };
    await expect(
      p.run([{ id: 1, a: false, b: false }], { ...base, columns: { a: { hardDelete: true }, b: { hardDelete: true } } }),
    ).rejects.toThrow(/hard_delete/);
    await expect(p.run([{ id: 1, a: 1, b: 1 }], { ...base, columns: { a: { dedupSort: "asc" }, b: { dedupSort: "desc" } } })).rejects.toThrow(
      /dedup_sort/,
    );
    await expect(
      p.run([{ id: 1, a: 1 }], { ...base, columns: { a: { dedupSort: "up" as unknown as "asc" } } }),
    ).rejects.toThrow(/dedup_sort/);
    expect(p.listPendingPackages()).toEqual({ extracted: [], normalized: [] });
  });

  t.test("replace-no-data", "replace of a table with hinted columns and no data does not create the table", async (scope) => {
    const p = scope.pipeline("replace_no_data");
    await p.run([{ id: 1 }], { tableName: "other" });
    await p.run([], { tableName: "items", writeDisposition: "replace", columns: { id: { dataType: "bigint" } } });
    const client = await scope.sqlClient(p);
    await expect(countRows(client, "items")).rejects.toThrow();
  });
}

/** dlt's `_dlt_id` for a row whose primary key `id` is 1: base64(shake128(`{"id":1}`), 10 bytes). */
const DLT_KEY_HASH_ID_1 = "z5jIxXIbUnmbKw";
