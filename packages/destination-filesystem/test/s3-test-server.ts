import { mkdtempSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { S3Client } from "@aws-sdk/client-s3";
import S3rver from "s3rver";

// The SDK warns once per process that its 2027 releases need Node 22; the tests run on Node 20 on purpose.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

/** The access key id s3rver accepts; the secret it does not check, so tests use their own to look for leaks. */
export const S3RVER_ACCESS_KEY_ID = "S3RVER";

/** An S3-compatible server (s3rver, pure JS) on 127.0.0.1, on a free port the OS picks. */
export interface TestS3Server {
  readonly endpoint: string;
  /** A client of the test's own, to look into the bucket independently of the destination. */
  readonly client: S3Client;
  stop(): Promise<void>;
}

/** Starts s3rver with `buckets` created, its files in a temp dir removed by stop(). */
export async function startS3Server(buckets: string[]): Promise<TestS3Server> {
  const directory = mkdtempSync(path.join(os.tmpdir(), "dlt-ts-s3rver-"));
  const server = new S3rver({ address: "127.0.0.1", port: 0, silent: true, directory, configureBuckets: buckets.map((name) => ({ name })) });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({
    endpoint,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId: S3RVER_ACCESS_KEY_ID, secretAccessKey: "S3RVER" },
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
  return {
    endpoint,
    client,
    async stop() {
      client.destroy();
      // Keep-alive sockets of clients would hold close() open.
      server.httpServer?.closeAllConnections();
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
