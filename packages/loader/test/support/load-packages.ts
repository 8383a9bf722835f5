import { promises as fs } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { LoadPackageStorage, Schema, type TableSchema } from "@dlt-ts/core";

export interface TempStorages {
  dir: string;
  normalized: LoadPackageStorage;
  loaded: LoadPackageStorage;
  cleanup(): Promise<void>;
}

export async function tempStorages(): Promise<TempStorages> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "dlt-ts-loader-"));
  return {
    dir,
    normalized: new LoadPackageStorage(path.join(dir, "normalized")),
    loaded: new LoadPackageStorage(path.join(dir, "loaded")),
    cleanup: () => fs.rm(dir, { recursive: true, force: true }),
  };
}

/** A schema with the given tables added to dlt's system tables. */
export function schemaWith(name: string, tables: TableSchema[]): Schema {
  const schema = new Schema(name, { namingConvention: "direct" });
  for (const table of tables) schema.tables[table.name] = table;
  schema.bumpVersion();
  return schema;
}

export function table(name: string, columns: string[], extra: Partial<TableSchema> = {}): TableSchema {
  return {
    name,
    writeDisposition: extra.parent ? undefined : "append",
    columns: Object.fromEntries(columns.map((c) => [c, { name: c, dataType: "text", nullable: true }])),
    ...extra,
  };
}

/** Writes a normalized package: schema.json, schema_updates.json and job files with the given content. */
export async function writePackage(
  storage: LoadPackageStorage,
  loadId: string,
  schema: Schema,
  jobs: Record<string, string | Uint8Array | unknown[]>,
  updates: Record<string, TableSchema> = {},
): Promise<void> {
  await storage.createPackage(loadId, "normalized");
  await storage.writeJson(loadId, "schema.json", schema.toStored());
  await storage.writeJson(loadId, "schema_updates.json", updates);
  for (const [fileName, content] of Object.entries(jobs)) {
    const text = Array.isArray(content) ? content.map((row) => JSON.stringify(row)).join("\n") + "\n" : content;
    await fs.writeFile(storage.jobPath(loadId, "new_jobs", fileName), text);
  }
}

/** `n` rows `{ id: i }` as jsonl. */
export function rows(n: number, from = 0): Record<string, unknown>[] {
  return Array.from({ length: n }, (_, i) => ({ id: from + i }));
}
