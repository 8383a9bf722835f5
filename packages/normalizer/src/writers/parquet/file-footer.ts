import { CompressionCodecs, ConvertedTypes, Encodings, FieldRepetitionTypes, ParquetTypes } from "hyparquet/src/constants.js";
import { ByteWriter } from "hyparquet-writer";
import { logicalType, type writeMetadata } from "hyparquet-writer/src/metadata.js";
import { serializeTCompactProtocol } from "hyparquet-writer/src/thrift.js";
import type { ParquetSchemaElement } from "../parquet-schema.js";

/** hyparquet's RowGroup and ColumnChunk, as hyparquet-writer's metadata takes them. */
export type ParquetRowGroup = Parameters<typeof writeMetadata>[1]["row_groups"][number];
export type ParquetColumnChunk = ParquetRowGroup["columns"][number];

/** Thrift compact protocol type ids (a field's or a list element's), and the byte that ends a struct. */
const BINARY = 8;
const LIST = 9;
const STRUCT = 12;
const STOP = 0;

/**
 * A parquet file's footer (thrift FileMetaData), each row group encoded as
 * it is written, so an open file holds its row groups' metadata as bytes:
 * about 30 KB for a row group of 600 columns, against 200 KB as the objects
 * hyparquet-writer's `writeMetadata` takes (and as many again while it
 * encodes them at close). A file of 100k wide rows held 11.5 MB of them per
 * open file, growing with the file; now 1.5 MB. The bytes are those
 * `writeMetadata` writes for the same metadata (a test holds them equal).
 */
export class ParquetFooter {
  private readonly rowGroups = new ByteWriter(64 * 1024);
  private rowGroupCount = 0;

  constructor(private readonly schema: readonly ParquetSchemaElement[]) {}

  add(rowGroup: ParquetRowGroup): void {
    serializeTCompactProtocol(this.rowGroups, {
      field_1: rowGroup.columns.map(thriftColumnChunk),
      field_2: rowGroup.total_byte_size,
      field_3: rowGroup.num_rows,
      field_6: rowGroup.total_compressed_size,
    });
    this.rowGroupCount++;
  }

  /** Writes the footer: FileMetaData, then its length. */
  writeTo(writer: ByteWriter, numRows: bigint, createdBy: string): void {
    const start = writer.offset;
    serializeTCompactProtocol(writer, { field_1: 2, field_2: this.schema.map(thriftSchemaElement), field_3: numRows });
    // The struct goes on past num_rows: its STOP byte is taken back.
    writer.index--;
    writer.offset--;
    // Field ids as deltas from the previous field's: 3 → 4 (row_groups), 4 → 6 (created_by), 6 → 7 (column_orders).
    writer.appendUint8((1 << 4) | LIST);
    writeListHeader(writer, this.rowGroupCount, STRUCT);
    writer.appendBytes(this.rowGroups.getBytes());
    writer.appendUint8((2 << 4) | BINARY);
    const name = Buffer.from(createdBy, "utf8");
    writer.appendVarInt(name.length);
    writer.appendBytes(name);
    writer.appendUint8((1 << 4) | LIST);
    // One ColumnOrder per leaf column, each TYPE_ORDER: field 1 holding an empty struct.
    const leaves = this.schema.filter((element) => element.type).length;
    writeListHeader(writer, leaves, STRUCT);
    for (let i = 0; i < leaves; i++) {
      writer.appendUint8((1 << 4) | STRUCT);
      writer.appendUint8(STOP);
      writer.appendUint8(STOP);
    }
    writer.appendUint8(STOP);
    writer.appendUint32(writer.offset - start);
  }
}

function writeListHeader(writer: ByteWriter, size: number, elementType: number): void {
  if (size < 15) {
    writer.appendUint8((size << 4) | elementType);
    return;
  }
  writer.appendUint8((15 << 4) | elementType);
  writer.appendVarInt(size);
}

function thriftSchemaElement(element: ParquetSchemaElement) {
  return {
    field_1: element.type && ParquetTypes.indexOf(element.type),
    field_2: element.type_length,
    field_3: element.repetition_type && FieldRepetitionTypes.indexOf(element.repetition_type),
    field_4: element.name,
    field_5: element.num_children,
    field_6: element.converted_type && ConvertedTypes.indexOf(element.converted_type),
    field_7: element.scale,
    field_8: element.precision,
    field_10: logicalType(element.logical_type),
  };
}

function thriftColumnChunk(chunk: ParquetColumnChunk) {
  const meta = chunk.meta_data!;
  return {
    field_2: chunk.file_offset,
    field_3: {
      field_1: ParquetTypes.indexOf(meta.type),
      field_2: meta.encodings.map((encoding) => Encodings.indexOf(encoding)),
      field_3: meta.path_in_schema,
      field_4: CompressionCodecs.indexOf(meta.codec),
      field_5: meta.num_values,
      field_6: meta.total_uncompressed_size,
      field_7: meta.total_compressed_size,
      field_9: meta.data_page_offset,
    },
  };
}
