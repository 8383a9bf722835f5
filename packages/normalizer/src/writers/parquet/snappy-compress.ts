/**
 * Snappy compression of one page, ported from hyparquet-writer's
 * `snappy.js` (itself snappyjs, MIT, Copyright (c) 2016 Zhipeng Jia) with
 * changes for speed only: output goes straight into a preallocated
 * Uint8Array instead of a ByteWriter call per byte, which made it the
 * writer's largest cost; four bytes are read and compared by one DataView
 * load, and short literals copied by hand (together twice as fast on
 * GitHub events JSON); a match is extended eight bytes at a time (the
 * column chunks of 100k GitHub events took 300 ms instead of 450). The
 * output of one input is byte for byte the same.
 */
const MAX_HASH_TABLE_BITS = 14;
const MAX_OFFSET = 0xffff;
const INPUT_MARGIN = 15;
const hashTables: Uint32Array[] = [];

/** Shared output buffer: callers copy the compressed bytes out before the next call. */
let out = new Uint8Array(1 << 16);
let op = 0;

/**
 * The snappy compression of `parts` joined, without joining them: each part
 * is compressed on its own (a copy never reaches into an earlier part), as
 * snappy itself compresses a long input block by block. One part gives the
 * reference compressor's bytes. Returns a view of a buffer the next call
 * reuses: a copy per column chunk was 600 allocations per row group of a wide table.
 */
export function snappyCompress(...parts: Uint8Array[]): Uint8Array {
  let total = 0;
  for (const part of parts) total += part.length;
  // The most snappy can need: the varint length, and a tag per 60 literal bytes (and a partial one per part).
  const bound = 32 + 5 * parts.length + total + Math.ceil(total / 6);
  if (out.length < bound) out = new Uint8Array(Math.max(bound, out.length * 2));
  op = 0;
  let length = total;
  while (length > 0x7f) {
    out[op++] = (length & 0x7f) | 0x80;
    length >>>= 7;
  }
  out[op++] = length;
  for (const part of parts) compressInput(part);
  return out.subarray(0, op);
}

function hashFunc(key: number, shift: number): number {
  return Math.imul(key, 0x1e35a7bd) >>> shift;
}

function load32(array: Uint8Array, pos: number): number {
  return array[pos]! + (array[pos + 1]! << 8) + (array[pos + 2]! << 16) + (array[pos + 3]! << 24);
}

function equals32(view: DataView, a: number, b: number): boolean {
  return view.getInt32(a, true) === view.getInt32(b, true);
}

function emitLiteral(input: Uint8Array, ip: number, len: number): void {
  if (len <= 60) {
    out[op++] = (len - 1) << 2;
  } else {
    const value = len - 1;
    const bytes = value < 0x100 ? 1 : value < 0x10000 ? 2 : value < 0x1000000 ? 3 : 4;
    out[op++] = (59 + bytes) << 2;
    for (let i = 0; i < bytes; i++) out[op++] = (value >>> (i * 8)) & 0xff;
  }
  // Short literals by hand: a subarray per literal costs more than the copy.
  if (len < 16) {
    for (let i = 0; i < len; i++) out[op + i] = input[ip + i]!;
  } else {
    out.set(input.subarray(ip, ip + len), op);
  }
  op += len;
}

function emitCopyLessThan64(offset: number, len: number): void {
  if (len < 12 && offset < 2048) {
    out[op++] = 1 + ((len - 4) << 2) + ((offset >>> 8) << 5);
    out[op++] = offset & 0xff;
  } else {
    out[op++] = 2 + ((len - 1) << 2);
    out[op++] = offset & 0xff;
    out[op++] = offset >>> 8;
  }
}

function emitCopy(offset: number, len: number): void {
  while (len >= 68) {
    emitCopyLessThan64(offset, 64);
    len -= 64;
  }
  if (len > 64) {
    emitCopyLessThan64(offset, 60);
    len -= 60;
  }
  emitCopyLessThan64(offset, len);
}

function compressInput(input: Uint8Array): void {
  const inputSize = input.length;
  // Four bytes compared by one load where the matcher compares positions within the input.
  const view = new DataView(input.buffer, input.byteOffset, inputSize);
  let hashTableBits = 1;
  while (1 << hashTableBits <= inputSize && hashTableBits <= MAX_HASH_TABLE_BITS) hashTableBits++;
  hashTableBits--;
  const shift = 32 - hashTableBits;
  const hashTable = (hashTables[hashTableBits] ??= new Uint32Array(1 << hashTableBits));
  hashTable.fill(0);

  let ip = 0;
  let nextEmit = 0;
  if (inputSize >= INPUT_MARGIN) {
    const ipLimit = inputSize - INPUT_MARGIN;
    ip++;
    let nextHash = hashFunc(view.getInt32(ip, true), shift);
    let more = true;
    while (more) {
      let skip = 32;
      let nextIp = ip;
      let candidate = 0;
      do {
        ip = nextIp;
        const hash = nextHash;
        const bytesBetweenHashLookups = skip >>> 5;
        skip++;
        nextIp = ip + bytesBetweenHashLookups;
        if (ip > ipLimit) {
          more = false;
          break;
        }
        // nextIp may run past the end, where load32 reads undefined as the original does.
        nextHash = hashFunc(nextIp + 4 <= inputSize ? view.getInt32(nextIp, true) : load32(input, nextIp), shift);
        candidate = hashTable[hash]!;
        hashTable[hash] = ip;
      } while (ip - candidate > MAX_OFFSET || !equals32(view, ip, candidate));
      if (!more) break;

      emitLiteral(input, nextEmit, ip - nextEmit);
      do {
        const base = ip;
        let matched = 4;
        // Eight bytes at a time, then four, then one by one: long matches are most of what repetitive API text
        // costs. Doubles equal as numbers are equal as bytes, except for 0 and -0 (and NaN is never equal).
        while (ip + matched + 8 <= inputSize) {
          const word = view.getFloat64(ip + matched, true);
          if (word !== view.getFloat64(candidate + matched, true) || word === 0) break;
          matched += 8;
        }
        while (ip + matched + 4 <= inputSize && view.getInt32(ip + matched, true) === view.getInt32(candidate + matched, true)) matched += 4;
        while (ip + matched < inputSize && input[ip + matched] === input[candidate + matched]) matched++;
        ip += matched;
        emitCopy(base - candidate, matched);
        nextEmit = ip;
        if (ip >= ipLimit) {
          more = false;
          break;
        }
        hashTable[hashFunc(view.getInt32(ip - 1, true), shift)] = ip - 1;
        const curHash = hashFunc(view.getInt32(ip, true), shift);
        candidate = hashTable[curHash]!;
        hashTable[curHash] = ip;
      } while (ip - candidate <= MAX_OFFSET && equals32(view, ip, candidate));
      if (!more) break;
      ip++;
      nextHash = hashFunc(view.getInt32(ip, true), shift);
    }
  }
  if (nextEmit < inputSize) emitLiteral(input, nextEmit, inputSize - nextEmit);
}
