import { createWriteStream, type WriteStream } from "node:fs";
import { once } from "node:events";

/** Flush threshold: large writes keep syscalls few, small enough to keep memory flat. */
const FLUSH_BYTES = 1024 * 1024;

/** Appends lines to a file through an in-memory buffer, honouring stream backpressure. */
export class BufferedLineWriter {
  private readonly stream: WriteStream;
  private chunks: string[] = [];
  private bufferedChars = 0;
  lines = 0;

  constructor(readonly filePath: string) {
    this.stream = createWriteStream(filePath);
  }

  async writeLine(line: string): Promise<void> {
    this.chunks.push(line, "\n");
    this.bufferedChars += line.length + 1;
    this.lines++;
    if (this.bufferedChars >= FLUSH_BYTES) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.chunks.length === 0) return;
    const data = this.chunks.join("");
    this.chunks = [];
    this.bufferedChars = 0;
    if (!this.stream.write(data)) await once(this.stream, "drain");
  }

  async close(): Promise<void> {
    await this.flush();
    this.stream.end();
    await once(this.stream, "finish");
  }
}
