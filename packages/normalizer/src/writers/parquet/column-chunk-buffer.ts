import { writePageHeader } from "hyparquet-writer/src/datapage.js";
import { snappyCompress } from "./snappy-compress.js";
import { ByteWriter } from "hyparquet-writer";
import type { ParquetSchemaElement } from "../parquet-schema.js";
import { ByteArrayValues } from "./byte-array-values.js";
import { writeDefinitionLevels } from "./definition-levels.js";
import type { ParquetColumnChunk } from "./file-footer.js";
import { GrowableBytes } from "./growable-bytes.js";

/** How a column's values are encoded, by physical type. */
const enum PlainKind {
  Boolean,
  Int32,
  Int64,
  Double,
  ByteArray,
  FixedLengthDecimal,
}

/**
 * One column's share of the pending row group: the rows that hold a value
 * and those values, fixed-width ones already as PLAIN bytes, text and
 * binary as they came ({@link ByteArrayValues}, DELTA_LENGTH_BYTE_ARRAY
 * when written). Nulls take no space at all, which is what a wide, mostly
 * null API table needs; the buffers are reused from one row group to the
 * next.
 *
 * The chunk is written as DATA_PAGE_V2 pages: definition levels (RLE /
 * bit-packed, from the rows with a value) and SNAPPY-compressed values. A
 * page is closed, between two rows, once it holds `pageBytes` of values
 * ({@link pageBytesFor} the table's width), and kept compressed until the
 * row group is written: a row group of a wide table (5 000 rows of GitHub
 * events, 40 MB of values) is held compressed rather than whole, while a
 * loader still reads row groups as large as before. No dictionary and no statistics: job files are read
 * once, whole, by a loader, and trying a dictionary on every column of
 * every row group was the largest cost of the generic writer.
 */
export class ColumnChunkBuffer {
  /** Values in the open page. */
  count = 0;
  /** Rows of the open page that hold a value, counted from {@link pageFirstRow}. */
  private rowsWithValue = new Int32Array(64);
  /** The row (of the row group) the open page starts at. */
  private pageFirstRow = 0;
  /** The closed pages of the pending row group, as written to the file. */
  private readonly pages = new GrowableBytes();
  /** Their size before compression, headers included (for the chunk's metadata). */
  private pagesUncompressedBytes = 0;
  private readonly values = new GrowableBytes();
  /** BYTE_ARRAY values, kept unencoded until their page is written. */
  private readonly byteArrays: ByteArrayValues | undefined;
  /** Where the last value's bytes start, to take it back. */
  private lastStart = 0;
  /**
   * A switch rather than a closure per column: 600 closures of one function
   * are each warmed up and optimized on their own, and that showed in the profile.
   */
  private readonly kind: PlainKind;
  private readonly fixedLength: number;

  constructor(
    private readonly element: ParquetSchemaElement,
    private readonly pageBytes: number,
  ) {
    this.kind = plainKind(element);
    this.fixedLength = element.type_length ?? 0;
    this.byteArrays = this.kind === PlainKind.ByteArray ? new ByteArrayValues() : undefined;
  }

  /** Adds the value of row `row` (rows come in ascending order); a second value for the same row replaces the first. */
  add(row: number, value: unknown): void {
    const at = this.pageRow(row);
    if (this.count === this.rowsWithValue.length) this.growRows();
    this.lastStart = this.values.length;
    this.append(value);
    this.rowsWithValue[this.count++] = at;
  }

  /** {@link add} for a text column's string, taken as it is. */
  addText(row: number, value: string): void {
    const at = this.pageRow(row);
    if (this.count === this.rowsWithValue.length) this.growRows();
    this.byteArrays!.push(value);
    this.rowsWithValue[this.count++] = at;
  }

  /**
   * Where row `row` goes in the open page, about to take a value: a value
   * the row already has is taken back, and a full page is closed first
   * (only before a new row, so a row's value can still be taken back).
   */
  private pageRow(row: number): number {
    let at = row - this.pageFirstRow;
    if (this.count > 0 && this.rowsWithValue[this.count - 1] === at) {
      this.dropLast();
    } else if (this.openPageBytes() >= this.pageBytes) {
      this.closePage(row);
      at = 0;
    }
    return at;
  }

  private openPageBytes(): number {
    return this.byteArrays ? this.byteArrays.size : this.values.length;
  }

  /** Closes the open page at row `row` (the rows before it) into {@link pages}; the next page starts there. */
  private closePage(row: number): void {
    pageScratch.index = 0;
    pageScratch.offset = 0;
    this.pagesUncompressedBytes += this.writePage(pageScratch, row - this.pageFirstRow);
    this.pages.pushBytes(new Uint8Array(pageScratch.buffer, 0, pageScratch.index));
    this.pageFirstRow = row;
  }

  private growRows(): void {
    const grown = new Int32Array(this.count * 2);
    grown.set(this.rowsWithValue);
    this.rowsWithValue = grown;
  }

  private append(value: unknown): void {
    const values = this.values;
    switch (this.kind) {
      case PlainKind.ByteArray:
        return this.byteArrays!.push(value as string | Uint8Array);
      case PlainKind.Int64:
        return typeof value === "number" ? values.pushSafeInt64(value) : values.pushBigInt64(value as bigint);
      case PlainKind.Double:
        return values.pushFloat64(value as number);
      // One byte per boolean while pending (so a value can be taken back); bit-packed when written.
      case PlainKind.Boolean:
        return values.pushByte(value ? 1 : 0);
      case PlainKind.Int32:
        return values.pushInt32(value as number);
      case PlainKind.FixedLengthDecimal:
        return pushTwosComplement(values, value as bigint, this.fixedLength);
    }
  }

