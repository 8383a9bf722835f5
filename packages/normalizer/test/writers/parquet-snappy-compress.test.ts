import { snappyUncompress } from "hyparquet";
import { snappyCompress as referenceCompress } from "hyparquet-writer/src/snappy.js";
import { snappyCompress } from "../../src/writers/parquet/snappy-compress.js";

function roundTrip(input: Uint8Array): Uint8Array {
  const compressed = snappyCompress(input);
  const output = new Uint8Array(input.length);
  snappyUncompress(compressed, output);
  return output;
}

describe("snappyCompress", () => {
  it("round-trips repetitive, random and tiny inputs, at any offset in their buffer", () => {
    const text = Buffer.from(Array.from({ length: 4000 }, (_, i) => `{"url":"https://api.github.com/repos/o${i % 37}/r","n":${i}}`).join(","));
    let seed = 7;
    const random = Uint8Array.from({ length: 70_000 }, () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) & 0xff);
    const inputs = [new Uint8Array(0), text.subarray(0, 1), text.subarray(0, 15), text.subarray(0, 16), text, new Uint8Array(100_000), random];
    // Odd byte offsets: the compressor reads four bytes at a time through a DataView over the input's own range.
    inputs.push(text.subarray(3, 20_003), random.subarray(1, 65_537));
    for (const input of inputs) expect(Buffer.compare(roundTrip(input), input)).toBe(0);
    expect(snappyCompress(text).length).toBeLessThan(text.length / 4);
  });

  it("writes what the reference compressor writes, byte for byte, where words compare equal as numbers but not as bytes", () => {
    // Eight bytes compared as a double: 0 and -0 are equal as numbers (the second differs in its last byte),
    // and a NaN is never equal to itself.
    const zero = [0, 0, 0, 0, 0, 0, 0, 0];
    const minusZero = [0, 0, 0, 0, 0, 0, 0, 0x80];
    const nan = [1, 2, 3, 4, 5, 6, 0xf8, 0x7f];
    const prefix = Array.from(Buffer.from("a prefix long enough to be matched: "));
    const parts = [prefix, zero, zero, prefix, minusZero, zero, prefix, nan, nan, zero, prefix, nan, nan, minusZero, prefix, zero, zero];
    const input = Uint8Array.from(parts.flat().concat(Array.from(Buffer.from("and the end of it, past the margin"))));
    const text = Buffer.from(Array.from({ length: 3000 }, (_, i) => `{"url":"https://api.github.com/repos/o${i % 37}/r","n":${i}}`).join(","));
    for (const bytes of [input, text, text.subarray(5, 30_005)]) {
      expect(Buffer.compare(roundTrip(bytes), bytes)).toBe(0);
      expect(Buffer.from(snappyCompress(bytes)).equals(Buffer.from(referenceCompress(bytes)))).toBe(true);
    }
  });

  it("compresses parts as their concatenation, each part on its own", () => {
    const text = Buffer.from(Array.from({ length: 2000 }, (_, i) => `{"login":"user${i % 23}","n":${i}}`).join(","));
    const parts = [text.subarray(0, 7), new Uint8Array(0), text.subarray(7, 40_000), text.subarray(40_000, 40_010), text.subarray(40_010)];
    const compressed = snappyCompress(...parts);
    const output = new Uint8Array(text.length);
    snappyUncompress(compressed, output);
    expect(Buffer.compare(output, text)).toBe(0);
    // Each part is compressed as it would be alone: the second half repeats the first, yet is not copied from it.
    const half = text.subarray(0, 20_000);
    const alone = snappyCompress(half).length - varintLength(half.length);
    expect(snappyCompress(half, half).length).toBe(varintLength(2 * half.length) + 2 * alone);
  });
});

function varintLength(value: number): number {
  let bytes = 1;
  while (value > 0x7f) {
    value >>>= 7;
    bytes++;
  }
  return bytes;
}
