import { DestinationTerminalException } from "@dlt-ts/core";

/** Raised for a csv job file that is not RFC 4180 as the csv writer makes it. */
export class MalformedCsvException extends DestinationTerminalException {}

const enum State {
  /** At the start of a field. */
  FieldStart,
  /** Inside an unquoted field. */
  Unquoted,
  /** Inside a quoted field. */
  Quoted,
  /** Just after a `"` inside a quoted field: `"` again is a literal quote, anything else ends the field. */
  QuoteInQuoted,
  /** After a closing quote: only a delimiter or a line end may follow. */
  AfterQuoted,
}

const COMMA = 0x2c;
const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/**
 * Reads csv records (RFC 4180: `,` delimiter, `"` quotes doubled inside
 * quoted fields, `\n` or `\r\n` line ends, line breaks allowed inside quotes)
 * from text chunks, keeping apart what the csv writer keeps apart: an empty
 * unquoted field is `null` (SQL NULL), an empty quoted field `""` is the empty
 * string. A line with nothing on it is a record of one null field (a NULL in
 * a one-column file); the end of the text after a line end is no record.
 * Memory holds one record at a time.
 *
 * @throws MalformedCsvException on a quote inside an unquoted field, text after a closing quote, or an unclosed quote
 * @example
 * for await (const record of readCsvRecords(fs.createReadStream(file, "utf8"))) { ... }  // ["1", null, ""]
 */
export async function* readCsvRecords(source: AsyncIterable<string | Buffer>): AsyncGenerator<(string | null)[]> {
  let state = State.FieldStart;
  let field = "";
  let record: (string | null)[] = [];
  let line = 1;
  /** Whether anything of the current record was read (a line end then ends a record). */
  let started = false;
  const decoder = new TextDecoder("utf-8");
  const bad = (problem: string) => new MalformedCsvException(`csv file is malformed at line ${line}: ${problem}`);

  const chunks = async function* (): AsyncGenerator<string> {
    for await (const chunk of source) yield typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true });
    const rest = decoder.decode();
    if (rest) yield rest;
  };

  const unquoted = (text: string, atLineEnd: boolean): string | null => {
    const value = atLineEnd && text.endsWith("\r") ? text.slice(0, -1) : text;
    return value === "" ? null : value;
  };

  for await (const text of chunks()) {
    let i = 0;
    const n = text.length;
    const records: (string | null)[][] = [];
    const endRecord = () => {
      records.push(record);
      record = [];
      started = false;
      line++;
      state = State.FieldStart;
    };
    while (i < n) {
      switch (state) {
        case State.FieldStart: {
          const c = text.charCodeAt(i);
          started = true;
          if (c === QUOTE) {
            state = State.Quoted;
            i++;
          } else if (c === COMMA) {
            record.push(null);
            i++;
          } else if (c === LF) {
            record.push(null);
            endRecord();
            i++;
          } else {
            state = State.Unquoted;
          }
          break;
        }
        case State.Unquoted: {
          let j = i;
          let c = 0;
          for (; j < n; j++) {
            c = text.charCodeAt(j);
            if (c === COMMA || c === LF) break;
            if (c === QUOTE) throw bad("a quote inside an unquoted field");
          }
          field += text.slice(i, j);
          i = j;
          if (j >= n) break;
          record.push(unquoted(field, c === LF));
          field = "";
          i++;
          if (c === LF) endRecord();
          else state = State.FieldStart;
          break;
        }
        case State.Quoted: {
          const q = text.indexOf('"', i);
          const part = text.slice(i, q < 0 ? n : q);
          for (let k = part.indexOf("\n"); k >= 0; k = part.indexOf("\n", k + 1)) line++;
          field += part;
          if (q < 0) {
            i = n;
          } else {
            i = q + 1;
            state = State.QuoteInQuoted;
          }
          break;
        }
        case State.QuoteInQuoted: {
          if (text.charCodeAt(i) === QUOTE) {
            field += '"';
            i++;
            state = State.Quoted;
          } else {
            state = State.AfterQuoted;
          }
          break;
        }
        case State.AfterQuoted: {
          const c = text.charCodeAt(i);
          if (c === CR) {
            i++;
            break;
          }
          if (c !== COMMA && c !== LF) throw bad("text after a closing quote");
          record.push(field);
          field = "";
          i++;
          if (c === LF) endRecord();
          else state = State.FieldStart;
          break;
        }
      }
    }
    yield* records;
  }

  switch (state) {
    case State.Quoted:
      throw bad("a quoted field is not closed");
    case State.Unquoted:
      record.push(unquoted(field, true));
      yield record;
      break;
    case State.QuoteInQuoted:
    case State.AfterQuoted:
      record.push(field);
      yield record;
      break;
    default:
      // Text that ended right after a comma: the last field is empty.
      if (started) {
        record.push(null);
        yield record;
      }
  }
}
