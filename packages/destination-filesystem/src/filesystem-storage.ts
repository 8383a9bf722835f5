import type { Readable } from "node:stream";
/** What goes into a file: text, bytes, or a local file streamed from disk. */
export type StorageBody = string | Uint8Array | { readonly filePath: string };

/**
 * The few operations the filesystem destination needs of a bucket. Keys are
 * `/`-separated paths relative to the bucket root (`bucket_url`), never
 * starting with `/`. Implementations: {@link LocalFileStorage} (local
 * folders) and {@link S3Storage} (S3 and S3-compatible stores); another store
 * (a test double, GCS, Azure) only has to implement these.
 *
 * Every method throws errors classified as DestinationTerminalException or
 * DestinationTransientException, with secrets masked.
 */
export interface FilesystemStorage {
  /** The bucket root as a URL without secrets: `file:///abs/path`, `s3://bucket/prefix`. */
  readonly url: string;
  /** The URL of a key (`s3://bucket/prefix/<key>`, `file:///abs/path/<key>`). */
  urlOf(key: string): string;
  /** Writes a whole file; readers see the old content or the new, never a part. Overwrites. */
  put(key: string, body: StorageBody): Promise<void>;
  /** A file's content, or undefined when there is no such key. */
  get(key: string): Promise<Buffer | undefined>;
  /** A file's content as a stream, for files too big to hold in memory. */
  openRead(key: string): Promise<Readable>;
  /** The key of a URL {@link urlOf} gave, or undefined when the URL is not in this storage. */
  keyOf(url: string): string | undefined;
  /** Keys that start with `prefix` (any depth), sorted. A missing folder or bucket path gives []. */
  list(prefix: string): Promise<string[]>;
  /** Deletes the keys; a key that does not exist is no error. */
  delete(keys: readonly string[]): Promise<void>;
  /** Releases connections. The storage is not used afterwards. */
  close(): Promise<void>;
}

/** `a/b` + `c/d` → `a/b/c/d`, with empty parts and duplicate slashes dropped. */
export function joinKey(...parts: string[]): string {
  return parts
    .flatMap((part) => part.split("/"))
    .filter((part) => part !== "")
    .join("/");
}
