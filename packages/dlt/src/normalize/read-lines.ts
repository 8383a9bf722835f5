import { createReadStream } from "node:fs";

const NEWLINE = 0x0a;

/**
 * Yields the lines of a file without loading it whole. Splits raw bytes and
 * decodes each line alone: a newline byte never occurs inside a UTF-8
 * sequence, and decoding line by line avoids building then slicing big strings.
 */
export async function* readLines(filePath: string): AsyncGenerator<string> {
  let rest: Buffer | undefined;
  for await (const chunk of createReadStream(filePath, { highWaterMark: 1024 * 1024 })) {
    const bytes: Buffer = rest ? Buffer.concat([rest, chunk as Buffer]) : (chunk as Buffer);
    let start = 0;
    let end: number;
    while ((end = bytes.indexOf(NEWLINE, start)) !== -1) {
      if (end > start) yield bytes.toString("utf8", start, end);
      start = end + 1;
    }
    rest = start < bytes.length ? bytes.subarray(start) : undefined;
  }
  if (rest && rest.length > 0) yield rest.toString("utf8");
}
