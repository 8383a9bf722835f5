/**
 * A byte buffer that grows by doubling and is reused from one row group to
 * the next, so encoding a column chunk allocates nothing once warm.
 */
export class GrowableBytes {
  bytes: Uint8Array;
  private view: DataView;
  /** A Buffer over `bytes`, made when a string is first written: its `write` encodes a whole string in one native call. */
  private nodeBuffer: Buffer | undefined;
  length = 0;

  constructor(capacity = 256) {
    this.bytes = new Uint8Array(capacity);
    this.view = new DataView(this.bytes.buffer);
  }

  /** The bytes written so far (a view, valid until the next write). */
  written(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }

  clear(): void {
    this.length = 0;
  }

  reserve(extra: number): void {
    const needed = this.length + extra;
    if (needed <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(needed, this.bytes.length * 2));
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
    this.view = new DataView(grown.buffer);
    this.nodeBuffer = undefined;
  }

  pushByte(value: number): void {
    this.reserve(1);
    this.bytes[this.length++] = value;
  }

  /** ULEB128, as the RLE / bit-packed hybrid headers are written. */
  pushVarInt(value: number): void {
    this.reserve(5);
    while (value > 0x7f) {
      this.bytes[this.length++] = (value & 0x7f) | 0x80;
      value >>>= 7;
    }
    this.bytes[this.length++] = value;
  }

  pushInt32(value: number): void {
    this.reserve(4);
    this.view.setInt32(this.length, value, true);
    this.length += 4;
  }

  pushBigInt64(value: bigint): void {
    this.reserve(8);
    this.view.setBigInt64(this.length, value, true);
    this.length += 8;
  }

  /** A safe integer as a little-endian two's complement INT64, without making a bigint of it. */
  pushSafeInt64(value: number): void {
    this.reserve(8);
    const high = Math.floor(value / 0x1_0000_0000);
    this.view.setUint32(this.length, value - high * 0x1_0000_0000, true);
    this.view.setInt32(this.length + 4, high, true);
    this.length += 8;
  }

  pushFloat64(value: number): void {
    this.reserve(8);
    this.view.setFloat64(this.length, value, true);
    this.length += 8;
  }

  pushBytes(value: Uint8Array): void {
    this.reserve(value.length);
    this.bytes.set(value, this.length);
    this.length += value.length;
  }

  /**
   * Appends `text` (`chars` UTF-16 code units) as UTF-8 and returns the
   * bytes written, which equal `chars` only if it is all ASCII.
   *
   * Room is made for ASCII, plus a character: buffers held by every text
   * column of an open file would otherwise be three times their text (the
   * most UTF-8 takes per code unit). Node writes whole characters only, so
   * text that did not fit stopped less than a character from the end: then
   * it is written again with room for its exact length.
   */
  pushUtf8(text: string, chars: number): number {
    this.reserve(chars + MAX_UTF8_CHARACTER);
    let written = this.nodeWrite(text);
    if (this.bytes.length - (this.length + written) < MAX_UTF8_CHARACTER) {
      this.reserve(Buffer.byteLength(text, "utf8"));
      written = this.nodeWrite(text);
    }
    this.length += written;
    return written;
  }

  private nodeWrite(text: string): number {
    this.nodeBuffer ??= Buffer.from(this.bytes.buffer, this.bytes.byteOffset, this.bytes.length);
    return this.nodeBuffer.write(text, this.length, "utf8");
  }
}

/** The most bytes one character takes in UTF-8. */
const MAX_UTF8_CHARACTER = 4;
