import { ValueConversionError } from "./value-conversion-error.js";

/**
 * The bytes of a binary column's value: a Uint8Array (or Buffer) as is, an
 * ArrayBuffer wrapped, a string as its UTF-8 bytes.
 */
export function toBytes(value: unknown): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (typeof value === "string") return Buffer.from(value, "utf8");
  throw new ValueConversionError("expected a Uint8Array, an ArrayBuffer or a string");
}

/** Standard base64 with padding (RFC 4648 §4), how jsonl and json columns carry binary data. */
export function bytesToBase64(bytes: Uint8Array): string {
  return asBuffer(bytes).toString("base64");
}

/** Lowercase hex without prefix. */
export function bytesToHex(bytes: Uint8Array): string {
  return asBuffer(bytes).toString("hex");
}

function asBuffer(bytes: Uint8Array): Buffer {
  // A view, not a copy: Buffer.from(arrayBuffer, offset, length) shares memory.
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
