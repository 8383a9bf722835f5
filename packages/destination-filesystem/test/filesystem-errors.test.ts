import { DestinationTerminalException, DestinationTransientException, registerSecret } from "@dlt-ts/core";
import { classifyStorageError, S3Storage } from "@dlt-ts/destination-filesystem";
import { S3Client } from "@aws-sdk/client-s3";

function s3Error(name: string, status: number, message = "x"): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });
}

describe("classifyStorageError", () => {
  test.each([
    ["EMFILE", Object.assign(new Error("too many open files"), { code: "EMFILE" })],
    ["EBUSY", Object.assign(new Error("busy"), { code: "EBUSY" })],
    ["ECONNRESET", Object.assign(new Error("socket hang up"), { code: "ECONNRESET" })],
    ["503", s3Error("ServiceUnavailable", 503)],
    ["500", s3Error("InternalError", 500)],
    ["SlowDown", s3Error("SlowDown", 503)],
    ["429", s3Error("TooManyRequestsException", 429)],
    ["RequestTimeout (400)", s3Error("RequestTimeout", 400)],
    ["a network error whose code was lost", new Error("AWS SDK error wrapper for Error: connect ECONNREFUSED 127.0.0.1:1")],
  ])("%s is transient", (_label, error) => {
    expect(classifyStorageError(error, "Cannot write s3://b/k")).toBeInstanceOf(DestinationTransientException);
  });

  test.each([
    ["EACCES", Object.assign(new Error("permission denied"), { code: "EACCES" })],
    ["ENOSPC", Object.assign(new Error("no space left"), { code: "ENOSPC" })],
    ["EROFS", Object.assign(new Error("read-only file system"), { code: "EROFS" })],
    ["AccessDenied", s3Error("AccessDenied", 403)],
    ["InvalidAccessKeyId", s3Error("InvalidAccessKeyId", 403)],
    ["SignatureDoesNotMatch", s3Error("SignatureDoesNotMatch", 403)],
    ["NoSuchBucket", s3Error("NoSuchBucket", 404)],
    ["anything else", new Error("odd")],
  ])("%s is terminal", (_label, error) => {
    expect(classifyStorageError(error, "Cannot write s3://b/k")).toBeInstanceOf(DestinationTerminalException);
  });

  test("a path with a name too long for the local file system says what to change", () => {
    const error = classifyStorageError(Object.assign(new Error("name too long, open '/b/ds/xxx/1.jsonl'"), { code: "ENAMETOOLONG" }), "Cannot write file:///b/ds/xxx/1.jsonl");
    expect(error).toBeInstanceOf(DestinationTerminalException);
    expect(error.message).toMatch(/^Cannot write file:\/\/\/b\/ds\/xxx\/1\.jsonl: ENAMETOOLONG: name too long.*longer than the local file system allows.*shorten the table name/);
  });

  test("the message names action, code and text, masks secrets and keeps the cause", () => {
    registerSecret("leaked-secret-value-123");
    const cause = s3Error("SignatureDoesNotMatch", 403, "The request signature we calculated does not match (key leaked-secret-value-123)");
    const error = classifyStorageError(cause, "Cannot list s3://lake/raw/ds/_dlt_loads");
    expect(error.message).toBe(
      "Cannot list s3://lake/raw/ds/_dlt_loads: SignatureDoesNotMatch: The request signature we calculated does not match (key ***)",
    );
    expect(error.cause).toBe(cause);
  });

  test("a store nobody listens on is a transient error of the operation (real connection to 127.0.0.1)", async () => {
    const client = new S3Client({
      endpoint: "http://127.0.0.1:1",
      region: "us-east-1",
      forcePathStyle: true,
      maxAttempts: 1,
      credentials: { accessKeyId: "a", secretAccessKey: "b" },
    });
    const storage = new S3Storage(client, "lake", "raw");
    try {
      const error = await storage.list("ds/events/").catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DestinationTransientException);
      expect((error as Error).message).toContain("Cannot list s3://lake/raw/ds/events");
      expect((error as Error).message).toContain("ECONNREFUSED");
    } finally {
      await storage.close();
    }
  });
});
