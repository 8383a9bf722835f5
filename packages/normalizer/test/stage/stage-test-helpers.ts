import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  defaultCapabilities,
  encodeTypedJson,
  EXTRACTED_FORMAT,
  formatJobFileName,
  HINTS_FILE,
  LoadPackageStorage,
  namingConvention,
  SchemaStore,
  type DestinationCapabilities,
  type StoredSchema,
  type TableHints,
  type TableSchema,
} from "@dlt-ts/core";
import { NormalizeStage } from "../../src/stage/normalize-stage";
import type { NormalizeOptions } from "../../src/stage/package-normalizer";

// Workers run the TypeScript sources through tsx: map @dlt-ts/* to src there as jest does here.
process.env.TSX_TSCONFIG_PATH = path.resolve(__dirname, "../../../../tsconfig.test.json");

export const LOAD_ID = "1700000000.000001";

/** An extracted package: one typed-JSON job file per entry (files of one table allowed), with hints. */
export interface ExtractedFixture {
  files: Array<{ table: string; items: Record<string, unknown>[] }>;
  hints?: Record<string, Partial<TableHints>>;
}

export interface NormalizedResult {
  tables: Record<string, TableSchema>;
  updates: Record<string, TableSchema>;
  rowCounts: Record<string, number>;
  /** Rows per table from the jsonl job files, ids left out, sorted. */
  rows: Record<string, string[]>;
  jobFiles: string[];
  partsRedone: number;
}

/** Normalizes the fixture in a fresh directory (jsonl job files) and reads back what the package holds. */
export async function normalizeFixture(
  fixture: ExtractedFixture,
  workers: number,
  options: {
    minPartBytes?: number;
    capabilities?: Partial<DestinationCapabilities>;
    stored?: StoredSchema;
    /** Called with the normalized packages' folder before it is removed, whatever happened. */
    inspect?: (normalizedRoot: string) => void;
  } = {},
): Promise<NormalizedResult> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "dlt-ts-stage-"));
  try {
    const extracted = new LoadPackageStorage(path.join(dir, "extracted"));
    const normalized = new LoadPackageStorage(path.join(dir, "normalized"));
    const schemas = new SchemaStore(path.join(dir, "schemas"));
    if (options.stored) {
      await import("node:fs/promises").then((fs) => fs.mkdir(schemas.dir, { recursive: true }));
      writeFileSync(schemas.file(options.stored.name), JSON.stringify(options.stored));
    }
    await extracted.createPackage(LOAD_ID, "extracted", { schemaName: "fixture" });
    const tables: Record<string, TableHints> = {};
    fixture.files.forEach((file, i) => {
      const name = formatJobFileName({ table: file.table, fileId: `f${String(i).padStart(4, "0")}`, retry: 0, format: EXTRACTED_FORMAT });
      writeFileSync(extracted.jobPath(LOAD_ID, "new_jobs", name), file.items.map((item) => encodeTypedJson(item) + "\n").join(""));
      tables[file.table] = { table: file.table, resource: file.table, writeDisposition: "append", columns: {}, ...fixture.hints?.[file.table] };
    });
    await extracted.writeJson(LOAD_ID, HINTS_FILE, { schemaName: "fixture", tables });
    const normalizeOptions: NormalizeOptions = {
      capabilities: { ...defaultCapabilities(), preferredLoaderFileFormat: "jsonl", supportedLoaderFileFormats: ["jsonl"], ...options.capabilities },
      naming: namingConvention("snake_case"),
      workers,
    };
    const stage = new NormalizeStage(extracted, normalized, schemas, normalizeOptions, undefined, options.minPartBytes ?? 1);
    const info = await stage.normalizePackage(LOAD_ID);
    const schema = (await normalized.readJson<StoredSchema>(LOAD_ID, "schema.json"))!;
    const updates = (await normalized.readJson<Record<string, TableSchema>>(LOAD_ID, "schema_updates.json"))!;
    const jobFiles = await normalized.listJobs(LOAD_ID, "new_jobs");
    const rows: Record<string, string[]> = {};
    for (const file of jobFiles.filter((f) => f.endsWith(".jsonl"))) {
      const table = file.split(".")[0]!;
      for (const line of readFileSync(normalized.jobPath(LOAD_ID, "new_jobs", file), "utf8").split("\n")) {
        if (!line) continue;
        const { _dlt_id: _id, _dlt_parent_id: _parent, _dlt_root_id: _root, ...row } = JSON.parse(line) as Record<string, unknown>;
        (rows[table] ??= []).push(JSON.stringify(row, Object.keys(row).sort()));
      }
    }
    for (const list of Object.values(rows)) list.sort();
    return { tables: schema.tables, updates, rowCounts: info.rowCounts, rows, jobFiles, partsRedone: stage.partsRedone };
  } finally {
    options.inspect?.(path.join(dir, "normalized"));
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Files left in a directory tree (to see that a failed package left nothing behind). */
export function filesUnder(dir: string): string[] {
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => path.join(e.parentPath, e.name));
  } catch {
    return [];
  }
}
