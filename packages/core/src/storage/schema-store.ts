import { promises as fs } from "node:fs";
import * as path from "node:path";
import { Schema } from "../schema/schema.js";
import type { StoredSchema } from "../schema/schema-types.js";
import { readJsonFile, writeJsonAtomic } from "./atomic-file.js";

/** The pipeline's schemas, one JSON file each in `<working dir>/schemas/`. */
export class SchemaStore {
  constructor(readonly dir: string) {}

  /** The file of schema `name`. */
  file(name: string): string {
    return path.join(this.dir, `${name}.schema.json`);
  }

  async load(name: string): Promise<Schema | undefined> {
    try {
      return Schema.fromStored(await readJsonFile<StoredSchema>(this.file(name)));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw error;
    }
  }

  async save(schema: Schema): Promise<void> {
    await this.saveStored(schema.toStored());
  }

  /** Saves a schema as stored elsewhere (a destination's `_dlt_version`), unchanged. */
  async saveStored(schema: StoredSchema): Promise<void> {
    await writeJsonAtomic(this.file(schema.name), schema);
  }

  async names(): Promise<string[]> {
    const files = await fs.readdir(this.dir).catch(() => [] as string[]);
    return files.filter((f) => f.endsWith(".schema.json")).map((f) => f.slice(0, -".schema.json".length)).sort();
  }
}