  /** Encodes a text column's waiting strings now (see ParquetDataWriter's ENCODE_TEXT_EVERY_ROWS). */
  encodePendingText(): void {
    this.byteArrays?.encodePending();
  }

  /** Takes back the value of row `row`, if it has one (a row that failed half-way). */
  dropRow(row: number): void {
    if (this.count > 0 && this.rowsWithValue[this.count - 1] === row - this.pageFirstRow) this.dropLast();
  }

  private dropLast(): void {
    this.count--;
    if (this.byteArrays) this.byteArrays.pop();
    else this.values.length = this.lastStart;
  }

  /** Writes the chunk of a row group of `rows` rows (its closed pages, then the open one) and empties the buffer. */
  writeTo(writer: ByteWriter, rows: number): ParquetColumnChunk {
    const start = writer.offset;
    writer.appendBytes(this.pages.written());
    const uncompressed = this.pagesUncompressedBytes + this.writePage(writer, rows - this.pageFirstRow);
    this.pages.clear();
    this.pagesUncompressedBytes = 0;
    this.pageFirstRow = 0;
    return {
      file_offset: BigInt(start),
      meta_data: {
        type: this.element.type!,
        encodings: [this.encoding, "RLE"],
        path_in_schema: [this.element.name],
        codec: "SNAPPY",
        num_values: BigInt(rows),
        total_uncompressed_size: BigInt(uncompressed),
        total_compressed_size: BigInt(writer.offset - start),
        data_page_offset: BigInt(start),
      },
    };
  }

  private get encoding(): "DELTA_LENGTH_BYTE_ARRAY" | "PLAIN" {
    return this.byteArrays ? "DELTA_LENGTH_BYTE_ARRAY" : "PLAIN";
  }

  /**
   * Writes the open page, of `rows` rows, to `writer` and empties it;
   * returns its size before compression, header included.
   */
  private writePage(writer: ByteWriter, rows: number): number {
    levelScratch.clear();
    writeDefinitionLevels(levelScratch, this.rowsWithValue, this.count, rows);
    const parts = this.byteArrays
      ? this.byteArrays.encoded()
      : [this.kind === PlainKind.Boolean ? packBooleans(this.values.written()) : this.values.written()];
    let dataLength = 0;
    for (const part of parts) dataLength += part.length;
    const compressed = snappyCompress(...parts);
    const start = writer.offset;
    writePageHeader(writer, {
      type: "DATA_PAGE_V2",
      uncompressed_page_size: levelScratch.length + dataLength,
      compressed_page_size: levelScratch.length + compressed.length,
      data_page_header_v2: {
        num_values: rows,
        num_nulls: rows - this.count,
        num_rows: rows,
        encoding: this.encoding,
        definition_levels_byte_length: levelScratch.length,
        repetition_levels_byte_length: 0,
        is_compressed: true,
      },
    });
    const headerSize = writer.offset - start;
    writer.appendBytes(levelScratch.written());
    writer.appendBytes(compressed);
    this.count = 0;
    this.values.clear();
    this.byteArrays?.clear();
    return headerSize + levelScratch.length + dataLength;
  }
}

/**
 * Bytes of values (text as characters) after which a page of a table of
 * `columns` columns is closed: the open pages of all columns together hold
 * about {@link OPEN_PAGES_BYTES}, a page at least {@link MIN_PAGE_BYTES} and
 * at most {@link MAX_PAGE_BYTES}. Each page is compressed on its own, so
 * smaller pages store text repeated across them again: the job files of
 * 100k GitHub events (600 columns: 64 KiB pages) were 75 MB against 61 MB
 * in one page per chunk, 68 MB with 128 KiB pages, +50% with 32 KiB ones.
 * A narrow table gets large pages, as its open pages are few.
 */
export function pageBytesFor(columns: number): number {
  return Math.min(MAX_PAGE_BYTES, Math.max(MIN_PAGE_BYTES, Math.floor(OPEN_PAGES_BYTES / Math.max(1, columns))));
}

const OPEN_PAGES_BYTES = 16 * 1024 * 1024;
const MIN_PAGE_BYTES = 64 * 1024;
/** Parquet writers' usual page size (pyarrow's, parquet-mr's). */
const MAX_PAGE_BYTES = 1024 * 1024;

/** Scratch shared by all columns, as one page is written at a time: a closed page, its definition levels. */
const pageScratch = new ByteWriter(MIN_PAGE_BYTES * 2);
const levelScratch = new GrowableBytes(1024);

function plainKind(element: ParquetSchemaElement): PlainKind {
  switch (element.type) {
    case "BOOLEAN":
      return PlainKind.Boolean;
    case "INT32":
      return PlainKind.Int32;
    case "INT64":
      return PlainKind.Int64;
    case "DOUBLE":
      return PlainKind.Double;
    case "BYTE_ARRAY":
      return PlainKind.ByteArray;
    case "FIXED_LEN_BYTE_ARRAY":
      return PlainKind.FixedLengthDecimal;
    default:
      throw new Error(`parquet type ${element.type} of column ${element.name} has no PLAIN encoder here`);
  }
}

/** A DECIMAL's unscaled value as `length` big-endian two's complement bytes. */
function pushTwosComplement(values: GrowableBytes, value: bigint, length: number): void {
  values.reserve(length);
  const bytes = values.bytes;
  const start = values.length;
  let rest = value;
  for (let i = length - 1; i >= 0; i--) {
    bytes[start + i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  values.length = start + length;
}

/** PLAIN booleans: one bit each, least significant first. */
function packBooleans(flags: Uint8Array): Uint8Array {
  const packed = new Uint8Array((flags.length + 7) >> 3);
  for (let i = 0; i < flags.length; i++) if (flags[i]) packed[i >> 3]! |= 1 << (i & 7);
  return packed;
}
