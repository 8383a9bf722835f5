import { promises as fs } from "node:fs";
import {
  DatabaseTerminalException,
  DestinationTerminalException,
  parseJobFileName,
  type ColumnSchema,
  type LoadJobRequest,
  type SqlClient,
} from "@dlt-ts/core";
import { SqlLoadJobBase, type SqlLoadJobHost, type TypeMapper } from "@dlt-ts/sql";
import { escapeDuckdbLiteral } from "./duckdb-capabilities.js";
import { DuckdbSqlClient } from "./duckdb-sql-client.js";

/** Formats DuckDB reads itself. */
export type DuckdbReadableFormat = "jsonl" | "csv" | "parquet";

/** DuckDB's default `max_line_size` of read_csv. */
const MIN_MAX_LINE_SIZE = 2 * 1024 * 1024;
/**
 * The longest csv record read: 32 MiB. Not the file size, as before: read_csv
 * allocates buffers of 16 × max_line_size, so a 100 MB job file asked for
 * 1.5 GiB and failed under the default memory_limit.
 */
const MAX_MAX_LINE_SIZE = 32 * 1024 * 1024;

/** Reads the first line of a file (the csv header), up to 1 MiB per read. */
async function firstLine(filePath: string): Promise<string> {
  const handle = await fs.open(filePath, "r");
  try {
    let text = "";
    let position = 0;
    const buffer = Buffer.alloc(1 << 20);
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
      if (bytesRead === 0) return text;
      position += bytesRead;
      text += buffer.toString("utf8", 0, bytesRead);
      const end = indexOfRecordEnd(text);
      if (end >= 0) return text.slice(0, end).replace(/\r$/, "");
    }
  } finally {
    await handle.close();
  }
}

/** The first line end outside double quotes. */
function indexOfRecordEnd(text: string): number {
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (c === "\n" && !quoted) return i;
  }
  return -1;
}

/** Fields of one RFC 4180 record. */
function parseCsvRecord(line: string): string[] {
  const fields: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      fields.push(field);
      field = "";
    } else field += c;
  }
  fields.push(field);
  return fields;
}

/**
 * Loads a jsonl, csv or parquet job file with one statement in which DuckDB
 * reads the file itself (`read_json`, `read_csv`, `read_parquet`, all
 * multithreaded native readers):
 * `INSERT INTO table BY NAME SELECT ... FROM read_xxx('<file>', ...)`.
 * Columns are matched by name; columns a file lacks stay NULL. jsonl and csv
 * are read with the column types given (no sniffing), binary values decoded
 * from the writers' base64 (jsonl) and `\x` hex (csv); csv keeps `""` as an
 * empty string and an empty unquoted field as NULL; parquet JSON columns,
 * which DuckDB reads as BLOB, are decoded to text. The statement runs in the
 * job's transaction with its completion marker.
 */
export class DuckdbFileLoadJob extends SqlLoadJobBase {
  constructor(
    host: SqlLoadJobHost,
    request: LoadJobRequest,
    private readonly typeMapper: TypeMapper,
  ) {
    super(host, request);
  }

  override async run(): Promise<void> {
    await super.run();
    const client = this.host.sqlClientFor(this.request.table.name);
    if (!(client instanceof DuckdbSqlClient)) return;
    const fileBytes = (await fs.stat(this.request.filePath).catch(() => undefined))?.size ?? 0;
    await client.releaseAfterLoad(fileBytes);
  }

  protected async load(tx: SqlClient, qualifiedTableName: string): Promise<void> {
    const select = await this.selectSql(tx);
    if (select) await tx.execute(`INSERT INTO ${qualifiedTableName} BY NAME ${select}`);
  }

