import { once } from "node:events";
import type { Writable } from "node:stream";
import { finished } from "node:stream/promises";

/** Default size of the chunks handed to the stream: 64 KiB (see TOOLCHAIN: one write per row is ~3× slower). */
export const DEFAULT_CHUNK_BYTES = 64 * 1024;

/**
 * Bytes the stream may hold before writers wait for it: the disk works while
 * the next chunks are rendered, and memory stays bounded.
 */
const MAX_QUEUED_BYTES = 4 * 1024 * 1024;

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** UTF-8 takes at most 3 bytes per UTF-16 code unit, and 4 per character. */
const MAX_UTF8_BYTES_PER_UNIT = 3;
const MAX_UTF8_BYTES_PER_CHAR = 4;

/**
 * Gathers text (or bytes) and hands it to a Node writable stream in chunks of
 * about `chunkBytes`. Text is encoded once, straight into the chunk (no
 * joined string, no second copy). Chunks go out without waiting for the disk
 * until the stream holds {@link MAX_QUEUED_BYTES}, so memory stays at a few
 * chunks whatever the row count.
 */
export class ChunkedOutput {
  private chunk: Buffer;
  private used = 0;
  /** Filled chunks (and oversized texts) waiting for {@link flushIfFull}. */
  private ready: Buffer[] = [];
  private readyBytes = 0;
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
    this.chunk = Buffer.allocUnsafe(chunkBytes);
    // Keep the error for the next call: an unhandled 'error' event would crash the process.
    stream.on("error", (error: Error) => {
      this.streamError ??= error;
    });
  }

  /** Bytes handed to the stream or gathered so far. */
  get bytesCount(): number {
    return this.flushedBytes + this.readyBytes + this.used;
  }

  /** Gathers text; call {@link flushIfFull} after a batch. */
  append(text: string): void {
    const room = this.chunk.length - this.used;
    if (text.length * MAX_UTF8_BYTES_PER_UNIT <= room) {
      this.used += this.chunk.write(text, this.used, "utf8");
      return;
    }
    // Near the end of the chunk: write optimistically. Buffer#write stops at the
    // last whole character that fits, so it wrote everything unless it came
    // within one character of the end; only then is the exact size worth a pass.
    const written = this.chunk.write(text, this.used, "utf8");
    if (this.used + written <= this.chunk.length - MAX_UTF8_BYTES_PER_CHAR || written === Buffer.byteLength(text, "utf8")) {
      this.used += written;
      return;
    }
    // It did not fit: the partial bytes past `used` are dropped with the rest of the chunk.
    this.sealChunk();
    if (text.length * MAX_UTF8_BYTES_PER_UNIT <= this.chunk.length) this.used = this.chunk.write(text, 0, "utf8");
    else this.queue(Buffer.from(text, "utf8"));
  }

  /**
   * Hands the gathered chunks to the stream once a chunk is full. Returns
   * undefined when there is nothing to wait for, so callers writing item by
   * item skip an await (and its promise) per item.
   */
  flushIfFull(): Promise<void> | undefined {
    return this.ready.length > 0 ? this.drainReady() : undefined;
  }

  async flush(): Promise<void> {
    this.sealChunk();
    await this.drainReady();
  }

  /** Writes bytes at once (after the gathered text), respecting backpressure. */
  async writeBytes(bytes: Uint8Array): Promise<void> {
    this.sealChunk();
    this.queue(bytes);
    await this.drainReady();
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
    this.ready = [];
    this.readyBytes = 0;
    this.used = 0;
    this.stream.destroy();
  }

  /** Moves the current chunk's bytes to the ready list and starts a fresh chunk. */
  private sealChunk(): void {
    if (this.used === 0) return;
    this.queue(this.chunk.subarray(0, this.used));
    // A new buffer, not a reuse: the stream may still hold the old one.
    this.chunk = Buffer.allocUnsafe(this.chunkBytes);
    this.used = 0;
  }

  private queue(bytes: Uint8Array): void {
    this.ready.push(bytes as Buffer);
    this.readyBytes += bytes.byteLength;
  }

  private async drainReady(): Promise<void> {
    this.throwIfFailed();
    const chunks = this.ready;
    this.ready = [];
    this.readyBytes = 0;
    for (const bytes of chunks) {
      this.flushedBytes += bytes.byteLength;
      this.stream.write(bytes);
    }
    if (this.stream.writableLength > MAX_QUEUED_BYTES) await once(this.stream, "drain");
    // Let the event loop run the stream's write callbacks now, so the disk writes while the next chunk is rendered.
    else await yieldToEventLoop();
    this.throwIfFailed();
  }

  private throwIfFailed(): void {
    if (this.streamError) throw this.streamError;
  }
}
