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
  // The start of a line that the previous chunks ended in.
  let partial: Buffer[] = [];
  for await (const read of createReadStream(filePath, { highWaterMark: 1024 * 1024 })) {
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