  /** The SELECT reading the file, or undefined when it holds no rows. */
  protected async selectSql(tx: SqlClient): Promise<string | undefined> {
    const { format } = parseJobFileName(this.request.fileName);
    const file = escapeDuckdbLiteral(this.request.filePath);
    const columns = Object.values(this.request.table.columns).filter((c) => c.dataType !== undefined);
    switch (format as DuckdbReadableFormat) {
      case "parquet": {
        // Parquet JSON columns without a UTF-8 annotation (as our writer makes them) read as BLOB: decode them.
        // That needs the file's own columns, from its footer (10 ms a file of 600 columns): only for tables
        // that have json columns, as text is written annotated.
        if (!columns.some((c) => c.dataType === "json")) return `SELECT * FROM read_parquet(${file})`;
        const fileTypes = await tx.query<{ column_name: string; column_type: string }>(`DESCRIBE SELECT * FROM read_parquet(${file})`);
        if (fileTypes.length === 0) return undefined;
        const byName = new Map(columns.map((c) => [c.name, c]));
        const list = fileTypes.map(({ column_name: name, column_type: type }) => {
          const escaped = tx.escapeColumnName(name);
          const dataType = byName.get(name)?.dataType;
          return type === "BLOB" && (dataType === "json" || dataType === "text") ? `decode(${escaped}) AS ${escaped}` : escaped;
        });
        return `SELECT ${list.join(", ")} FROM read_parquet(${file})`;
      }
      case "jsonl": {
        if ((await fs.stat(this.request.filePath)).size === 0) return undefined;
        const types = columns.map((c) => `${escapeDuckdbLiteral(c.name)}: ${escapeDuckdbLiteral(this.readType(c))}`);
        return (
          `SELECT ${columns.map((c) => this.selectColumn(tx, c, "base64")).join(", ")} ` +
          `FROM read_json(${file}, format = 'newline_delimited', columns = {${types.join(", ")}})`
        );
      }
      case "csv": {
        const header = await firstLine(this.request.filePath);
        if (header.trim() === "") return undefined;
        // DuckDB refuses records longer than max_line_size (2 MB by default); no record is longer than the file.
        const fileSize = (await fs.stat(this.request.filePath)).size;
        const maxLineSize = Math.min(MAX_MAX_LINE_SIZE, Math.max(MIN_MAX_LINE_SIZE, fileSize + 1));
        const byName = new Map(columns.map((c) => [c.name, c]));
        const fileColumns = parseCsvRecord(header).map((name) => {
          const column = byName.get(name);
          if (!column) throw new DestinationTerminalException(`Job ${this.request.fileName}: csv column "${name}" is not a column of table "${this.request.table.name}"`);
          return column;
        });
        const types = fileColumns.map((c) => `${escapeDuckdbLiteral(c.name)}: ${escapeDuckdbLiteral(this.readType(c))}`);
        return (
          `SELECT ${fileColumns.map((c) => this.selectColumn(tx, c, "hex")).join(", ")} ` +
          `FROM read_csv(${file}, header = true, auto_detect = false, delim = ',', quote = '"', escape = '"', ` +
          `allow_quoted_nulls = false, max_line_size = ${maxLineSize}, buffer_size = ${2 * maxLineSize}, columns = {${types.join(", ")}})`
        );
      }
      default:
        throw new DestinationTerminalException(`Job ${this.request.fileName}: DuckDB does not read "${format}" files itself`);
    }
  }

  /**
   * DuckDB names the column of most conversion errors (csv: `Error when
   * converting column "a"`, casts: `from source column a`) but not those of
   * its JSON reader (`in line 2: Failed to cast value to numerical`): for
   * jsonl the file is read again as text, and the first column holding a
   * value that does not convert to its type is named in front of the error.
   */
  protected override async explainError(error: unknown): Promise<unknown> {
    if (!(error instanceof DatabaseTerminalException) || !/^(Conversion|Invalid Input) Error/.test(error.message)) return error;
    if (/converting column "|source column |column "/.test(error.message)) return error;
    try {
      const found = await this.unconvertibleColumn(this.host.sqlClientFor(this.request.table.name));
      if (!found) return error;
      return new DatabaseTerminalException(`column "${found.column.name}" (${found.type}): ${error.message}`, { cause: error, dbCode: error.dbCode });
    } catch {
      return error;
    }
  }

  /** The first column of a jsonl job file with a value that does not convert to the column's type. */
  private async unconvertibleColumn(client: SqlClient): Promise<{ column: ColumnSchema; type: string } | undefined> {
    if (parseJobFileName(this.request.fileName).format !== "jsonl") return undefined;
    const file = escapeDuckdbLiteral(this.request.filePath);
    const columns = Object.values(this.request.table.columns).filter((c) => c.dataType !== undefined);
    const typed = columns
      .filter((c) => c.dataType !== "text" && c.dataType !== "binary" && c.dataType !== "json")
      .map((column) => ({ column, type: this.readType(column) }));
    if (typed.length === 0) return undefined;
    const asText = `{${columns.map((c) => `${escapeDuckdbLiteral(c.name)}: 'VARCHAR'`).join(", ")}}`;
    const source = `read_json(${file}, format = 'newline_delimited', columns = ${asText})`;
    const checks = typed.map(
      ({ column, type }, i) =>
        `bool_or(${client.escapeColumnName(column.name)} IS NOT NULL AND TRY_CAST(${client.escapeColumnName(column.name)} AS ${type}) IS NULL) AS c${i}`,
    );
    const [row] = await client.query(`SELECT ${checks.join(", ")} FROM ${source}`);
    const index = typed.findIndex((_, i) => row?.[`c${i}`] === true);
    return index < 0 ? undefined : typed[index];
  }

  /** The type a reader parses a column as: the destination type, but text for binary (decoded in the SELECT). */
  private readType(column: ColumnSchema): string {
    if (column.dataType === "binary") return "VARCHAR";
    return this.typeMapper.toDestinationType(column, this.request.table);
  }

  private selectColumn(tx: SqlClient, column: ColumnSchema, binary: "base64" | "hex"): string {
    const name = tx.escapeColumnName(column.name);
    if (column.dataType !== "binary") return name;
    return binary === "base64" ? `from_base64(${name}) AS ${name}` : `from_hex(substr(${name}, 3)) AS ${name}`;
  }
}
