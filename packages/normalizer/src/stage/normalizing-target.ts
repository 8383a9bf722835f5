import type { DataItem, ExtractedPackageInfo, ExtractTarget, LoadPackageStorage, SchemaStore } from "@dlt-ts/core";
import { PackageNormalizer, type NormalizeInfo, type NormalizeOptions } from "./package-normalizer.js";

/**
 * Extracts straight into a normalized load package: what run() uses, so each
 * item is normalized as it is pulled instead of being written out as JSON and
 * parsed back. The guarantees are the extract's: nothing is published unless
 * every resource was drained.
 */
export class NormalizingTarget implements ExtractTarget {
  private writer: PackageNormalizer | undefined;
  /** Set once commit() published the package. */
  info: NormalizeInfo | undefined;

  constructor(
    private readonly normalized: LoadPackageStorage,
    private readonly schemas: SchemaStore,
    private readonly options: NormalizeOptions,
  ) {}

  async begin(loadId: string, info: ExtractedPackageInfo): Promise<void> {
    this.writer = await PackageNormalizer.open(loadId, info, this.normalized, this.schemas, this.options);
  }

  write(table: string, item: DataItem): Promise<void> | undefined {
    return this.writer!.add(table, item);
  }

  async commit(): Promise<void> {
    this.info = await this.writer!.finish();
  }

  async abort(): Promise<void> {
    await this.writer?.abort();
  }
}
