import { ByteWriter } from "hyparquet-writer";
import { deltaBinaryPack } from "hyparquet-writer/src/delta.js";
import { GrowableBytes } from "./growable-bytes.js";

/**
 * Characters joined into one string and encoded by one call. Measured on
 * 50-character strings: about 20 ns a value in batches of 1K to 64K
 * characters, 55 ns in one of 250K (a string that large costs more to
 * allocate), 65 ns one string at a time.
 */
const BATCH_CHARS = 1 << 15;

/**
 * A BYTE_ARRAY column's values in the pending row group, kept as they came
 * (JS strings; bytes for binary columns) and written as
 * DELTA_LENGTH_BYTE_ARRAY: all lengths (delta-binary-packed), then all bytes.
 *
 * Why: encoding short strings to UTF-8 one at a time cost 65–150 ns each
 * and was the writer's largest cost. Here the strings are joined in
 * batches, each encoded by one native call; when a batch is all ASCII
 * (bytes written = characters) the lengths are the string lengths, with no
 * pass over the characters in JS. PLAIN would need a length before each
 * value, inside the bytes; this layout takes the bytes as they are encoded.
 *
 * Holding the strings until the chunk is written measured faster (on the
 * GitHub events workload, same run) than encoding each column's strings
 * every few kilobytes into a buffer of its own.
 */
export class ByteArrayValues {
  count = 0;
  private readonly values: (string | Uint8Array)[] = [];

  push(value: string | Uint8Array): void {
    this.values[this.count++] = value;
  }

  /** Takes back the last value. */
  pop(): void {
    this.count--;
    this.values.pop();
  }

  /** Appends the DELTA_LENGTH_BYTE_ARRAY encoding of the values to `out` and empties the buffer. */
  writeTo(out: GrowableBytes): void {
    if (lengths.length < this.count) lengths = new Int32Array(Math.max(this.count, lengths.length * 2));
    bytes.clear();
    const values = this.values;
    let joined = "";
    let batchStart = 0;
    for (let i = 0; i < this.count; i++) {
      const value = values[i]!;
      if (typeof value === "string") {
        lengths[i] = value.length;
        joined += value;
        if (joined.length < BATCH_CHARS) continue;
        encodeStrings(joined, values, batchStart, i + 1);
      } else {
        if (joined.length > 0) encodeStrings(joined, values, batchStart, i);
        lengths[i] = value.length;
        bytes.pushBytes(value);
      }
      joined = "";
      batchStart = i + 1;
    }
    if (joined.length > 0) encodeStrings(joined, values, batchStart, this.count);
    lengthWriter.index = 0;
    lengthWriter.offset = 0;
    deltaBinaryPack(lengthWriter, lengths.subarray(0, this.count), "INT32");
    out.pushBytes(new Uint8Array(lengthWriter.buffer, 0, lengthWriter.index));
    out.pushBytes(bytes.written());
    this.count = 0;
    // Lets the row group's strings go; the array is reused.
    values.length = 0;
  }
}

/** Scratch shared by all columns, as one chunk is written at a time: lengths, packed lengths, and bytes. */
let lengths = new Int32Array(1024);
const lengthWriter = new ByteWriter(1 << 16);
const bytes = new GrowableBytes(1 << 16);

/**
 * Encodes `joined`, the strings `values[start, end)`, whose `lengths` are
 * set to their character counts: their byte lengths if the batch is all
 * ASCII (any other character takes more bytes than characters), else
 * counted.
 */
function encodeStrings(joined: string, values: readonly (string | Uint8Array)[], start: number, end: number): void {
  const at = bytes.length;
  const written = bytes.pushUtf8(joined, joined.length);
  if (written === joined.length) return;
  let total = 0;
  for (let i = start; i < end; i++) total += lengths[i] = utf8Length(values[i] as string);
  if (total === written) return;
  // A surrogate pair split between two values became one character when joined: encode one by one.
  bytes.length = at;
  for (let i = start; i < end; i++) lengths[i] = bytes.pushUtf8(values[i] as string, (values[i] as string).length);
}

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
