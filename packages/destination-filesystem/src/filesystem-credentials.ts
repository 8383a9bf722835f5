import type { S3ClientConfig } from "@aws-sdk/client-s3";
import { config, configSpec, ConfigurationException, CredentialsConfiguration, NativeValueError, secret } from "@dlt-ts/core";

/** Region used for an S3-compatible store (`endpoint_url`) that names none: such stores ignore it, the SDK needs one. */
const DEFAULT_COMPATIBLE_REGION = "us-east-1";

/**
 * Credentials of an S3 bucket, with dlt's keys under
 * `destination.filesystem.credentials`: `aws_access_key_id`,
 * `aws_secret_access_key` (secret), `aws_session_token` (secret),
 * `profile_name`, `region_name`, `endpoint_url` (an S3-compatible store:
 * MinIO, R2, s3rver, ...) and `s3_url_style` (`path` or `vhost`). Every field
 * is optional: what is not given comes from the AWS SDK's default chain
 * (`AWS_ACCESS_KEY_ID`, `~/.aws/credentials`, instance roles), as dlt falls
 * back to botocore's. Printed forms mask the secrets.
 *
 * @example
 * // .dlt/secrets.toml
 * // [destination.filesystem.credentials]
 * // aws_access_key_id = "AKIA..."
 * // aws_secret_access_key = "..."
 * // endpoint_url = "http://127.0.0.1:9000"
 * String(new AwsCredentials({ awsAccessKeyId: "AKIA1", awsSecretAccessKey: "s3cr3t" }));
 * // "AwsCredentials(awsAccessKeyId=AKIA1, awsSecretAccessKey=***)"
 */
@configSpec()
export class AwsCredentials extends CredentialsConfiguration {
  /** Default: none (the SDK's default chain). */
  @config({ type: String, optional: true }) awsAccessKeyId?: string;
  /** Default: none (the SDK's default chain). Required with `aws_access_key_id`. */
  @secret({ type: String, optional: true }) awsSecretAccessKey?: string;
  /** Temporary credentials' token. Default: none. */
  @secret({ type: String, optional: true }) awsSessionToken?: string;
  /** A profile of `~/.aws/config` / `~/.aws/credentials`. Default: none. */
  @config({ type: String, optional: true }) profileName?: string;
  /** Default: the SDK's (`AWS_REGION`, `~/.aws/config`); `us-east-1` with `endpoint_url`. */
  @config({ type: String, optional: true }) regionName?: string;
  /** The URL of an S3-compatible store, e.g. `http://127.0.0.1:9000`. Default: AWS. */
  @config({ type: String, optional: true }) endpointUrl?: string;
  /** `path` (`endpoint/bucket/key`) or `vhost` (`bucket.endpoint/key`). Default: `path` with `endpoint_url`, else `vhost`. */
  @config({ type: String, optional: true }) s3UrlStyle?: string;

  /** @param value field values; none for an empty instance (the resolver fills it) */
  constructor(value?: string | Partial<AwsCredentials>) {
    super();
    this.applyInitValue(value, AwsCredentials);
  }

  /** AWS credentials have no one-string form (as in dlt): give them field by field, or as a JSON object. */
  parseNativeRepresentation(_native: string): void {
    throw new NativeValueError("AWS credentials are given field by field (aws_access_key_id, aws_secret_access_key, ...) or as a JSON object");
  }

  toNativeRepresentation(): string {
    return JSON.stringify({
      aws_access_key_id: this.awsAccessKeyId,
      aws_secret_access_key: this.awsSecretAccessKey,
      aws_session_token: this.awsSessionToken,
      profile_name: this.profileName,
      region_name: this.regionName,
      endpoint_url: this.endpointUrl,
    });
  }

  /**
   * The AWS SDK v3 client config. With `endpoint_url`, checksums are sent and
   * checked only where S3 requires them, as dlt does for S3-compatible stores
   * (many reject the SDK's default streaming checksums).
   *
   * @param section where the credentials were configured, for messages
   * @throws ConfigurationException when only one of the key pair is given, or `s3_url_style` is unknown
   */
  toS3ClientConfig(section = "destination.filesystem"): S3ClientConfig {
    if ((this.awsAccessKeyId === undefined) !== (this.awsSecretAccessKey === undefined)) {
      const missing = this.awsAccessKeyId === undefined ? "aws_access_key_id" : "aws_secret_access_key";
      throw new ConfigurationException(
        `${section}.credentials.${missing} is missing: aws_access_key_id and aws_secret_access_key are given together, or both left to the AWS SDK's default chain`,
      );
    }
    const style = this.s3UrlStyle?.toLowerCase();
    if (style !== undefined && style !== "path" && style !== "vhost" && style !== "virtual") {
      throw new ConfigurationException(`${section}.credentials.s3_url_style must be "path" or "vhost", got "${this.s3UrlStyle}"`);
    }
    const compatible = this.endpointUrl !== undefined && this.endpointUrl !== "";
    const region = this.regionName ?? (compatible ? DEFAULT_COMPATIBLE_REGION : undefined);
    return {
      ...(region ? { region } : {}),
      ...(compatible ? { endpoint: this.endpointUrl } : {}),
      forcePathStyle: style === undefined ? compatible : style === "path",
      ...(this.profileName ? { profile: this.profileName } : {}),
      ...(this.awsAccessKeyId !== undefined && this.awsSecretAccessKey !== undefined
        ? {
            credentials: {
              accessKeyId: this.awsAccessKeyId,
              secretAccessKey: this.awsSecretAccessKey,
              ...(this.awsSessionToken ? { sessionToken: this.awsSessionToken } : {}),
            },
          }
        : {}),
      ...(compatible ? { requestChecksumCalculation: "WHEN_REQUIRED", responseChecksumValidation: "WHEN_REQUIRED" } : {}),
    };
  }
}
