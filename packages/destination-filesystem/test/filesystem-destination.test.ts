import { ConfigurationException, UnknownOptionException } from "@dlt-ts/core";
import { filesystem, filesystemCapabilities, InvalidBucketUrl } from "@dlt-ts/destination-filesystem";
import filesystemDefault from "@dlt-ts/destination-filesystem";
import { removeTempDirs, tempDir } from "./filesystem-test-utils.js";

afterAll(removeTempDirs);

function context() {
  const dir = tempDir("fs-dest");
  return { pipelineName: "p", datasetName: "p_data", workingDir: dir, projectDir: dir };
}

test("the default export is the factory; type and config section", () => {
  expect(filesystemDefault).toBe(filesystem);
  const destination = filesystem({ bucketUrl: "/tmp/x" });
  expect(destination.destinationType).toBe("filesystem");
  expect(destination.destinationName).toBe("filesystem");
  expect(filesystem({ destinationName: "lake" }).destinationName).toBe("lake");
});

test("capabilities: jsonl preferred, no merge, replace by truncation, snake_case, any table nesting", () => {
  const caps = filesystemCapabilities();
  expect(caps.preferredLoaderFileFormat).toBe("jsonl");
  expect(caps.supportedLoaderFileFormats).toEqual(["jsonl", "csv", "parquet"]);
  expect(caps.supportedMergeStrategies).toEqual([]);
  expect(caps.supportedReplaceStrategies).toEqual(["truncate-and-insert"]);
  expect(caps.namingConvention).toBe("snake_case");
  expect(caps.supportsTransactions).toBe(false);
  // undefined: the schema's default nesting (1000), as for every destination
  expect(caps.maxTableNesting).toBeUndefined();
});

test("a misspelt option names the right one", () => {
  expect(() => filesystem({ bucket_url: "/tmp/x" } as never)).toThrow(UnknownOptionException);
  expect(() => filesystem({ bucket_url: "/tmp/x" } as never)).toThrow('Unknown option "bucket_url" in filesystem(options): did you mean "bucketUrl"?');
});

test("location: the bucket URL, never credentials", async () => {
  const s3 = await filesystem({
    bucketUrl: "s3://lake/raw/",
    credentials: { awsAccessKeyId: "AKIA1", awsSecretAccessKey: "secret-value-xyz", endpointUrl: "http://127.0.0.1:9" },
  }).configure(context());
  expect(s3.location).toBe("s3://lake/raw");
  const local = await filesystem({ bucketUrl: "lake" }).configure(context());
  expect(local.location).toMatch(/^file:\/\/\/.*\/lake$/);
});

test("bad credentials, bucket URLs and layouts fail at configure(), before any work, naming the section", async () => {
  await expect(
    filesystem({ destinationName: "my_lake", bucketUrl: "s3://lake/raw", credentials: { awsSecretAccessKey: "only-the-secret" } }).configure(context()),
  ).rejects.toThrow("destination.my_lake.credentials.aws_access_key_id is missing");
  await expect(filesystem({ bucketUrl: "gs://lake" }).configure(context())).rejects.toThrow(InvalidBucketUrl);
  await expect(filesystem({ bucketUrl: "/tmp/x", layout: "{load_id}.{ext}" }).configure(context())).rejects.toThrow(ConfigurationException);
});
