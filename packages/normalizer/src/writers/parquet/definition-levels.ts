import type { GrowableBytes } from "./growable-bytes.js";

/**
 * Writes the definition levels of a flat OPTIONAL column (1 = value, 0 =
 * null; bit width 1) in the RLE / bit-packed hybrid encoding, straight from
 * the sorted rows that hold a value. A sparse column is a few long runs, so
 * this costs per run, not per row: the rows in between are never visited.
 *
 * Runs of 8 or more become RLE runs; shorter ones are bit-packed, and a
 * bit-packed stretch is topped up to a multiple of 8 from the next long run
 * (only the last group may be padded, as readers stop at the value count).
 */
export function writeDefinitionLevels(out: GrowableBytes, rowsWithValue: Int32Array, count: number, rows: number): void {
  const encoder = new LevelRuns(out);
  let next = 0;
  let i = 0;
  while (i < count) {
    const first = rowsWithValue[i]!;
    let end = first + 1;
    i++;
    while (i < count && rowsWithValue[i] === end) {
      end++;
      i++;
    }
    if (first > next) encoder.run(0, first - next);
    encoder.run(1, end - first);
    next = end;
  }
  if (rows > next) encoder.run(0, rows - next);
  encoder.finish();
}

/** Pending bit-packed levels, shared by all encoders: only one writes at a time. */
let pendingBits = new Uint8Array(1024);

class LevelRuns {
  /** Levels waiting to be bit-packed. */
  private pending = 0;

  constructor(private readonly out: GrowableBytes) {}

  run(level: number, length: number): void {
    if (this.pending === 0) {
      if (length >= 8) this.rle(level, length);
      else this.pack(level, length);
      return;
    }
    const fill = (8 - (this.pending & 7)) & 7;
    if (length >= fill + 8) {
      this.pack(level, fill);
      this.flushPacked();
      this.rle(level, length - fill);
    } else {
      this.pack(level, length);
    }
  }

  finish(): void {
    if (this.pending > 0) this.flushPacked();
  }

  private rle(level: number, length: number): void {
    this.out.pushVarInt(length * 2);
    this.out.pushByte(level);
  }

  private pack(level: number, length: number): void {
    const end = this.pending + length;
    if (end > pendingBits.length * 8) {
      const grown = new Uint8Array(Math.max(pendingBits.length * 2, (end >> 3) + 1));
      grown.set(pendingBits);
      pendingBits = grown;
    }
    if (level === 1) for (let bit = this.pending; bit < end; bit++) pendingBits[bit >> 3]! |= 1 << (bit & 7);
    this.pending = end;
  }

  private flushPacked(): void {
    const groups = (this.pending + 7) >> 3;
    this.out.pushVarInt(groups * 2 + 1);
    this.out.pushBytes(pendingBits.subarray(0, groups));
    pendingBits.fill(0, 0, groups);
    this.pending = 0;
  }
}
