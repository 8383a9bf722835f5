import { createReadStream, promises as fs } from "node:fs";
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

const NEWLINE = 0x0a;

/**
 * jsonl, streamed: memory holds one read chunk and one batch, whatever the
 * file size. Lines are split on the bytes (a UTF-8 "\n" byte is always a
 * line end) and parsed as they come, so each line's text dies young.
 * Empty lines are not items; skipped lines are counted, not decoded.
 * Gzipped files are read too.
 */
export async function* readJsonlBatches(filePath: string, skip: number, batchSize: number): AsyncGenerator<SinkItem[]> {
  const raw = createReadStream(filePath, { highWaterMark: CHUNK_BYTES });
  const stream = (await isGzip(filePath)) ? raw.pipe(createGunzip()) : raw;
  let toSkip = skip;
  let batch: SinkItem[] = [];
  // Bytes of a line that started in an earlier chunk.
  let partial: Buffer[] = [];
  const take = (buffer: Buffer, start: number, end: number): void => {
    if (end > start && buffer[end - 1] === 0x0d) end -= 1;
    if (end <= start) return;
    if (toSkip > 0) {
      toSkip -= 1;
      return;
    }
    batch.push(JSON.parse(buffer.toString("utf8", start, end)) as SinkItem);
  };
  const full = (): SinkItem[] => {
    const done = batch;
    batch = [];
    return done;
  };
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let start = 0;
      let end = chunk.indexOf(NEWLINE);
      if (end !== -1 && partial.length > 0) {
        const joined = Buffer.concat([...partial, chunk.subarray(0, end)]);
        partial = [];
        take(joined, 0, joined.length);
        start = end + 1;
        end = chunk.indexOf(NEWLINE, start);
      }
      for (; end !== -1; end = chunk.indexOf(NEWLINE, start)) {
        take(chunk, start, end);
        start = end + 1;
        if (batch.length >= batchSize) yield full();
      }
      if (start < chunk.length) partial.push(chunk.subarray(start));
      if (batch.length >= batchSize) yield full();
    }
    if (partial.length > 0) {
      const joined = Buffer.concat(partial);
      take(joined, 0, joined.length);
    }
    if (batch.length > 0) yield full();
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
