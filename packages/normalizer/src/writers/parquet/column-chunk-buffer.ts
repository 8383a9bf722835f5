import { writePageHeader } from "hyparquet-writer/src/datapage.js";
import { snappyCompress } from "./snappy-compress.js";
import type { ByteWriter } from "hyparquet-writer";
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
 * The chunk is written as one DATA_PAGE_V2 page: definition levels
 * (RLE / bit-packed, from the rows with a value) and SNAPPY-compressed
 * values. No dictionary and no statistics: job files are read once,
 * whole, by a loader, and trying a dictionary on every column of every row
 * group was the largest cost of the generic writer.
 */
export class ColumnChunkBuffer {
  /** Values in the pending row group. */
  count = 0;
  private rowsWithValue = new Int32Array(64);
  private readonly values = new GrowableBytes();
  /** BYTE_ARRAY values, kept unencoded until the chunk is written. */
  private readonly byteArrays: ByteArrayValues | undefined;
  /** Where the last value's bytes start, to take it back. */
  private lastStart = 0;
  /**
   * A switch rather than a closure per column: 600 closures of one function
   * are each warmed up and optimized on their own, and that showed in the profile.
   */
  private readonly kind: PlainKind;
  private readonly fixedLength: number;

  constructor(private readonly element: ParquetSchemaElement) {
    this.kind = plainKind(element);
    this.fixedLength = element.type_length ?? 0;
    this.byteArrays = this.kind === PlainKind.ByteArray ? new ByteArrayValues() : undefined;
  }

  /** Adds the value of row `row` (rows come in ascending order); a second value for the same row replaces the first. */
  add(row: number, value: unknown): void {
    if (this.count > 0 && this.rowsWithValue[this.count - 1] === row) this.dropLast();
    if (this.count === this.rowsWithValue.length) this.growRows();
    this.lastStart = this.values.length;
    this.append(value);
    this.rowsWithValue[this.count++] = row;
  }

  /** {@link add} for a text column's string, taken as it is. */
  addText(row: number, value: string): void {
    if (this.count > 0 && this.rowsWithValue[this.count - 1] === row) this.dropLast();
    if (this.count === this.rowsWithValue.length) this.growRows();
    this.byteArrays!.push(value);
    this.rowsWithValue[this.count++] = row;
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
    if (this.count > 0 && this.rowsWithValue[this.count - 1] === row) this.dropLast();
  }

  private dropLast(): void {
    this.count--;
    if (this.byteArrays) this.byteArrays.pop();
    else this.values.length = this.lastStart;
  }

  /** Writes the chunk of a row group of `rows` rows and empties the buffer. */
  writeTo(writer: ByteWriter, rows: number, levels: GrowableBytes): ParquetColumnChunk {
    levels.clear();
    writeDefinitionLevels(levels, this.rowsWithValue, this.count, rows);
    const parts = this.byteArrays
      ? this.byteArrays.encoded()
      : [this.kind === PlainKind.Boolean ? packBooleans(this.values.written()) : this.values.written()];
    let dataLength = 0;
    for (const part of parts) dataLength += part.length;
    const encoding = this.byteArrays ? "DELTA_LENGTH_BYTE_ARRAY" : "PLAIN";
    const compressed = snappyCompress(...parts);
    const start = writer.offset;
    writePageHeader(writer, {
      type: "DATA_PAGE_V2",
      uncompressed_page_size: levels.length + dataLength,
      compressed_page_size: levels.length + compressed.length,
      data_page_header_v2: {
        num_values: rows,
        num_nulls: rows - this.count,
        num_rows: rows,
        encoding,
        definition_levels_byte_length: levels.length,
        repetition_levels_byte_length: 0,
        is_compressed: true,
      },
    });
    const headerSize = writer.offset - start;
    writer.appendBytes(levels.written());
    writer.appendBytes(compressed);
    this.count = 0;
    this.values.clear();
    this.byteArrays?.clear();
    return {
      file_offset: BigInt(start),
      meta_data: {
        type: this.element.type!,
        encodings: [encoding, "RLE"],
        path_in_schema: [this.element.name],
        codec: "SNAPPY",
        num_values: BigInt(rows),
        total_uncompressed_size: BigInt(headerSize + levels.length + dataLength),
        total_compressed_size: BigInt(writer.offset - start),
        data_page_offset: BigInt(start),
      },
    };
  }
}

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
