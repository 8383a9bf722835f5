import type { Writable } from "node:stream";
import type { LoaderFileFormat } from "@dlt-ts/core";
import { CsvDataWriter } from "./csv-data-writer.js";
import type { DataWriter, DataWriterOptions } from "./data-writer.js";
import { InsertValuesDataWriter } from "./insert-values-data-writer.js";
import { JsonlDataWriter } from "./jsonl-data-writer.js";
import { ParquetDataWriter } from "./parquet-data-writer.js";
import { UnsupportedFileFormatException } from "./writer-exceptions.js";

/** File formats a writer exists for. */
export const WRITER_FILE_FORMATS = ["jsonl", "insert_values", "csv", "parquet"] as const satisfies readonly LoaderFileFormat[];

export type WriterFileFormat = (typeof WRITER_FILE_FORMATS)[number];

export function isWriterFileFormat(format: string): format is WriterFileFormat {
  return (WRITER_FILE_FORMATS as readonly string[]).includes(format);
}

/**
 * The writer of a format over a stream. Throws UnsupportedFileFormatException
 * for formats without a writer (typed-jsonl).
 *
 * @example
 * const writer = createDataWriter("csv", fs.createWriteStream("items.csv"), { tableName: "items", columns, capabilities });
 * await writer.write(rows);
 * await writer.close();
 */
export function createDataWriter(format: LoaderFileFormat, stream: Writable, options: DataWriterOptions): DataWriter {
  switch (format) {
    case "jsonl":
      return new JsonlDataWriter(stream, options);
    case "csv":
      return new CsvDataWriter(stream, options);
    case "insert_values":
      return new InsertValuesDataWriter(stream, options);
    case "parquet":
      return new ParquetDataWriter(stream, options);
    default:
      throw new UnsupportedFileFormatException(format, WRITER_FILE_FORMATS);
  }
}
