import { createReadStream } from "node:fs";
import { DestinationTerminalException, type LoadJobRequest, type SqlClient } from "@dlt-ts/core";
import { SqlLoadJobBase, type SqlLoadJobHost } from "@dlt-ts/sql";
import { columnWriterFor, MssqlValueConversionException, type MssqlColumnWriter } from "./mssql-bulk-columns.js";
import { readCatalogColumns } from "./mssql-catalog.js";
import { MalformedCsvException, readCsvRecords } from "./mssql-csv-reader.js";
import { loadTedious, type TediousModuleLike } from "./mssql-driver.js";
import { MssqlSqlClient } from "./mssql-sql-client.js";

/** How csv files reach the table. */
export type MssqlCsvLoadMethod = "bulk" | "insert";

const READ_CHUNK = 64 * 1024;

/**
 * Loads a csv job file (as the csv writer makes it: header row, NULL as an
 * empty unquoted field, binary as `\x` hex) into its table inside the job's
 * transaction. The file is streamed: records are parsed and converted one at
 * a time to the types of the table's columns, read from the catalog first
 * (columns, lengths and precision exactly as the table has them; no DDL runs
 * once the load starts). `bulk` sends them with a TDS bulk load (INSERT
 * BULK, constraints checked, triggers fired, NULLs kept); `insert` with
 * parameterized INSERT statements of at most 1000 rows and 2098 parameters.
 */
export class MssqlCsvLoadJob extends SqlLoadJobBase {
  constructor(
    host: SqlLoadJobHost,
    request: LoadJobRequest,
    private readonly method: MssqlCsvLoadMethod = "bulk",
    private readonly tedious: TediousModuleLike = loadTedious(),
  ) {
    super(host, request);
  }

  protected async load(tx: SqlClient, qualifiedTableName: string): Promise<void> {
    if (!(tx instanceof MssqlSqlClient)) throw new DestinationTerminalException("csv files load through a SQL Server client only");
    const { filePath, fileName, table } = this.request;
    const stream = createReadStream(filePath, { encoding: "utf8", highWaterMark: READ_CHUNK });
    try {
      const records = readCsvRecords(stream)[Symbol.asyncIterator]();
      const first = await records.next();
      if (first.done) return;
      const header = first.value;
      if (header.some((name) => name === null)) throw new MalformedCsvException(`csv file ${fileName} has an empty column name in its header`);
      const catalog = (await readCatalogColumns(tx, [table.name])).get(table.name);
      if (!catalog) throw new DestinationTerminalException(`Table ${qualifiedTableName} does not exist; it is created before its files load`);
      const byName = new Map(catalog.map((c) => [tx.capabilities.hasCaseSensitiveIdentifiers ? c.name : c.name.toLowerCase(), c]));
      const writers = (header as string[]).map((name) => {
        const column = byName.get(tx.capabilities.hasCaseSensitiveIdentifiers ? name : name.toLowerCase());
        if (!column) throw new DestinationTerminalException(`csv file ${fileName} has column "${name}", which table ${qualifiedTableName} does not have`);
        return columnWriterFor(column, this.tedious);
      });
      const failure: { error?: unknown } = {};
      const rows = convertRecords({ [Symbol.asyncIterator]: () => records }, writers, fileName, failure);
      try {
        if (this.method === "insert") await tx.insertRows(qualifiedTableName, writers, rows);
        else await tx.bulkLoad(qualifiedTableName, writers, rows);
      } catch (error) {
        // The driver may report a conversion error as a cancelled request: give the real reason.
        throw failure.error ?? error;
      }
    } finally {
      stream.destroy();
    }
  }
}

/**
 * csv records as rows of driver values. A record with the wrong number of
 * fields or a value its column cannot take stops the load with a terminal
 * error naming file, record and column (never the value); the error is also
 * left in `failure`.
 */
export async function* convertRecords(
  records: AsyncIterable<(string | null)[]>,
  writers: readonly MssqlColumnWriter[],
  fileName: string,
  failure: { error?: unknown } = {},
): AsyncGenerator<unknown[]> {
  let recordNo = 1;
  try {
    for await (const record of records) {
      recordNo++;
      if (record.length !== writers.length) {
        throw new MalformedCsvException(`csv file ${fileName}, record ${recordNo}: ${record.length} fields, the header has ${writers.length}`);
      }
      const row = new Array<unknown>(writers.length);
      for (let i = 0; i < writers.length; i++) {
        try {
          row[i] = writers[i]!.convert(record[i] ?? null);
        } catch (error) {
          if (error instanceof MssqlValueConversionException) {
            throw new MssqlValueConversionException(`csv file ${fileName}, record ${recordNo}: ${error.message}`, { cause: error });
          }
          throw error;
        }
      }
      yield row;
    }
  } catch (error) {
    failure.error = error;
    throw error;
  }
}
