import type { DataItem, ExtractedPackageInfo } from "./extracted-package.js";

/**
 * Where extracted items go: job files of an extracted package (extract()),
 * or straight into a normalized package (run(), which saves writing and
 * re-reading every item). Either way nothing is visible until commit().
 */
export interface ExtractTarget {
  begin(loadId: string, info: ExtractedPackageInfo): Promise<void>;
  /**
   * One item of a root table (normalized name). Returns a promise only when
   * the caller has to wait: most items are only buffered, and an await per
   * item costs more than a small item's work.
   */
  write(table: string, item: DataItem): Promise<void> | undefined;
  commit(): Promise<void>;
  abort(): Promise<void>;
}
