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
   */
  pushUtf8(text: string, chars: number): number {
    // At most 3 bytes per code unit (a surrogate pair: 4 bytes for 2).
    this.reserve(chars * 3);
    this.nodeBuffer ??= Buffer.from(this.bytes.buffer, this.bytes.byteOffset, this.bytes.length);
    const written = this.nodeBuffer.write(text, this.length, "utf8");
    this.length += written;
    return written;
  }
}
