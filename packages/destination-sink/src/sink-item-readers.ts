import { createReadStream, promises as fs } from "node:fs";
import { createGunzip } from "node:zlib";
import type { TableSchema } from "@dlt-ts/core";
import { mayHoldLongIntegers, parseJsonExact } from "./exact-json.js";
import { parquetReadPlan, PARQUET_PARSERS } from "./sink-parquet-values.js";
import { toDecimalText, type ColumnFixes, type ValueFix } from "./sink-item-values.js";
import type { SinkItem } from "./sink-options.js";

/**
 * Reads the items of a job file in batches, starting after the `skip` items
 * already delivered; `table` (the job's table schema) says which columns
 * need their values typed.
 */
export type BatchReader = (filePath: string, table: TableSchema, skip: number, batchSize: number) => AsyncGenerator<SinkItem[]>;

function applyFixes(item: SinkItem, fixes: ColumnFixes): void {
  for (let i = 0; i < fixes.length; i++) {
    const [name, fix] = fixes[i]!;
    const value = item[name];
    if (value !== null && value !== undefined) item[name] = fix(value);
  }
}

/** jsonl binary values are base64 text (the writer's encoding). */
const fromBase64: ValueFix = (value) => (typeof value === "string" ? Buffer.from(value, "base64") : value);
/** A double column's integral value read exactly is a double again. */
const toDouble: ValueFix = (value) => (typeof value === "bigint" ? Number(value) : value);

/**
 * The fixes jsonl items need, by the table's column types: binary from
 * base64, decimal and wei to exact text. Lines that went through the exact
 * parser also get double columns back as numbers (bigint columns are
 * already right: a number when safe, a bigint beyond).
 */
function jsonlFixes(table: TableSchema): { plain: ColumnFixes; exact: ColumnFixes } {
  const plain: [string, ValueFix][] = [];
  const exact: [string, ValueFix][] = [];
  for (const column of Object.values(table.columns)) {
    const fix =
      column.dataType === "binary" ? fromBase64 : column.dataType === "decimal" || column.dataType === "wei" ? toDecimalText : undefined;
    if (fix) plain.push([column.name, fix]);
    if (fix || column.dataType === "double") exact.push([column.name, fix ?? toDouble]);
  }
  return { plain, exact };
}

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
 *
 * Values are typed by the table schema, touching only the columns that
 * need it: binary columns from base64 to a Buffer, decimal and wei to
 * exact text. Integers keep every digit: a line with a run of 16 or more
 * digits (JSON.parse would round beyond 2^53) is parsed by
 * {@link parseJsonExact}, which gives a bigint beyond
 * `Number.MAX_SAFE_INTEGER`; every other line goes through JSON.parse.
 */
export async function* readJsonlBatches(filePath: string, table: TableSchema, skip: number, batchSize: number): AsyncGenerator<SinkItem[]> {
  const fixes = jsonlFixes(table);
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
    const line = buffer.toString("utf8", start, end);
    const exact = mayHoldLongIntegers(line);
    const item = (exact ? parseJsonExact(line) : JSON.parse(line)) as SinkItem;
    applyFixes(item, exact ? fixes.exact : fixes.plain);
    batch.push(item);
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
 * parquet, read back with hyparquet one row group at a time, rows as
 * objects typed as jsonl items are (see {@link parquetReadPlan}): integers
 * a number when safe and a bigint beyond, timestamps, dates and times as
 * ISO text with microseconds, binary as a Buffer, decimals as exact text,
 * json columns parsed (integers exact).
 */
export async function* readParquetBatches(filePath: string, _table: TableSchema, skip: number, batchSize: number): AsyncGenerator<SinkItem[]> {
  const { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } = await import("hyparquet");
  const file = await asyncBufferFromFile(filePath);
  const fileMetadata = await parquetMetadataAsync(file);
  const { metadata, fixes } = parquetReadPlan(fileMetadata);
  let groupStart = 0;
  let batch: SinkItem[] = [];
  for (const group of metadata.row_groups) {
    const groupEnd = groupStart + Number(group.num_rows);
    if (groupEnd > skip) {
      const rows = await parquetReadObjects({
        file,
        metadata,
        rowStart: Math.max(skip, groupStart),
        rowEnd: groupEnd,
        // Unannotated BYTE_ARRAY columns are binary: bytes, not text decoded as UTF-8.
        utf8: false,
        parsers: PARQUET_PARSERS,
      });
      for (const row of rows) {
        applyFixes(row as SinkItem, fixes);
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
