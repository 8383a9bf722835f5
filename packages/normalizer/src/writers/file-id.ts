import { randomBytes } from "node:crypto";

const ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";

/**
 * A short random id for a job file: 10 base36 characters (~51 bits), like
 * dlt's uniq_id_base64 but safe in file names on case-insensitive file
 * systems and free of the `.` that separates the parts of a job file name.
 */
export function newFileId(length = 10): string {
  let id = "";
  for (const byte of randomBytes(length)) id += ALPHABET[byte % ALPHABET.length];
  return id;
}
