import { createWriteStream, mkdtempSync, promises as fs, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import {
  defaultCapabilities,
  type ColumnSchema,
  type DataType,
  type DestinationCapabilities,
  type LoaderFileFormat,
  type TableSchema,
} from "@dlt-ts/core";
import type { DataRow, RowBatch } from "../../src/writers/data-row.js";
import { createDataWriter } from "../../src/writers/data-writer-factory.js";
import { type DataWriter, type DataWriterOptions, typedColumns } from "../../src/writers/data-writer.js";

export type ColumnSpec = DataType | Omit<ColumnSchema, "name">;

/** A table schema from `{ column: type }`, columns in the given order. */
export function table(name: string, columns: Record<string, ColumnSpec>): TableSchema {
  const built: Record<string, ColumnSchema> = {};
  for (const [columnName, spec] of Object.entries(columns)) {
    built[columnName] = typeof spec === "string" ? { name: columnName, dataType: spec } : { name: columnName, ...spec };
  }
  return { name, columns: built };
}

/** A fresh temp dir per test file; removed by the returned cleanup. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), "dlt-ts-writers-"));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

let fileCounter = 0;

/** Writes rows with one writer into a real file and returns the file's bytes. */
export async function writeWith(
  dir: string,
  format: LoaderFileFormat,
  schema: TableSchema,
  batches: RowBatch[],
  options: Partial<DataWriterOptions> = {},
): Promise<Buffer> {
  const { writer, filePath } = openWriter(dir, format, schema, options);
  for (const rows of batches) await writer.write(rows);
  await writer.close();
  return fs.readFile(filePath);
}

/** A writer of `schema` into a new file of `dir`, for tests that drive it row by row (a failed row, then more). */
export function openWriter(
  dir: string,
  format: LoaderFileFormat,
  schema: TableSchema,
  options: Partial<DataWriterOptions> = {},
): { writer: DataWriter; filePath: string } {
  const filePath = path.join(dir, `out-${fileCounter++}.${format}`);
  const stream = createWriteStream(filePath);
  try {
    const writer = createDataWriter(format, stream, {
      tableName: schema.name,
      columns: typedColumns(Object.values(schema.columns)),
      capabilities: defaultCapabilities(),
      ...options,
    });
    return { writer, filePath };
  } catch (error) {
    stream.destroy();
    throw error;
  }
}

/**
 * A PostgreSQL-like escapeLiteral: E'…' strings with backslash escapes (raw
 * newlines kept, the hardest case for splitting), bytea as '\x…'.
 */
export function postgresLikeCapabilities(): DestinationCapabilities {
  const base = defaultCapabilities();
  return {
    ...base,
    escapeLiteral: (value: unknown): string => {
      if (value instanceof Uint8Array) return `'\\x${Buffer.from(value).toString("hex")}'`;
      if (typeof value === "string") {
        return `E'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
      }
      return base.escapeLiteral(value);
    },
  };
}
