import type { Schema } from "@dlt-ts/core";
import { CliError, type CliOutput } from "./cli-output.js";
import type { PipelineInspector } from "./pipeline-inspector.js";

/** Formats of `pipeline <name> schema --format`. */
export const SCHEMA_FORMATS = ["yaml", "json"] as const;
export type SchemaFormat = (typeof SCHEMA_FORMATS)[number];

export interface SchemaOptions {
  /** Default "yaml", as dlt. */
  format?: SchemaFormat;
  /** Default: the pipeline's default schema. */
  schemaName?: string;
}

/**
 * `pipeline <name> schema`: prints a schema of the pipeline as it is kept in
 * the working dir, YAML by default (as dlt), or JSON. Only the schema goes to
 * stdout, so `> schema.yaml` gives a file a YAML reader takes.
 */
export function showSchema(inspector: PipelineInspector, output: CliOutput, options: SchemaOptions): void {
  const schema = pickSchema(inspector, options.schemaName);
  const format = options.format ?? "yaml";
  output.out((format === "json" ? schema.toPrettyJson() : schema.toPrettyYaml()).trim());
}

/**
 * The schema named `schemaName`, else the default schema of the state;
 * fails naming the schemas that exist.
 */
export function pickSchema(inspector: PipelineInspector, schemaName: string | undefined): Schema {
  const name = schemaName ?? inspector.state()?.defaultSchemaName;
  const known = inspector.schemaNames();
  const schema = name ? inspector.schema(name) : undefined;
  if (schema) return schema;
  const pipelineName = inspector.pipelineName;
  if (known.length === 0) throw new CliError(`Pipeline ${pipelineName} has no schema yet: run it first`);
  if (!schemaName) throw new CliError(`Pipeline ${pipelineName} has no default schema: pass --schema-name (schemas: ${known.join(", ")})`);
  throw new CliError(`Schema ${schemaName} not found in pipeline ${pipelineName}: its schemas are ${known.join(", ")}`);
}
