import { createReadStream } from "node:fs";

const NEWLINE = 0x0a;

/**
 * Yields the non-empty lines of a file, a batch per chunk read, without
 * loading the file whole. Splits raw bytes and decodes each line alone: a
 * newline byte never occurs inside a UTF-8 sequence, and a line decoded
 * alone stays a one-byte string (faster to parse) unless it holds a
 * character beyond Latin-1 itself, which decoding the whole chunk at once
 * would not keep.
 */
export async function* readLineBatches(filePath: string): AsyncGenerator<string[]> {
  let rest: Buffer | undefined;
  for await (const chunk of createReadStream(filePath, { highWaterMark: 1024 * 1024 })) {
    const bytes: Buffer = rest ? Buffer.concat([rest, chunk as Buffer]) : (chunk as Buffer);
    const lines: string[] = [];
    let start = 0;
    let end: number;
    while ((end = bytes.indexOf(NEWLINE, start)) !== -1) {
      if (end > start) lines.push(bytes.toString("utf8", start, end));
      start = end + 1;
    }
    rest = start < bytes.length ? bytes.subarray(start) : undefined;
    if (lines.length > 0) yield lines;
  }
  if (rest && rest.length > 0) yield [rest.toString("utf8")];
}
