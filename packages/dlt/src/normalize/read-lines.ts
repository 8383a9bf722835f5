import { createReadStream } from "node:fs";

/** Yields the lines of a file without loading it whole. */
export async function* readLines(filePath: string): AsyncGenerator<string> {
  let rest = "";
  for await (const chunk of createReadStream(filePath, { encoding: "utf8", highWaterMark: 1024 * 1024 })) {
    const text = rest + (chunk as string);
    let start = 0;
    let end: number;
    while ((end = text.indexOf("\n", start)) !== -1) {
      if (end > start) yield text.slice(start, end);
      start = end + 1;
    }
    rest = text.slice(start);
  }
  if (rest) yield rest;
}
