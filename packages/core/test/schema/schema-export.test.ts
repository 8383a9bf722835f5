import { Schema, SchemaEvolver, SnakeCaseNamingConvention } from "@dlt-ts/core";
import { schemaToJson, schemaToYaml } from "../../src/schema/schema-export.js";

function sample(): Schema {
  const schema = new Schema("github");
  const evolver = new SchemaEvolver(schema, new SnakeCaseNamingConvention());
  evolver.coerceRow(evolver.ensureTable("events", undefined, { writeDisposition: "append" }), { id: "1", count: 2, "odd key": true });
  schema.bumpVersion();
  return schema;
}

describe("schema export", () => {
  it("exports JSON that round-trips through Schema.fromStored", () => {
    const schema = sample();
    const restored = Schema.fromStored(JSON.parse(schemaToJson(schema)));
    expect(restored.tables).toEqual(schema.tables);
    expect(restored.versionHash).toBe(schema.versionHash);
  });

  it("exports readable YAML with tables and typed columns", () => {
    const yaml = schemaToYaml(sample());
    expect(yaml).toContain("\nname: github\n");
    expect(yaml).toContain("\n  events:\n    name: events\n    columns:\n      id:\n        name: id\n        dataType: text\n        nullable: true\n");
    expect(yaml).toContain("\n    writeDisposition: append");
    expect(yaml).toMatch(/versionHash: "[^"]+"/);
  });
});
