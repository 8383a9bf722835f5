import { createHash } from "node:crypto";
import type { SchemaSettings, StoredSchema, TableSchema, ColumnSchema } from "./schema-types.js";
import { dltSystemTables, DLT_PREFIX } from "./system-tables.js";
import { schemaToJson, schemaToYaml } from "./schema-export.js";

export const SCHEMA_ENGINE_VERSION = 1;

/**
 * A schema: tables and their columns as dlt infers and evolves them.
 * Versioned by a content hash; the version number rises when the hash changes.
 *
 * @example
 * const schema = new Schema("github");
 * schema.tables["events"]?.columns["id"]?.dataType;
 */
export class Schema {
  name: string;
  version = 0;
  versionHash = "";
  previousHashes: string[] = [];
  settings: SchemaSettings;
  tables: Record<string, TableSchema>;

  constructor(name: string, settings: Partial<SchemaSettings> = {}) {
    this.name = name;
    this.settings = { namingConvention: "snake_case", detections: ["iso_timestamp"], ...settings };
    this.tables = dltSystemTables();
    this.bumpVersion();
  }

  static fromStored(stored: StoredSchema): Schema {
    const schema = new Schema(stored.name, stored.settings);
    schema.tables = structuredClone(stored.tables);
    schema.version = stored.version;
    schema.versionHash = stored.versionHash;
    schema.previousHashes = [...stored.previousHashes];
    return schema;
  }

  toStored(): StoredSchema {
    return {
      name: this.name,
      version: this.version,
      versionHash: this.versionHash,
      previousHashes: [...this.previousHashes],
      engineVersion: SCHEMA_ENGINE_VERSION,
      settings: structuredClone(this.settings),
      tables: structuredClone(this.tables),
    };
  }

  /** The schema as YAML, for people to read (dlt's `to_pretty_yaml`). */
  toPrettyYaml(): string {
    return schemaToYaml(this);
  }

  /** The schema as pretty JSON. */
  toPrettyJson(): string {
    return schemaToJson(this);
  }

  clone(): Schema {
    return Schema.fromStored(this.toStored());
  }

  /** Recomputes the content hash; raises the version when the content changed. */
  bumpVersion(): boolean {
    const hash = contentHash(this.name, this.settings, this.tables);
    if (hash === this.versionHash) return false;
    if (this.versionHash) this.previousHashes = [this.versionHash, ...this.previousHashes].slice(0, 10);
    this.versionHash = hash;
    this.version += 1;
    return true;
  }

  getTable(name: string): TableSchema | undefined {
    return this.tables[name];
  }

  /** Tables with data, without dlt's own `_dlt_*` tables. */
  dataTables(): TableSchema[] {
    return Object.values(this.tables).filter((t) => !isDltName(t.name) && Object.keys(t.columns).length > 0);
  }

  /** The root table a (nested) table belongs to. */
  rootTableOf(name: string): TableSchema {
    let table = this.tables[name];
    if (!table) throw new Error(`Table "${name}" is not in schema "${this.name}"`);
    while (table.parent) table = this.tables[table.parent]!;
    return table;
  }

  /** Direct children of a table, in schema order. */
  childTables(name: string): TableSchema[] {
    return Object.values(this.tables).filter((t) => t.parent === name);
  }

  /** A root table followed by all its nested tables, depth first. */
  tableChain(rootName: string): TableSchema[] {
    const root = this.tables[rootName];
    if (!root) return [];
    return [root, ...this.childTables(rootName).flatMap((child) => this.tableChain(child.name))];
  }

  /** Write disposition of a table, inherited from its root. */
  writeDispositionOf(name: string): NonNullable<TableSchema["writeDisposition"]> {
    return this.rootTableOf(name).writeDisposition ?? "append";
  }

  /** Columns with a data type, in order (partial columns that only carry hints are left out). */
  completeColumns(name: string): ColumnSchema[] {
    return Object.values(this.tables[name]?.columns ?? {}).filter((c) => c.dataType !== undefined);
  }
}

export function isDltName(name: string): boolean {
  return name.startsWith(DLT_PREFIX);
}

function contentHash(name: string, settings: SchemaSettings, tables: Record<string, TableSchema>): string {
  return createHash("sha256").update(JSON.stringify({ name, settings, tables })).digest("base64");
}
