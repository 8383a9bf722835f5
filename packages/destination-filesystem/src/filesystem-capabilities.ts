import { capabilities, type DestinationCapabilities } from "@dlt-ts/core";

/**
 * What the filesystem destination can do, as dlt's: the normalizer writes
 * jsonl unless a table or run asks for csv or parquet, and a load job only
 * copies the file. No transactions, no merge (merge tables are appended,
 * with a warning), replace by deleting the table's earlier files. Names are
 * snake_case, case-sensitive (they become folder and file names).
 */
export function filesystemCapabilities(): DestinationCapabilities {
  return capabilities({
    preferredLoaderFileFormat: "jsonl",
    supportedLoaderFileFormats: ["jsonl", "csv", "parquet"],
    preferredStagingFileFormat: undefined,
    supportedStagingFileFormats: [],
    hasCaseSensitiveIdentifiers: true,
    supportsTransactions: false,
    supportsDdlTransactions: false,
    supportedMergeStrategies: [],
    supportedReplaceStrategies: ["truncate-and-insert"],
    namingConvention: "snake_case",
    timestampPrecision: 6,
  });
}
