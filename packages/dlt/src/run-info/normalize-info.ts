import type { NormalizeInfo as PackageNormalizeInfo } from "@dlt-ts/normalizer";

/** Rows per table over the packages one normalize() call produced. */
export class NormalizeInfo {
  constructor(readonly packages: PackageNormalizeInfo[]) {}

  get rowCounts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const pkg of this.packages) {
      for (const [table, rows] of Object.entries(pkg.rowCounts)) counts[table] = (counts[table] ?? 0) + rows;
    }
    return counts;
  }

  toString(): string {
    const lines = [`Normalized data for ${this.packages.length} load package(s)`];
    for (const [table, rows] of Object.entries(this.rowCounts)) lines.push(`- ${table}: ${rows} row(s)`);
    return lines.join("\n");
  }
}
