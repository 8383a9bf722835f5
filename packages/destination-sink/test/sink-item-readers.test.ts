import { promises as fs } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { readJsonlBatches } from "../src/sink-item-readers.js";
import { ReadGate } from "../src/read-gate.js";

async function collect(gen: AsyncGenerator<Record<string, unknown>[]>): Promise<Record<string, unknown>[][]> {
  const out: Record<string, unknown>[][] = [];
  for await (const batch of gen) out.push(batch);
  return out;
}

describe("readJsonlBatches", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "dlt-ts-jsonl-"));
  });
  afterAll(() => fs.rm(dir, { recursive: true, force: true }));

  it("keeps lines that span read chunks whole, multi-byte characters included", async () => {
    const long = "ä€😀".repeat(300_000); // ~2.7 MB of 2-, 3- and 4-byte characters: spans several 1 MB chunks
    const file = path.join(dir, "long.jsonl");
    await fs.writeFile(file, [{ id: 0, text: long }, { id: 1, text: "short" }, { id: 2, text: long }].map((r) => JSON.stringify(r)).join("\r\n"));
    const batches = await collect(readJsonlBatches(file, 0, 2));
    expect(batches.map((b) => b.map((r) => r["id"]))).toEqual([[0, 1], [2]]);
    expect(batches[1]![0]!["text"]).toBe(long);
  });

  it("skips the items already delivered, also when the skip ends mid-batch", async () => {
    const file = path.join(dir, "ids.jsonl");
    await fs.writeFile(file, Array.from({ length: 10 }, (_, id) => JSON.stringify({ id })).join("\n") + "\n\n");
    const batches = await collect(readJsonlBatches(file, 7, 2));
    expect(batches).toEqual([[{ id: 7 }, { id: 8 }], [{ id: 9 }]]);
    expect(await collect(readJsonlBatches(file, 10, 2))).toEqual([]);
  });
});

describe("ReadGate", () => {
  it("lets at most `slots` tasks run at once, the rest in arrival order", async () => {
    const gate = new ReadGate(2);
    let running = 0;
    let max = 0;
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        gate.run(async () => {
          running += 1;
          max = Math.max(max, running);
          await new Promise((r) => setTimeout(r, 2));
          order.push(i);
          running -= 1;
        }),
      ),
    );
    expect(max).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it("frees the slot when a task throws", async () => {
    const gate = new ReadGate(1);
    await expect(gate.run(async () => Promise.reject(new Error("x")))).rejects.toThrow("x");
    await expect(gate.run(async () => 5)).resolves.toBe(5);
  });
});
