import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { InvalidBucketUrl } from "./filesystem-exceptions.js";

/** A local folder: `file:///abs/path` or a plain path. */
export interface LocalBucket {
  readonly protocol: "file";
  /** Absolute path of the bucket root. */
  readonly localPath: string;
}

/** An S3 (or S3-compatible) bucket: `s3://bucket/prefix`. */
export interface S3Bucket {
  readonly protocol: "s3";
  readonly bucket: string;
  /** Key prefix inside the bucket, without leading or trailing `/`; "" for the bucket root. */
  readonly prefix: string;
}

export type BucketLocation = LocalBucket | S3Bucket;

/** Protocols the destination writes to. */
export const SUPPORTED_PROTOCOLS = ["file", "s3"] as const;

const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//;

/**
 * Parses `bucket_url` as dlt does: a URL with a scheme, or a local path
 * (relative paths resolve against `baseDir`, the project dir). Credentials
 * inside the URL are refused, never used, and masked in the error.
 *
 * @example
 * parseBucketUrl("s3://my-bucket/lake", "/app");   // { protocol: "s3", bucket: "my-bucket", prefix: "lake" }
 * parseBucketUrl("data/lake", "/app");             // { protocol: "file", localPath: "/app/data/lake" }
 * parseBucketUrl("file:///var/lake", "/app");      // { protocol: "file", localPath: "/var/lake" }
 * @throws InvalidBucketUrl
 */
export function parseBucketUrl(bucketUrl: string, baseDir: string): BucketLocation {
  const text = bucketUrl.trim();
  if (text === "") throw new InvalidBucketUrl(bucketUrl, "it is empty");
  const scheme = SCHEME.exec(text)?.[1]?.toLowerCase();
  if (scheme === undefined) return { protocol: "file", localPath: path.resolve(baseDir, text) };

  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InvalidBucketUrl(maskUrlCredentials(text), "it is not a valid URL");
  }
  if (url.username || url.password) {
    throw new InvalidBucketUrl(
      maskUrlCredentials(text),
      "credentials do not belong in the URL; set credentials (aws_access_key_id, aws_secret_access_key) in the destination's config instead",
    );
  }
  if (scheme === "file") {
    let localPath: string;
    try {
      localPath = fileURLToPath(url);
    } catch {
      throw new InvalidBucketUrl(text, "a file URL needs an absolute path and no host (file:///absolute/path)");
    }
    return { protocol: "file", localPath: path.resolve(localPath) };
  }
  if (scheme === "s3") {
    if (!url.hostname) throw new InvalidBucketUrl(text, "it names no bucket (s3://bucket/path)");
    const prefix = decodeURIComponent(url.pathname).replace(/^\/+|\/+$/g, "");
    return { protocol: "s3", bucket: url.hostname, prefix };
  }
  throw new InvalidBucketUrl(text, `protocol "${scheme}" is not supported (supported: ${SUPPORTED_PROTOCOLS.join(", ")})`);
}

/** The bucket as a URL, as LoadInfo shows it: `file:///abs/path` or `s3://bucket/prefix`. Holds no secrets. */
export function bucketDisplayUrl(location: BucketLocation): string {
  if (location.protocol === "file") return pathToFileURL(location.localPath).href;
  return location.prefix ? `s3://${location.bucket}/${location.prefix}` : `s3://${location.bucket}`;
}

/** `scheme://user:***@host/...`: the password part of a URL masked (text that does not parse is kept up to its scheme). */
export function maskUrlCredentials(text: string): string {
  return text.replace(/^([a-zA-Z][a-zA-Z0-9+.-]*:\/\/)([^@/]*)@/, (_m, scheme: string, userinfo: string) => {
    const user = userinfo.split(":")[0] ?? "";
    return `${scheme}${user}:***@`;
  });
}
