import "reflect-metadata";
import type { TableSchema } from "@dlt-ts/core";
import { destination, type SinkItem } from "@dlt-ts/destination-sink";
import { parquetWriteBuffer } from "hyparquet-writer";
import { schemaWith, table } from "../../loader/test/support/load-packages.js";
import { SinkWorld } from "./sink-run.js";

/** A parquet file of `n` rows `{ id: bigint, name, _dlt_id }` in row groups of `rowGroupSize`. */
function parquetRows(n: number, rowGroupSize: number): Uint8Array {
  const ids = Array.from({ length: n }, (_, i) => BigInt(i));
  return new Uint8Array(
    parquetWriteBuffer({
      columnData: [
        { name: "id", data: ids, type: "INT64" },
        { name: "name", data: ids.map((i) => `row ${i}`), type: "STRING" },
        { name: "_dlt_id", data: ids.map((i) => `dlt${i}`), type: "STRING" },
      ],
      rowGroupSize,
    }),
  );
}

describe("sink with parquet files", () => {
  const world = new SinkWorld();
  beforeEach(() => world.setUp());
  afterEach(() => world.tearDown());
  const schema = schemaWith("s", [table("items", ["id", "name", "_dlt_id"])]);

  it("asks the normalizer for parquet and reads rows back as objects, batch by batch across row groups", async () => {
    const batches: SinkItem[][] = [];
    const sink = destination(
      async (items: SinkItem[] | string, t: TableSchema) => {
        batches.push(items as SinkItem[]);
        expect(t.name).toBe("items");
      },
      { loaderFileFormat: "parquet", batchSize: 4, name: "pq" },
    );
    expect(sink.capabilities().preferredLoaderFileFormat).toBe("parquet");
    await world.load(sink, schema, { "items.a.0.parquet": parquetRows(10, 3) });
    expect(batches.map((b) => b.length)).toEqual([4, 4, 2]);
    expect(batches.flat()[9]).toEqual({ id: 9, name: "row 9" });
  });

  it("resumes after the items already delivered, also in the middle of a row group", async () => {
    const delivered: number[] = [];
    const sink = destination(
      async (items: SinkItem[] | string) => {
        delivered.push(...(items as SinkItem[]).map((i) => i["id"] as number));
      },
      { loaderFileFormat: "parquet", batchSize: 3, name: "pq" },
    );
    const loadId = "1";
    const { writePackage } = await import("../../loader/test/support/load-packages.js");
    await writePackage(world.storages.normalized, loadId, schema, { "items.a.0.parquet": parquetRows(11, 4) });
    await world.storages.normalized.startJob(loadId, "items.a.0.parquet");
    await world.storages.normalized.writeJobProgress(loadId, "items.a.0.parquet", { itemsDelivered: 5 });
    await world.loadPending(sink);
    expect(delivered).toEqual([5, 6, 7, 8, 9, 10]);
  });
});
