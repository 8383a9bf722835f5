import { DltException, type DestinationCapabilities, type LoaderFileFormat } from "@dlt-ts/core";

/** A destination that cannot load from the stage it was given. */
export class StagingNotSupportedException extends DltException {}

/**
 * The capabilities the normalizer writes with when files go through a stage
 * (as dlt picks them): the formats both the stage stores and the destination
 * loads from a stage, the destination's preferred staging format first.
 * Everything else stays the destination's.
 *
 * @throws StagingNotSupportedException when the two share no format
 */
export function withStagingFileFormats(
  destination: DestinationCapabilities,
  destinationName: string,
  staging: DestinationCapabilities,
  stagingName: string,
): DestinationCapabilities {
  const shared = destination.supportedStagingFileFormats.filter((format) => staging.supportedLoaderFileFormats.includes(format));
  if (shared.length === 0) {
    const loads = destination.supportedStagingFileFormats.length
      ? `loads ${destination.supportedStagingFileFormats.join(", ")} files from a stage`
      : "cannot load from a stage";
    throw new StagingNotSupportedException(
      `Destination ${destinationName} ${loads}, and staging destination ${stagingName} stores ` +
        `${staging.supportedLoaderFileFormats.join(", ")}: they share no file format. Remove the staging option or pick another destination.`,
    );
  }
  const preferred: LoaderFileFormat =
    destination.preferredStagingFileFormat !== undefined && shared.includes(destination.preferredStagingFileFormat)
      ? destination.preferredStagingFileFormat
      : shared[0]!;
  return { ...destination, preferredLoaderFileFormat: preferred, supportedLoaderFileFormats: shared };
}
