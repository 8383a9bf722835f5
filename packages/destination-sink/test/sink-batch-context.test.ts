import "reflect-metadata";
import { mkdtempSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { destination, pipeline, PipelineStepFailed, secret, type DataItem, type SinkBatch, type TableSchema } from "dlt-ts";

/*
 * The batch context write() receives: its id is the same on every attempt
 * to deliver a batch, so a receiver that dedupes by it applies each batch once.
 */

function tempDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), "dlt-ts-batch-"));
}

describe("the batch context of write()", () => {
  afterEach(() => {
    delete process.env.LOAD__RAISE_ON_MAX_RETRIES;
    delete process.env.LOAD__RETRY_BACKOFF_MS;
    delete process.env.DESTINATION__KEYED__API_KEY;
  });

  it("a function sink gets it third; a batch resumed by the next run keeps its id", async () => {
    const attempts: SinkBatch[] = [];
    const applied = new Map<string, number[]>();
    let failOnce = true;
    const sink = destination(
      async (items: DataItem[] | string, table: TableSchema, batch: SinkBatch) => {
        if (table.name !== "items") return;
        attempts.push(batch);
        // The receiver's side effect happens, then the delivery fails: as a crash right after the side effect.
        applied.set(batch.id, (items as DataItem[]).map((i) => i.id as number));
        if (batch.index === 1 && failOnce) {
          failOnce = false;
          throw new Error("connection reset after the request was processed");
        }
      },
      { name: "idempotent", batchSize: 2 },
    );
    process.env.LOAD__RAISE_ON_MAX_RETRIES = "1";
    process.env.LOAD__RETRY_BACKOFF_MS = "1";
    const pipelinesDir = tempDir();
    const projectDir = tempDir();
    const make = () => pipeline({ pipelineName: "batch_ids", pipelinesDir, projectDir, destination: sink, progress: "none" });
    const warn = jest.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      await expect(make().run([1, 2, 3, 4, 5].map((id) => ({ id })), { tableName: "items" })).rejects.toBeInstanceOf(PipelineStepFailed);
      await make().run();
    } finally {
      warn.mockRestore();
    }
    expect(attempts.map((b) => b.index)).toEqual([0, 1, 1, 2]);
    expect(attempts[1]!.id).toBe(attempts[2]!.id);
    expect(attempts[0]!.id).toMatch(/^\d+\.\d{6}\.items\.[a-z0-9]+\.0$/);
    expect(attempts[0]!.jobId).toMatch(/^items\.[a-z0-9]+$/);
    // Deduped by id, the receiver holds each item once.
    expect([...applied.values()].flat().sort()).toEqual([1, 2, 3, 4, 5]);
  });

  it("a class gets it in the first write() parameter no @secret claims", async () => {
    const seen: [string, number][] = [];
    @destination({ name: "keyed", batchSize: 10 })
    class Keyed {
      async write(items: DataItem[] | string, table: TableSchema, @secret("api_key") apiKey: string, batch: SinkBatch) {
        if (table.name === "items") seen.push([apiKey, batch.index]);
      }
    }
    process.env.DESTINATION__KEYED__API_KEY = "k";
    await pipeline({ pipelineName: "keyed", pipelinesDir: tempDir(), projectDir: tempDir(), destination: Keyed, progress: "none" }).run([{ id: 1 }], {
      tableName: "items",
    });
    expect(seen).toEqual([["k", 0]]);
  });
});
