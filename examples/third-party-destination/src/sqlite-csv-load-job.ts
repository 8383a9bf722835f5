import { createReadStream } from "node:fs";
import { DestinationTerminalException, type ColumnSchema, type SqlClient } from "@dlt-ts/core";
import { SqlLoadJobBase } from "@dlt-ts/sql";
import { readCsvRecords, type CsvField } from "./sqlite-csv-reader.js";
import type { SqliteSqlClient, SqliteValue } from "./sqlite-sql-client.js";

/**
 * Loads a csv job file (the normalizer's format: header line, NULL as an
 * empty unquoted field, `""` for the empty string, exact digits for numbers,
 * ISO-8601 text for temporal values, `\x…` hex for binary) with one prepared
 * INSERT, inside the transaction SqlLoadJobBase opens together with the job's
 * completion marker. Each field becomes the value SQLite stores for its dlt type.
 */
export class SqliteCsvLoadJob extends SqlLoadJobBase {
  protected async load(tx: SqlClient, qualifiedTableName: string): Promise<void> {
    const { filePath, fileName, table } = this.request;
    const records = readCsvRecords(createReadStream(filePath, { encoding: "utf8", highWaterMark: 1 << 16 }));
    const first = await records.next();
    if (first.done) return;
    const header = first.value.map((f) => f.text);
    const converters = header.map((name) => {
      const column = table.columns[name];
      if (!column) throw new DestinationTerminalException(`Job ${fileName}: column "${name}" is not in table "${table.name}"`);
      return converter(column, fileName);
    });
    async function* rows(): AsyncGenerator<SqliteValue[]> {
      for await (const record of records) {
        if (record.length !== header.length) {
          throw new DestinationTerminalException(`Job ${fileName}: a row has ${record.length} fields, the header ${header.length}`);
        }
        yield record.map((field, index) => converters[index]!(field));
      }
    }
    await (tx as SqliteSqlClient).insertRows(qualifiedTableName, header, rows());
  }
}

/** Field → bound value for one column. An empty unquoted field is NULL. */
function converter(column: ColumnSchema, fileName: string): (field: CsvField) => SqliteValue {
  const nullable = (convert: (text: string) => SqliteValue) => (field: CsvField) => (field.text === "" && !field.quoted ? null : convert(field.text));
  switch (column.dataType) {
    case "bigint":
      return nullable((text) => BigInt(text));
    case "double":
      return nullable((text) => Number(text));
    case "bool":
      return nullable((text) => (text === "true" ? 1 : text === "false" ? 0 : invalid(fileName, column, text)));
    case "binary":
      return nullable((text) => (text.startsWith("\\x") ? Buffer.from(text.slice(2), "hex") : invalid(fileName, column, "binary value")));
    default:
      // text, json, decimal, wei (exact digits), timestamp, date, time (ISO-8601): stored as the text written.
      return nullable((text) => text);
  }
}

function invalid(fileName: string, column: ColumnSchema, what: string): never {
  throw new DestinationTerminalException(`Job ${fileName}: column "${column.name}" (${column.dataType}) cannot hold ${JSON.stringify(what)}`);
}
