const utf8 = new TextEncoder();

/**
 * A byte buffer that grows by doubling and is reused from one row group to
 * the next, so encoding a column chunk allocates nothing once warm.
 */
export class GrowableBytes {
  bytes: Uint8Array;
  private view: DataView;
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

  /** A PLAIN BYTE_ARRAY: 4-byte little-endian length, then the bytes. */
  pushLengthPrefixed(value: Uint8Array): void {
    this.reserve(4 + value.length);
    this.view.setUint32(this.length, value.length, true);
    this.bytes.set(value, this.length + 4);
    this.length += 4 + value.length;
  }

  /**
   * A string as a PLAIN BYTE_ARRAY of its UTF-8, encoded straight into the
   * buffer: no Uint8Array per value. Short ASCII strings (most of an API's
   * text) are copied by hand, which beats `encodeInto` and its views.
   */
  pushLengthPrefixedUtf8(value: string): void {
    const chars = value.length;
    this.reserve(4 + chars * 3);
    const bytes = this.bytes;
    const start = this.length + 4;
    let ascii = chars <= 64;
    if (ascii) {
      for (let i = 0; i < chars; i++) {
        const code = value.charCodeAt(i);
        if (code > 0x7f) {
          ascii = false;
          break;
        }
        bytes[start + i] = code;
      }
    }
    const written = ascii ? chars : utf8.encodeInto(value, bytes.subarray(start)).written;
    this.view.setUint32(this.length, written, true);
    this.length = start + written;
  }
}
