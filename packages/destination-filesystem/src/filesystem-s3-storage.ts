import { createReadStream, promises as fs } from "node:fs";
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type DeleteObjectsCommandOutput,
  type GetObjectCommandOutput,
  type ListObjectsV2CommandOutput,
} from "@aws-sdk/client-s3";
import { Readable } from "node:stream";
import { classifyStorageError } from "./filesystem-errors.js";
import { joinKey, type FilesystemStorage, type StorageBody } from "./filesystem-storage.js";

/** The part of the AWS SDK v3 `S3Client` this storage uses: a test or a user may pass any object with these. */
export interface S3ClientLike {
  send(command: object): Promise<unknown>;
  destroy(): void;
}

/** DeleteObjects takes at most this many keys per request. */
const DELETE_BATCH = 1000;

/**
 * A bucket on S3 or an S3-compatible store (MinIO, s3rver, R2, ...) through
 * the AWS SDK v3. A job file is streamed from disk in one PutObject (S3
 * takes up to 5 GiB that way; the normalizer's files are far smaller), keys
 * are listed page by page and deleted 1000 per request.
 *
 * @example
 * const storage = new S3Storage(new S3Client({ region: "eu-central-1" }), "my-bucket", "lake");
 * await storage.put("github/events/1714557630.123456.a1b2c3.jsonl", { filePath: "/tmp/job.jsonl" });
 */
export class S3Storage implements FilesystemStorage {
  readonly url: string;

  /**
   * @param client closed by {@link close}
   * @param prefix key prefix inside the bucket, "" for its root
   */
  constructor(
    private readonly client: S3ClientLike,
    readonly bucket: string,
    readonly prefix: string = "",
  ) {
    this.url = prefix ? `s3://${bucket}/${prefix}` : `s3://${bucket}`;
  }

  urlOf(key: string): string {
    return `s3://${this.bucket}/${this.fullKey(key)}`;
  }

  async put(key: string, body: StorageBody): Promise<void> {
    try {
      if (typeof body === "object" && "filePath" in body) {
        const { size } = await fs.stat(body.filePath);
        await this.client.send(
          new PutObjectCommand({ Bucket: this.bucket, Key: this.fullKey(key), Body: createReadStream(body.filePath), ContentLength: size }),
        );
      } else {
        await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: this.fullKey(key), Body: body }));
      }
    } catch (error) {
      throw classifyStorageError(error, `Cannot write ${this.urlOf(key)}`);
    }
  }

  async get(key: string): Promise<Buffer | undefined> {
    try {
      const output = (await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.fullKey(key) }))) as GetObjectCommandOutput;
      if (!output.Body) return Buffer.alloc(0);
      return Buffer.from(await output.Body.transformToByteArray());
    } catch (error) {
      if (isNoSuchKey(error)) return undefined;
      throw classifyStorageError(error, `Cannot read ${this.urlOf(key)}`);
    }
  }

  async openRead(key: string): Promise<Readable> {
    try {
      const output = (await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.fullKey(key) }))) as GetObjectCommandOutput;
      // In Node the SDK's body is a Readable (an IncomingMessage).
      return output.Body instanceof Readable ? output.Body : Readable.from([]);
    } catch (error) {
      throw classifyStorageError(error, `Cannot read ${this.urlOf(key)}`);
    }
  }

  keyOf(url: string): string | undefined {
    const root = this.prefix ? `s3://${this.bucket}/${this.prefix}/` : `s3://${this.bucket}/`;
    return url.startsWith(root) ? url.slice(root.length) : undefined;
  }

  async list(prefix: string): Promise<string[]> {
    const full = this.fullKey(prefix, prefix.endsWith("/"));
    const base = this.prefix ? `${this.prefix}/` : "";
    const keys: string[] = [];
    let token: string | undefined;
    try {
      do {
        const page = (await this.client.send(
          new ListObjectsV2Command({ Bucket: this.bucket, Prefix: full, ...(token ? { ContinuationToken: token } : {}) }),
        )) as ListObjectsV2CommandOutput;
        for (const object of page.Contents ?? []) {
          if (object.Key !== undefined && object.Key.startsWith(base)) keys.push(object.Key.slice(base.length));
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    } catch (error) {
      throw classifyStorageError(error, `Cannot list ${this.urlOf(prefix)}`);
    }
    return keys.sort();
  }

  async delete(keys: readonly string[]): Promise<void> {
    for (let start = 0; start < keys.length; start += DELETE_BATCH) {
      const batch = keys.slice(start, start + DELETE_BATCH);
      let output: DeleteObjectsCommandOutput;
      try {
        output = (await this.client.send(
          new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: batch.map((key) => ({ Key: this.fullKey(key) })), Quiet: true } }),
        )) as DeleteObjectsCommandOutput;
      } catch (error) {
        throw classifyStorageError(error, `Cannot delete ${batch.length} file(s) under ${this.url}`);
      }
      // DeleteObjects answers 200 and lists the keys it could not delete.
      const failed = (output.Errors ?? []).filter((e) => e.Code !== "NoSuchKey");
      if (failed.length > 0) {
        const first = failed[0]!;
        const cause = Object.assign(new Error(first.Message ?? "not deleted"), { name: first.Code ?? "Error" });
        throw classifyStorageError(
          cause,
          `Cannot delete ${failed.length} file(s) under ${this.url}, the first s3://${this.bucket}/${first.Key ?? ""}`,
        );
      }
    }
  }

  async close(): Promise<void> {
    this.client.destroy();
  }

  /** The bucket key of a storage key (a trailing `/` kept when asked, for folder prefixes). */
  private fullKey(key: string, keepTrailingSlash = false): string {
    const joined = joinKey(this.prefix, key);
    return keepTrailingSlash && joined !== "" ? `${joined}/` : joined;
  }
}

function isNoSuchKey(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } } | undefined;
  if (e?.name === "NoSuchBucket") return false;
  return e?.name === "NoSuchKey" || e?.name === "NotFound" || e?.$metadata?.httpStatusCode === 404;
}
