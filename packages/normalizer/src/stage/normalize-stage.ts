import {
  decodeTypedJson,
  HINTS_FILE,
  parseJobFileName,
  type ExtractedPackageInfo,
  type LoadPackageStorage,
  type SchemaStore,
} from "@dlt-ts/core";
import type { Row } from "../relational/relational-normalizer.js";
import { PackageNormalizer, type NormalizeInfo, type NormalizeOptions } from "./package-normalizer.js";
import { readLineBatches } from "./read-lines.js";

export type { NormalizeInfo, NormalizeOptions } from "./package-normalizer.js";

/**
 * Normalize stage: turns an extracted package into a load package. The
 * extracted package is deleted only after the load package is published, so
 * a kill at any point loses and doubles nothing.
 */
export class NormalizeStage {
  constructor(
    private readonly extracted: LoadPackageStorage,
    private readonly normalized: LoadPackageStorage,
    private readonly schemas: SchemaStore,
    private readonly options: NormalizeOptions,
    private readonly onRows?: (count: number) => void,
  ) {}

  async normalizePackage(loadId: string): Promise<NormalizeInfo> {
    const info = (await this.extracted.readJson<ExtractedPackageInfo>(loadId, HINTS_FILE))!;
    const writer = await PackageNormalizer.open(loadId, info, this.normalized, this.schemas, this.options);
    try {
      for (const fileName of await this.extracted.listJobs(loadId, "new_jobs")) {
        const rootTable = parseJobFileName(fileName).table;
        let rows = 0;
        for await (const lines of readLineBatches(this.extracted.jobPath(loadId, "new_jobs", fileName))) {
          for (const line of lines) {
            const writing = writer.add(rootTable, decodeTypedJson(line) as Row);
            if (writing) await writing;
            if (++rows % 1000 === 0) this.onRows?.(1000);
          }
        }
        this.onRows?.(rows % 1000);
      }
    } catch (error) {
      await writer.abort();
      throw error;
    }
    const result = await writer.finish();
    await this.extracted.deletePackage(loadId);
    return result;
  }
}
