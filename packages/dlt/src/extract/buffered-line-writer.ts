import { createWriteStream } from "node:fs";
import { ChunkedOutput } from "@dlt-ts/normalizer";

/** Chunk size: large writes keep syscalls few, small enough to keep memory flat. */
const CHUNK_BYTES = 1024 * 1024;

/** Appends lines to a file through byte chunks, honouring stream backpressure. */
export class BufferedLineWriter {
  private readonly output: ChunkedOutput;

  constructor(readonly filePath: string) {
    this.output = new ChunkedOutput(createWriteStream(filePath), CHUNK_BYTES);
  }

  /** Returns a promise only when the caller has to wait (see ChunkedOutput.flushIfFull). */
  writeLine(line: string): Promise<void> | undefined {
    this.output.append(line);
    this.output.append("\n");
    return this.output.flushIfFull();
  }

  close(): Promise<void> {
    return this.output.end();
  }
}
