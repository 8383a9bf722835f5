import { createHash } from "node:crypto";
import { DltException } from "../common/dlt-exception.js";

/** The parts of a job file name `<table>.<file_id>.<retry>.<format>`. */
export interface JobFileName {
  table: string;
  fileId: string;
  retry: number;
  format: string;
}

/**
 * Longest table part of a job file name, in UTF-8 bytes. File systems allow
 * 255 bytes per name; the rest holds the file id (10), a retry count, the
 * longest format (`insert_values`, 13), the dots, and what stages add to a
 * job's name: `.<name>.tmp` while it is written, `<name>.exception` when it failed.
 */
export const MAX_TABLE_PART_BYTES = 200;
/** Hex digits of the table name's hash that end a shortened table part. */
const HASH_CHARS = 16;
/** Cheap test first: a name of this many UTF-16 units or fewer cannot exceed the limit (3 UTF-8 bytes per unit at most). */
const SAFE_CHARS = Math.floor(MAX_TABLE_PART_BYTES / 3);

/**
 * The table name as it appears in job file names: the name itself, or, when
 * longer than {@link MAX_TABLE_PART_BYTES}, its start followed by `~` and a
 * hash of the whole name (a 300-character table, or the nested table of a
 * list 100 levels deep, would otherwise fail with ENAMETOOLONG).
 */
export function jobFileTablePart(table: string): string {
  if (table.length <= SAFE_CHARS || Buffer.byteLength(table, "utf8") <= MAX_TABLE_PART_BYTES) return table;
  const hash = createHash("sha256").update(table, "utf8").digest("hex").slice(0, HASH_CHARS);
  return `${utf8Prefix(table, MAX_TABLE_PART_BYTES - 1 - HASH_CHARS)}~${hash}`;
}

/** The longest start of `text` within `maxBytes` UTF-8 bytes, never cutting a surrogate pair. */
function utf8Prefix(text: string, maxBytes: number): string {
  let bytes = 0;
  let end = 0;
  while (end < text.length) {
    const code = text.codePointAt(end)!;
    const size = code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
    if (bytes + size > maxBytes) break;
    bytes += size;
    end += code >= 0x10000 ? 2 : 1;
  }
  return text.slice(0, end);
}

export function formatJobFileName(job: JobFileName): string {
  return `${jobFileTablePart(job.table)}.${job.fileId}.${job.retry}.${job.format}`;
}

/**
 * Parses from the right, so table names containing dots (direct naming)
 * still work. A long table name is shortened in file names (see
 * {@link jobFileTablePart}): pass the tables the file may belong to (the
 * schema's or the package's) to get the whole name back; without them, or
 * when none matches, `table` is the part the file name holds.
 */
export function parseJobFileName(fileName: string, tables?: { readonly [name: string]: unknown }): JobFileName {
  const parts = fileName.split(".");
  if (parts.length < 4) {
    throw new DltException(
      `Job file name "${fileName}" is not <table>.<file_id>.<retry>.<format>`,
    );
  }
  const format = parts.pop()!;
  const retry = Number(parts.pop());
  const fileId = parts.pop()!;
  if (!Number.isInteger(retry)) {
    throw new DltException(`Job file name "${fileName}" has a retry count that is not a number`);
  }
  const table = parts.join(".");
  return { table: tables ? tableOfPart(table, tables) : table, fileId, retry, format };
}

function tableOfPart(part: string, tables: { readonly [name: string]: unknown }): string {
  // A shortened part fills the limit but for at most 3 bytes (a multi-byte character that did not fit).
  if (Object.prototype.hasOwnProperty.call(tables, part) || Buffer.byteLength(part, "utf8") < MAX_TABLE_PART_BYTES - 3) return part;
  for (const name of Object.keys(tables)) if (name.length > SAFE_CHARS && jobFileTablePart(name) === part) return name;
  return part;
}
