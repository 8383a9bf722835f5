import { ByteWriter } from "hyparquet-writer";
import { deltaBinaryPack } from "hyparquet-writer/src/delta.js";
import { GrowableBytes } from "./growable-bytes.js";

/**
 * Characters joined into one string and encoded by one call. Measured on
 * 50-character strings: about 20 ns a value in batches of 1K to 64K
 * characters, 55 ns in one of 250K (a string that large costs more to
 * allocate), 65 ns one string at a time. (Binary values count their bytes.)
 */
const BATCH_CHARS = 1 << 15;

/**
 * A BYTE_ARRAY column's values in the pending row group, written as
 * DELTA_LENGTH_BYTE_ARRAY: all lengths (delta-binary-packed), then all bytes.
 *
 * Why: encoding short strings to UTF-8 one at a time cost 65–150 ns each
 * and was the writer's largest cost. Here strings wait until about
 * {@link BATCH_CHARS} characters came, then are joined and encoded by one
 * native call into the column's bytes; when a batch is all ASCII (bytes
 * written = characters) the lengths are the string lengths, with no pass
 * over the characters in JS. PLAIN would need a length before each value,
 * inside the bytes; this layout takes the bytes as they are encoded.
 *
 * Why encoded as they come rather than when the row group is written: a
 * row group of a wide table holds megabytes of text, and as JS strings it
 * lived long enough to be promoted to V8's old generation, which grew to
 * several times the text (the parquet normalizer of GitHub events peaked
 * at about 400 MB per thread, csv at 170 MB). Encoded in batches, the
 * strings die young and the text is held as bytes; the writer also has a
 * sparse column's few strings encoded every few hundred rows
 * ({@link encodePending}), as they would otherwise wait long for a batch.
 */
export class ByteArrayValues {
  count = 0;
  /** Values not yet encoded (the last batch). */
  private readonly pending: (string | Uint8Array)[] = [];
  private pendingChars = 0;
  /** Byte lengths of the encoded values, then of the pending ones once encoded. */
  private lengths = new Int32Array(64);
  private readonly bytes = new GrowableBytes(256);

  /** Bytes encoded so far plus characters (or bytes) waiting: about the bytes the values take. */
  get size(): number {
    return this.bytes.length + this.pendingChars;
  }

  push(value: string | Uint8Array): void {
    this.pending.push(value);
    this.count++;
    this.pendingChars += value.length;
    if (this.pendingChars >= BATCH_CHARS) this.encodePending();
  }

  /** Takes back the last value. */
  pop(): void {
    this.count--;
    if (this.pending.length > 0) {
      this.pendingChars -= this.pending.pop()!.length;
      return;
    }
    this.bytes.length -= this.lengths[this.count]!;
  }

  /**
   * The DELTA_LENGTH_BYTE_ARRAY encoding of the values, in its two parts:
   * the packed lengths, then the bytes (views, valid until {@link clear};
   * not joined, as that copied all the text of the chunk once more).
   */
  encoded(): [lengths: Uint8Array, bytes: Uint8Array] {
    this.encodePending();
    lengthWriter.index = 0;
    lengthWriter.offset = 0;
    deltaBinaryPack(lengthWriter, this.lengths.subarray(0, this.count), "INT32");
    return [new Uint8Array(lengthWriter.buffer, 0, lengthWriter.index), this.bytes.written()];
  }

  /** Empties the buffer for the next chunk (after {@link encoded}, which encoded the pending values). */
  clear(): void {
    this.count = 0;
    this.bytes.clear();
  }

  /** Encodes the pending values after the encoded ones: strings joined in one call, binary as it is. */
  encodePending(): void {
    const values = this.pending;
    if (values.length === 0) return;
    const first = this.count - values.length;
    if (this.lengths.length < this.count) {
      const grown = new Int32Array(Math.max(this.count, this.lengths.length * 2));
      grown.set(this.lengths.subarray(0, first));
      this.lengths = grown;
    }
    let joined = "";
    let batchStart = 0;
    for (let i = 0; i < values.length; i++) {
      const value = values[i]!;
      if (typeof value === "string") {
        this.lengths[first + i] = value.length;
        joined += value;
        continue;
      }
      if (joined.length > 0) this.encodeStrings(joined, first, batchStart, i);
      joined = "";
      batchStart = i + 1;
      this.lengths[first + i] = value.length;
      this.bytes.pushBytes(value);
    }
    if (joined.length > 0) this.encodeStrings(joined, first, batchStart, values.length);
    // Lets the strings go; the array is reused.
    values.length = 0;
    this.pendingChars = 0;
  }

  /**
   * Encodes `joined`, the pending strings `[start, end)`, whose lengths (at
   * `first + i`) are set to their character counts: their byte lengths if
   * the batch is all ASCII (any other character takes more bytes than
   * characters), else counted.
   */
  private encodeStrings(joined: string, first: number, start: number, end: number): void {
    const values = this.pending as string[];
    const lengths = this.lengths;
    const at = this.bytes.length;
    const written = this.bytes.pushUtf8(joined, joined.length);
    if (written === joined.length) return;
    let total = 0;
    for (let i = start; i < end; i++) total += lengths[first + i] = utf8Length(values[i]!);
    if (total === written) return;
    // A surrogate pair split between two values became one character when joined: encode one by one.
    this.bytes.length = at;
    for (let i = start; i < end; i++) lengths[first + i] = this.bytes.pushUtf8(values[i]!, values[i]!.length);
  }
}

/** Scratch shared by all columns, as one chunk is written at a time: packed lengths. */
const lengthWriter = new ByteWriter(1 << 16);

/**
 * Bytes of `text` in UTF-8, as Node encodes it: a lone surrogate becomes
 * U+FFFD (3 bytes), a surrogate pair one 4-byte character.
 */
export function utf8Length(text: string): number {
  let length = text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) continue;
    if (code < 0x800) {
      length += 1;
    } else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      // The pair: 2 characters, 4 bytes.
      length += 2;
      i++;
    } else {
      length += 2;
    }
  }
  return length;
}
