import { inspect } from "node:util";
import { AwsCredentials, bucketDisplayUrl, InvalidBucketUrl, parseBucketUrl } from "@dlt-ts/destination-filesystem";

describe("parseBucketUrl", () => {
  test.each([
    ["file:///var/lake", { protocol: "file", localPath: "/var/lake" }, "file:///var/lake"],
    ["file:///var/my%20lake/", { protocol: "file", localPath: "/var/my lake" }, "file:///var/my%20lake"],
    ["file://localhost/var/lake", { protocol: "file", localPath: "/var/lake" }, "file:///var/lake"],
    ["/var/lake", { protocol: "file", localPath: "/var/lake" }, "file:///var/lake"],
    ["data/lake", { protocol: "file", localPath: "/app/data/lake" }, "file:///app/data/lake"],
    ["./lake/../lake2", { protocol: "file", localPath: "/app/lake2" }, "file:///app/lake2"],
    ["s3://my-bucket", { protocol: "s3", bucket: "my-bucket", prefix: "" }, "s3://my-bucket"],
    ["s3://my-bucket/", { protocol: "s3", bucket: "my-bucket", prefix: "" }, "s3://my-bucket"],
    ["s3://my.bucket/lake/raw/", { protocol: "s3", bucket: "my.bucket", prefix: "lake/raw" }, "s3://my.bucket/lake/raw"],
    ["S3://my-bucket/lake", { protocol: "s3", bucket: "my-bucket", prefix: "lake" }, "s3://my-bucket/lake"],
  ])("%s", (url, expected, display) => {
    const parsed = parseBucketUrl(url, "/app");
    expect(parsed).toEqual(expected);
    expect(bucketDisplayUrl(parsed)).toBe(display);
  });

  test.each([
    ["", "it is empty"],
    ["gs://bucket/path", 'protocol "gs" is not supported (supported: file, s3)'],
    ["s3:///path", "it names no bucket"],
    ["file://somehost/path", "a file URL needs an absolute path and no host"],
  ])("%s is refused", (url, reason) => {
    expect(() => parseBucketUrl(url, "/app")).toThrow(InvalidBucketUrl);
    expect(() => parseBucketUrl(url, "/app")).toThrow(reason);
  });

  test("credentials in the URL are refused, and masked in the error", () => {
    let message = "";
    try {
      parseBucketUrl("s3://AKIAKEY:hunter2-secret@bucket/path", "/app");
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidBucketUrl);
      message = (error as Error).message;
    }
    expect(message).toContain('"s3://AKIAKEY:***@bucket/path"');
    expect(message).toContain("set credentials (aws_access_key_id, aws_secret_access_key)");
    expect(message).not.toContain("hunter2-secret");
  });
});

describe("AwsCredentials", () => {
  test("an S3-compatible endpoint: path style, a default region, checksums only where required", () => {
    const config = new AwsCredentials({ awsAccessKeyId: "AKIA1", awsSecretAccessKey: "s3cr3t", endpointUrl: "http://127.0.0.1:9000" }).toS3ClientConfig();
    expect(config).toEqual({
      region: "us-east-1",
      endpoint: "http://127.0.0.1:9000",
      forcePathStyle: true,
      credentials: { accessKeyId: "AKIA1", secretAccessKey: "s3cr3t" },
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
    });
  });

  test("AWS itself: the SDK's defaults for what is not given", () => {
    expect(new AwsCredentials({ regionName: "eu-central-1", profileName: "lake" }).toS3ClientConfig()).toEqual({
      region: "eu-central-1",
      forcePathStyle: false,
      profile: "lake",
    });
    expect(new AwsCredentials({ s3UrlStyle: "path" }).toS3ClientConfig().forcePathStyle).toBe(true);
  });

  test("half a key pair and unknown url styles are config errors", () => {
    expect(() => new AwsCredentials({ awsAccessKeyId: "AKIA1" }).toS3ClientConfig()).toThrow(
      "destination.filesystem.credentials.aws_secret_access_key is missing",
    );
    expect(() => new AwsCredentials({ s3UrlStyle: "dns" }).toS3ClientConfig()).toThrow('s3_url_style must be "path" or "vhost", got "dns"');
  });

  test("printed forms mask the secrets", () => {
    const creds = new AwsCredentials({ awsAccessKeyId: "AKIA1", awsSecretAccessKey: "s3cr3t-value", awsSessionToken: "tok3n-value" });
    for (const text of [String(creds), JSON.stringify(creds), inspect(creds)]) {
      expect(text).toContain("AKIA1");
      expect(text).not.toContain("s3cr3t-value");
      expect(text).not.toContain("tok3n-value");
    }
  });
});
