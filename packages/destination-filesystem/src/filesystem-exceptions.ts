import { ConfigurationException, DestinationTerminalException } from "@dlt-ts/core";

/** `bucket_url` cannot be used: an unknown protocol, no path, or credentials written into the URL. */
export class InvalidBucketUrl extends ConfigurationException {
  constructor(
    readonly bucketUrl: string,
    readonly reason: string,
  ) {
    super(invalidBucketUrlMessage(bucketUrl, reason));
  }
}

/** The text of {@link InvalidBucketUrl}; `bucketUrl` must already be masked. */
export function invalidBucketUrlMessage(bucketUrl: string, reason: string): string {
  return (
    `bucket_url "${bucketUrl}" cannot be used: ${reason}. ` +
    `Use file:///absolute/path, a local path (relative to the project dir) or s3://bucket/path.`
  );
}

/** The layout names placeholders that are neither dlt's nor given as extra placeholders. */
export class InvalidFilesystemLayout extends ConfigurationException {
  constructor(
    readonly layout: string,
    readonly invalidPlaceholders: readonly string[],
    readonly validPlaceholders: readonly string[],
  ) {
    super(invalidLayoutMessage(layout, invalidPlaceholders, validPlaceholders));
  }
}

/** The text of {@link InvalidFilesystemLayout}. */
export function invalidLayoutMessage(layout: string, invalid: readonly string[], valid: readonly string[]): string {
  return (
    `Layout "${layout}" has unknown placeholders: ${invalid.map((p) => `{${p}}`).join(", ")}. ` +
    `Known placeholders: ${[...valid].sort().map((p) => `{${p}}`).join(", ")}. ` +
    `Add your own with extra_placeholders (destination.filesystem.extra_placeholders).`
  );
}

/**
 * The layout does not say where a table's files are: `{table_name}` is missing,
 * preceded by a placeholder other than `{schema_name}`, or not followed by a
 * separator. Replace needs the table's prefix to find its earlier files.
 */
export class CantExtractTablePrefix extends ConfigurationException {
  constructor(
    readonly layout: string,
    readonly details: string,
  ) {
    super(`Cannot find the table prefix in layout "${layout}": ${details}`);
  }
}

/** A job file whose format this destination does not write (e.g. insert_values). */
export class UnsupportedJobFileFormat extends DestinationTerminalException {
  constructor(
    readonly fileName: string,
    readonly format: string,
    readonly supported: readonly string[],
  ) {
    super(
      `The filesystem destination cannot store job file "${fileName}": format "${format}" is not one of ${supported.join(", ")}. ` +
        `Choose one of them with run(data, { loaderFileFormat }).`,
    );
  }
}
