import type { Readable } from "node:stream";

/** One csv field and whether it was quoted (`""` is the empty string, an empty unquoted field is NULL). */
export interface CsvField {
  text: string;
  quoted: boolean;
}

/**
 * Reads RFC 4180 csv (`,` delimiter, `"` quotes doubled inside quoted
 * fields, fields may span lines) from a text stream, one record at a time.
 */
export async function* readCsvRecords(input: Readable): AsyncGenerator<CsvField[]> {
  let record: CsvField[] = [];
  let text = "";
  let quoted = false;
  let inQuotes = false;
  let afterQuote = false;
  let started = false;
  const endField = () => {
    record.push({ text, quoted });
    text = "";
    quoted = false;
    afterQuote = false;
  };
  for await (const chunk of input) {
    const data = String(chunk);
    for (let i = 0; i < data.length; i++) {
      const c = data[i]!;
      if (inQuotes) {
        if (c === '"') {
          inQuotes = false;
          afterQuote = true;
        } else {
          text += c;
        }
        continue;
      }
      if (c === '"') {
        // `""` inside a quoted field: the quote that closed it opens it again with a literal quote.
        if (afterQuote) text += '"';
        inQuotes = true;
        quoted = true;
        started = true;
        continue;
      }
      afterQuote = false;
      if (c === ",") {
        endField();
        started = true;
      } else if (c === "\n") {
        endField();
        yield record;
        record = [];
        started = false;
      } else if (c !== "\r" || data[i + 1] !== "\n") {
        text += c;
        started = true;
      }
    }
  }
  if (started || text !== "" || record.length > 0) {
    endField();
    yield record;
  }
}
