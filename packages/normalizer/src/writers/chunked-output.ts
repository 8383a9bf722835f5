import { once } from "node:events";
import type { Writable } from "node:stream";
import { finished } from "node:stream/promises";

/** Default size of the chunks handed to the stream: 64 KiB (see TOOLCHAIN: one write per row is ~3× slower). */
export const DEFAULT_CHUNK_BYTES = 64 * 1024;

/**
 * Gathers text (or bytes) and hands it to a Node writable stream in chunks of
 * at least `chunkBytes`, waiting for `drain` when the stream asks, so memory
 * stays at about one chunk whatever the row count.
 */
export class ChunkedOutput {
  private parts: string[] = [];
  private pendingChars = 0;
  private flushedBytes = 0;
  private streamError: Error | undefined;

  /**
   * @param stream where the chunks go; ended by {@link end}.
   * @param chunkBytes chunk size. Default {@link DEFAULT_CHUNK_BYTES}.
   */
  constructor(
    private readonly stream: Writable,
    private readonly chunkBytes = DEFAULT_CHUNK_BYTES,
  ) {
    // Keep the error for the next call: an unhandled 'error' event would crash the process.
    stream.on("error", (error: Error) => {
      this.streamError ??= error;
    });
  }

  /** Bytes handed to the stream plus characters still gathered (a lower bound of their bytes). */
  get bytesCount(): number {
    return this.flushedBytes + this.pendingChars;
  }

  /** Gathers text; call {@link flushIfFull} after a batch. */
  append(text: string): void {
    this.parts.push(text);
    this.pendingChars += text.length;
  }

  /** Writes the gathered text once it reaches the chunk size. */
  async flushIfFull(): Promise<void> {
    if (this.pendingChars >= this.chunkBytes) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.parts.length === 0) return;
    const chunk = Buffer.from(this.parts.join(""), "utf8");
    this.parts = [];
    this.pendingChars = 0;
    await this.writeBytes(chunk);
  }

  /** Writes bytes at once (after the gathered text), respecting backpressure. */
  async writeBytes(bytes: Uint8Array): Promise<void> {
    if (this.parts.length > 0) await this.flush();
    this.throwIfFailed();
    this.flushedBytes += bytes.byteLength;
    if (!this.stream.write(bytes)) await once(this.stream, "drain");
  }

  /** Flushes, ends the stream and waits until it is finished (and closed, for files). */
  async end(): Promise<void> {
    await this.flush();
    this.throwIfFailed();
    this.stream.end();
    await finished(this.stream);
  }

  /** Drops gathered data and destroys the stream (after a failure). */
  destroy(): void {
    this.parts = [];
    this.pendingChars = 0;
    this.stream.destroy();
  }

  private throwIfFailed(): void {
    if (this.streamError) throw this.streamError;
  }
}
