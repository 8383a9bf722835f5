import { createReadStream } from "node:fs";
import { DestinationTerminalException, type SqlClient } from "@dlt-ts/core";
import { SqlLoadJobBase } from "@dlt-ts/sql";
import { PostgresSqlClient } from "./postgres-sql-client.js";

/** Size of the chunks sent to COPY: one write per row is ~3× slower than coalesced 64 KB chunks. */
export const COPY_CHUNK_SIZE = 64 * 1024;

const NEWLINE = 0x0a;
const QUOTE = 0x22;
const NUL_ESCAPE = Buffer.from("\\u0000");

/**
 * Splits the header record off a CSV buffer. Returns undefined while the
 * record is incomplete (no line end outside quotes yet).
 */
export function splitCsvHeader(buffer: Buffer): { names: string[]; rest: Buffer } | undefined {
  let inQuotes = false;
  for (let i = 0; i < buffer.length; i++) {
    const byte = buffer[i];
    if (byte === QUOTE) inQuotes = !inQuotes;
    else if (byte === NEWLINE && !inQuotes) {
      const line = buffer.subarray(0, i).toString("utf8").replace(/\r$/, "");
      return { names: parseCsvRecord(line), rest: buffer.subarray(i + 1) };
    }
  }
  return undefined;
}

/** Fields of one RFC 4180 record. */
export function parseCsvRecord(line: string): string[] {
  const fields: string[] = [];
  let field = "";
  let inQuotes = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (inQuotes) {
      if (c === '"') {
        if (line[i + 1] === '"') {
          field += '"';
          i++;
        } else inQuotes = false;
      } else field += c;
    } else if (c === '"') inQuotes = true;
    else if (c === ",") {
      fields.push(field);
      field = "";
    } else field += c;
  }
  fields.push(field);
  return fields;
}

function withoutNulBytes(chunk: Buffer): Buffer {
  if (chunk.indexOf(0) < 0) return chunk;
  return Buffer.from(chunk.filter((b) => b !== 0));
}

/** Removes JSON `\u0000` escapes (those preceded by an even number of backslashes). */
function withoutNulEscapes(text: string): string {
  return text.replace(/(^|[^\\])((?:\\\\)*)\\u0000/g, "$1$2");
}

/**
 * Streams the data records of a CSV file in ~64 KB chunks with U+0000
 * removed: raw NUL bytes always, and JSON `\u0000` escapes when
 * `jsonColumns` (jsonb rejects them). A chunk ends at a line end when escapes
 * are filtered, so none is cut in two.
 */
async function* csvBody(rest: Buffer, stream: AsyncIterable<Buffer>, jsonColumns: boolean): AsyncGenerator<Buffer> {
  let carry = rest;
  const emit = (buffer: Buffer): Buffer => {
    const clean = withoutNulBytes(buffer);
    if (!jsonColumns || clean.indexOf(NUL_ESCAPE) < 0) return clean;
    return Buffer.from(withoutNulEscapes(clean.toString("utf8")));
  };
  for await (const chunk of stream) {
    carry = carry.length ? Buffer.concat([carry, chunk]) : chunk;
    if (carry.length < COPY_CHUNK_SIZE) continue;
    const cut = jsonColumns ? carry.lastIndexOf(NEWLINE) + 1 : carry.length;
    if (cut === 0) continue;
    yield emit(carry.subarray(0, cut));
    carry = carry.subarray(cut);
  }
  if (carry.length) yield emit(carry);
}

/**
 * Loads a csv job file with `COPY table (columns) FROM STDIN (FORMAT csv)`,
 * columns taken from the file's header row; the file is streamed in ~64 KB
 * chunks inside the job's transaction. Unquoted empty fields are NULL, `""`
 * is an empty string, bytea values are `\x` hex.
 */
export class PostgresCsvCopyJob extends SqlLoadJobBase {
  protected async load(tx: SqlClient, qualifiedTableName: string): Promise<void> {
    if (!(tx instanceof PostgresSqlClient)) throw new DestinationTerminalException("csv files load through a Postgres SQL client only");
    // A staged file in a bucket streams straight into COPY.
    const stream = this.request.openRead
      ? await this.request.openRead()
      : createReadStream(this.request.filePath, { highWaterMark: COPY_CHUNK_SIZE });
    const chunks = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    let head = Buffer.alloc(0);
    let header: ReturnType<typeof splitCsvHeader>;
    while (!(header = splitCsvHeader(head))) {
      const next = await chunks.next();
      if (next.done) {
        if (head.toString("utf8").trim() === "") return;
        header = { names: parseCsvRecord(head.toString("utf8").replace(/\r?\n?$/, "")), rest: Buffer.alloc(0) };
        break;
      }
      head = Buffer.concat([head, next.value]);
    }
    const columns = header.names.map((name) => tx.escapeColumnName(name)).join(", ");
    const jsonColumns = Object.values(this.request.table.columns).some((c) => c.dataType === "json");
    const rest: AsyncIterable<Buffer> = { [Symbol.asyncIterator]: () => chunks };
    try {
      await tx.copyFrom(`COPY ${qualifiedTableName} (${columns}) FROM STDIN WITH (FORMAT csv)`, csvBody(header.rest, rest, jsonColumns));
    } finally {
      stream.destroy();
    }
  }
}
