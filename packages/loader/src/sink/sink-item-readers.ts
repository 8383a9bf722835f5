import { createReadStream, promises as fs } from "node:fs";
import { StringDecoder } from "node:string_decoder";
import { createGunzip } from "node:zlib";
import type { SinkItem } from "./sink-options.js";

/** Reads the items of a job file in batches, starting after the `skip` items already delivered. */
export type BatchReader = (filePath: string, skip: number, batchSize: number) => AsyncGenerator<SinkItem[]>;

const CHUNK_BYTES = 1 << 20;

async function isGzip(filePath: string): Promise<boolean> {
  const handle = await fs.open(filePath, "r");
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(2), 0, 2, 0);
    return bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

/**
 * jsonl, streamed: memory holds one read chunk and one batch, whatever the
 * file size. Empty lines are not items. Gzipped files are read too.
 * Skipped lines are counted, not parsed.
 */
export async function* readJsonlBatches(filePath: string, skip: number, batchSize: number): AsyncGenerator<SinkItem[]> {
  const raw = createReadStream(filePath, { highWaterMark: CHUNK_BYTES });
  const stream = (await isGzip(filePath)) ? raw.pipe(createGunzip()) : raw;
  const decoder = new StringDecoder("utf8");
  let toSkip = skip;
  let rest = "";
  let batch: SinkItem[] = [];
  const take = (line: string): void => {
    if (line.length === 0 || line === "\r") return;
    if (toSkip > 0) {
      toSkip -= 1;
      return;
    }
    batch.push(JSON.parse(line) as SinkItem);
  };
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const text = rest + decoder.write(chunk);
      let start = 0;
      for (let end = text.indexOf("\n"); end !== -1; end = text.indexOf("\n", start)) {
        take(text.slice(start, end));
        start = end + 1;
        if (batch.length >= batchSize) {
          yield batch;
          batch = [];
        }
      }
      rest = text.slice(start);
    }
    take(rest + decoder.end());
    if (batch.length > 0) yield batch;
  } finally {
    raw.destroy();
  }
}

/**
 * parquet, read back with hyparquet one row group at a time (rows as objects:
 * INT64 as bigint, timestamps as Date, nested/json columns as parsed values).
 */
export async function* readParquetBatches(filePath: string, skip: number, batchSize: number): AsyncGenerator<SinkItem[]> {
  const { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } = await import("hyparquet");
  const file = await asyncBufferFromFile(filePath);
  const metadata = await parquetMetadataAsync(file);
  let groupStart = 0;
  let batch: SinkItem[] = [];
  for (const group of metadata.row_groups) {
    const groupEnd = groupStart + Number(group.num_rows);
    if (groupEnd > skip) {
      const rows = await parquetReadObjects({ file, metadata, rowStart: Math.max(skip, groupStart), rowEnd: groupEnd });
      for (const row of rows) {
        batch.push(row as SinkItem);
        if (batch.length >= batchSize) {
          yield batch;
          batch = [];
        }
      }
    }
    groupStart = groupEnd;
  }
  if (batch.length > 0) yield batch;
}

/** The reader of a job file format; undefined for formats a sink cannot read. */
export function batchReaderFor(format: string): BatchReader | undefined {
  if (format === "jsonl") return readJsonlBatches;
  if (format === "parquet") return readParquetBatches;
  return undefined;
}
