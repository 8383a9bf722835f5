import type { StoredSchema } from "./schema-types.js";
import type { Schema } from "./schema.js";

/** The schema as pretty JSON, the form stored in working dirs and load packages. */
export function schemaToJson(schema: Schema): string {
  return JSON.stringify(schema.toStored(), null, 2);
}

/**
 * The schema as YAML (dlt exports schemas as YAML for people to read and
 * edit). Keys keep dlt-ts' camelCase; strings are quoted only when needed.
 */
export function schemaToYaml(schema: Schema): string {
  return `${toYaml(schema.toStored() as unknown as StoredSchema, 0)}\n`;
}

function toYaml(value: unknown, indent: number): string {
  const pad = "  ".repeat(indent);
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    return value.map((item) => `\n${pad}- ${toYaml(item, indent + 1).replace(/^\n\s*/, "")}`).join("");
  }
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return "{}";
    return entries
      .map(([key, v]) => {
        const rendered = toYaml(v, indent + 1);
        const nested = v !== null && typeof v === "object" && rendered !== "[]" && rendered !== "{}";
        return `\n${pad}${scalar(key)}:${nested ? "" : " "}${rendered}`;
      })
      .join("");
  }
  return scalar(value);
}

function scalar(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  const text = String(value);
  const plain = /^[A-Za-z_][\w.\- ]*$/.test(text) && !/^(true|false|null|yes|no|on|off|~)$/i.test(text) && !/\s$/.test(text);
  return plain ? text : JSON.stringify(text);
}
