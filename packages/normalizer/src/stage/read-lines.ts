import { createReadStream } from "node:fs";
import { open, stat } from "node:fs/promises";

const NEWLINE = 0x0a;

/** Bytes `start` (inclusive) to `end` (exclusive) of a file. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Splits a file of lines into at most `parts` byte ranges of about equal
 * size, each of whole lines (a range ends after a newline), none smaller
 * than `minBytes` (so a small file stays one range).
 */
export async function splitLines(filePath: string, parts: number, minBytes: number): Promise<ByteRange[]> {
  const { size } = await stat(filePath);
  const count = Math.max(1, Math.min(parts, Math.floor(size / minBytes)));
  if (count === 1) return [{ start: 0, end: size }];
  const ranges: ByteRange[] = [];
  const handle = await open(filePath, "r");
  try {
    const window = Buffer.alloc(64 * 1024);
    let start = 0;
    for (let i = 1; i < count && start < size; i++) {
      let end = Math.max(start, Math.floor((size * i) / count));
      // The range ends after the first newline at or past its nominal end.
      for (;;) {
        const { bytesRead } = await handle.read(window, 0, window.length, end);
        if (bytesRead === 0) {
          end = size;
          break;
        }
        const newline = window.subarray(0, bytesRead).indexOf(NEWLINE);
        if (newline !== -1) {
          end += newline + 1;
          break;
        }
        end += bytesRead;
      }
      if (end > start) ranges.push({ start, end });
      start = end;
    }
    if (start < size) ranges.push({ start, end: size });
  } finally {
    await handle.close();
  }
  return ranges;
}

/**
 * Yields the non-empty lines of a file (or of `range`, which starts at a
 * line and ends after a newline), a batch per chunk read, without
 * loading the file whole. Splits raw bytes and decodes each line alone: a
 * newline byte never occurs inside a UTF-8 sequence, and a line decoded
 * alone stays a one-byte string (faster to parse) unless it holds a
 * character beyond Latin-1 itself, which decoding the whole chunk at once
 * would not keep.
 */
export async function* readLineBatches(filePath: string, range?: ByteRange): AsyncGenerator<string[]> {
  // The start of a line that the previous chunks ended in.
  let partial: Buffer[] = [];
  const bounds = range ? { start: range.start, end: range.end - 1 } : {};
  if (range && range.end <= range.start) return;
  for await (const read of createReadStream(filePath, { highWaterMark: 1024 * 1024, ...bounds })) {
    const chunk = read as Buffer;
    const lines: string[] = [];
    let start = 0;
    let end = chunk.indexOf(NEWLINE);
    if (end !== -1 && partial.length > 0) {
      // Only the line that spans chunks is copied, never the whole chunk.
      const line = Buffer.concat([...partial, chunk.subarray(0, end)]);
      if (line.length > 0) lines.push(line.toString("utf8"));
      partial = [];
      start = end + 1;
      end = chunk.indexOf(NEWLINE, start);
    }
    for (; end !== -1; end = chunk.indexOf(NEWLINE, start)) {
      if (end > start) lines.push(chunk.toString("utf8", start, end));
      start = end + 1;
    }
    if (start < chunk.length) partial.push(chunk.subarray(start));
    if (lines.length > 0) yield lines;
  }
  if (partial.length > 0) yield [Buffer.concat(partial).toString("utf8")];
}
