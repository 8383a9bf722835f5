import * as path from "node:path";
import { randomBytes } from "node:crypto";
import {
  encodeTypedJson,
  EXTRACTED_FORMAT,
  formatJobFileName,
  HINTS_FILE,
  LoadPackageStorage,
  type DataItem,
  type ExtractedPackageInfo,
  type ExtractTarget,
} from "@dlt-ts/core";
import { BufferedLineWriter } from "./buffered-line-writer.js";

/** Writes items as typed JSON lines, one file per table, into a hidden extracted package. */
export class JobFileTarget implements ExtractTarget {
  private readonly writers = new Map<string, BufferedLineWriter>();
  private loadId = "";
  private info: ExtractedPackageInfo | undefined;

  constructor(private readonly storage: LoadPackageStorage) {}

  private get packageId(): string {
    return LoadPackageStorage.inProgressId(this.loadId);
  }

  async begin(loadId: string, info: ExtractedPackageInfo): Promise<void> {
    this.loadId = loadId;
    this.info = info;
    await this.storage.createPackage(this.packageId, "extracted", { schemaName: info.schemaName });
  }

  write(table: string, item: DataItem): Promise<void> | undefined {
    let writer = this.writers.get(table);
    if (!writer) {
      const fileName = formatJobFileName({ table, fileId: randomBytes(5).toString("hex"), retry: 0, format: EXTRACTED_FORMAT });
      writer = new BufferedLineWriter(path.join(this.storage.packagePath(this.packageId), "new_jobs", fileName));
      this.writers.set(table, writer);
    }
    return writer.writeLine(encodeTypedJson(item));
  }

  async commit(): Promise<void> {
    for (const writer of this.writers.values()) await writer.close();
    await this.storage.writeJson(this.packageId, HINTS_FILE, this.info);
    await this.storage.publishPackage(this.loadId, "extracted");
  }

  async abort(): Promise<void> {
    for (const writer of this.writers.values()) await writer.close().catch(() => undefined);
    await this.storage.deletePackage(this.packageId);
  }
}
