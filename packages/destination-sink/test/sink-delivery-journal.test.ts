import "reflect-metadata";
import { mkdtempSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { destination, pipeline, type DataItem, type SinkBatch, type TableSchema } from "dlt-ts";
import { SINK_DELIVERY_JOURNAL, type OpenSinkDeliveryJournal, type SinkDeliveryJournal } from "@dlt-ts/destination-sink";

/*
 * A sink with a delivery journal (what a pipeline with a state store
 * provides): batch ids come from the content, delivered batches are
 * recorded, and batches the journal holds are not written again, whatever
 * package they are in.
 */

function tempDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), "dlt-ts-journal-"));
}

/** A journal in memory, shared by the runs of a test as a state store would be. */
class MemoryJournal implements SinkDeliveryJournal {
  readonly recorded: SinkBatch[] = [];
  epoch = "";
  closed = 0;

  async open(): Promise<OpenSinkDeliveryJournal> {
    const ids = new Set(this.recorded.map((b) => b.id));
    return {
      epoch: this.epoch,
      has: (id) => ids.has(id),
      record: async (batch) => {
        this.recorded.push(batch);
        ids.add(batch.id);
      },
      close: async () => {
        this.closed++;
      },
    };
  }
}

function run(journal: MemoryJournal, rows: DataItem[], written: Array<{ batch: SinkBatch; ids: number[] }>): Promise<unknown> {
  const sink = destination(
    async (items: DataItem[] | string, table: TableSchema, batch: SinkBatch) => {
      if (table.name === "items") written.push({ batch, ids: (items as DataItem[]).map((i) => i.id as number) });
    },
    { name: "journaled", batchSize: 2 },
  );
  // A fresh working dir each time: only the journal is kept.
  const p = pipeline({
    pipelineName: "journaled",
    pipelinesDir: tempDir(),
    projectDir: tempDir(),
    destination: sink,
    progress: "none",
    register: (c) => c.registerInstance(SINK_DELIVERY_JOURNAL, journal),
  });
  return p.run(rows, { tableName: "items" });
}

describe("a sink with a delivery journal", () => {
  const rows = [1, 2, 3, 4, 5].map((id) => ({ id, name: `n${id}` }));

  it("records every batch under an id made from its content, and a new package of the same rows sends none again", async () => {
    const journal = new MemoryJournal();
    const first: Array<{ batch: SinkBatch; ids: number[] }> = [];
    await run(journal, rows, first);
    expect(first.map((w) => w.ids)).toEqual([[1, 2], [3, 4], [5]]);
    expect(journal.recorded.map((b) => b.id)).toEqual(first.map((w) => w.batch.id));
    expect(first[0]!.batch.id).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(journal.closed).toBeGreaterThan(0);

    const again: Array<{ batch: SinkBatch; ids: number[] }> = [];
    await run(journal, rows, again);
    expect(again).toEqual([]);
  });

  it("sends a batch whose rows changed, and the same rows after a committed load (a new epoch) under new ids", async () => {
    const journal = new MemoryJournal();
    const first: Array<{ batch: SinkBatch; ids: number[] }> = [];
    await run(journal, rows, first);

    const changed: Array<{ batch: SinkBatch; ids: number[] }> = [];
    await run(journal, [...rows.slice(0, 4), { id: 5, name: "changed" }], changed);
    expect(changed.map((w) => w.ids)).toEqual([[5]]);
    expect(changed[0]!.batch.id).not.toBe(first[2]!.batch.id);

    journal.epoch = "1700000000.000001";
    const later: Array<{ batch: SinkBatch; ids: number[] }> = [];
    await run(journal, rows, later);
    expect(later.map((w) => w.ids)).toEqual([[1, 2], [3, 4], [5]]);
    expect(later[0]!.batch.id).not.toBe(first[0]!.batch.id);
  });
});
