import { createWriteStream, readFileSync } from "node:fs";
import * as path from "node:path";
import { Writable } from "node:stream";
import { ChunkedOutput } from "@dlt-ts/normalizer";
import { tempDir } from "./writer-test-helpers";

describe("ChunkedOutput", () => {
  const { dir, cleanup } = tempDir();
  afterAll(cleanup);

  it("writes multi-byte text across chunk boundaries, texts larger than a chunk, and raw bytes in order", async () => {
    const file = path.join(dir, "mixed.txt");
    const output = new ChunkedOutput(createWriteStream(file), 16);
    const parts = ["héllo ", "wörld ✓ ", "x".repeat(50), " 🚀🚀", "tail"];
    let expected = "";
    for (const part of parts) {
      output.append(part);
      expected += part;
      await output.flushIfFull();
    }
    await output.writeBytes(Buffer.from("|bytes|"));
    output.append("end");
    expected += "|bytes|end";
    // The count is exact UTF-8 bytes: file rotation by size relies on it.
    expect(output.bytesCount).toBe(Buffer.byteLength(expected));
    await output.end();
    expect(readFileSync(file, "utf8")).toBe(expected);
  });

  it("holds a bounded number of bytes when the stream is slow", async () => {
    let maxQueued = 0;
    const received: Buffer[] = [];
    const slow = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        received.push(chunk);
        setTimeout(callback, 1);
      },
    });
    const output = new ChunkedOutput(slow, 64 * 1024);
    const row = "r".repeat(1000);
    for (let i = 0; i < 20_000; i++) {
      output.append(row);
      await output.flushIfFull();
      maxQueued = Math.max(maxQueued, slow.writableLength);
    }
    await output.end();
    expect(Buffer.concat(received).length).toBe(20_000 * 1000);
    expect(maxQueued).toBeLessThan(8 * 1024 * 1024);
  });

  it("reports a stream error on the next call instead of crashing the process", async () => {
    const failing = new Writable({
      write(_chunk, _encoding, callback) {
        callback(new Error("disk full"));
      },
    });
    const output = new ChunkedOutput(failing, 8);
    output.append("more than eight bytes");
    await expect(
      (async () => {
        await output.flushIfFull();
        output.append("again, more than eight bytes");
        await output.flushIfFull();
      })(),
    ).rejects.toThrow("disk full");
  });
});
