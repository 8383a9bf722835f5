import { Schema } from "@dlt-ts/core";
import { reorderPipelineArgs } from "../../src/cli/cli.js";
import { CliError, maskSecrets } from "../../src/cli/cli-output.js";
import { templateNames } from "../../src/cli/init-command.js";
import { planDrop } from "../../src/cli/pipeline-drop.js";
import { newState } from "../../src/pipeline/pipeline-state.js";

/* In-process checks of the pieces the child-process tests cannot vary cheaply. */

describe("reorderPipelineArgs", () => {
  it.each([
    [["pipeline", "gh", "info"], ["pipeline", "info", "gh"]],
    [["pipeline", "gh", "load-package", "1.5"], ["pipeline", "load-package", "gh", "1.5"]],
    [["pipeline", "--pipelines-dir", "d", "gh", "trace"], ["pipeline", "trace", "--pipelines-dir", "d", "gh"]],
    [["pipeline", "gh", "show", "--destination", "postgres"], ["pipeline", "show", "gh", "--destination", "postgres"]],
    // A pipeline named like an operation: the second word is the operation.
    [["pipeline", "show", "info"], ["pipeline", "info", "show"]],
    // Operation first is accepted too.
    [["pipeline", "info", "gh"], ["pipeline", "info", "gh"]],
    // A name alone means info, as in dlt.
    [["pipeline", "gh"], ["pipeline", "info", "gh"]],
    [["pipeline", "--pipelines-dir", "d", "gh"], ["pipeline", "info", "--pipelines-dir", "d", "gh"]],
    [["pipeline", "--list"], ["pipeline", "--list"]],
    [["--debug", "pipeline", "gh", "sync"], ["--debug", "pipeline", "sync", "gh"]],
    [["init", "gh", "postgres"], ["init", "gh", "postgres"]],
    [["pipeline", "gh", "schema", "--format", "json"], ["pipeline", "schema", "gh", "--format", "json"]],
    [["pipeline", "--schema-name", "s", "gh", "drop", "users", "re:^ord"], ["pipeline", "drop", "--schema-name", "s", "gh", "users", "re:^ord"]],
  ])("%j → %j", (args, expected) => {
    expect(reorderPipelineArgs(args)).toEqual(expected);
  });

  it("an unknown operation after the name says so and lists the operations", () => {
    const message =
      'Unknown operation "tables": dlt-ts pipeline <name> <operation>, where operation is one of ' +
      "info, trace, load-package, failed-jobs, drop-pending-packages, sync, show, schema, drop";
    expect(() => reorderPipelineArgs(["pipeline", "gh", "tables"])).toThrow(CliError);
    expect(() => reorderPipelineArgs(["pipeline", "gh", "tables", "--pipelines-dir", "d"])).toThrow(message);
  });
});

describe("planDrop", () => {
  function shop(): Schema {
    const schema = new Schema("shop");
    const column = (name: string) => ({ name, dataType: "text" as const });
    schema.tables.users = { name: "users", resource: "users", writeDisposition: "merge", columns: { id: column("id") } };
    schema.tables.users__tags = { name: "users__tags", parent: "users", columns: { value: column("value") } };
    schema.tables.users__tags__more = { name: "users__tags__more", parent: "users__tags", columns: { value: column("value") } };
    // A resource whose table name differs from the resource name.
    schema.tables.order_lines = { name: "order_lines", resource: "OrderLines", columns: { sku: column("sku") } };
    schema.tables.orders_archive = { name: "orders_archive", resource: "orders_archive", columns: { id: column("id") } };
    schema.bumpVersion();
    return schema;
  }
  function state() {
    const s = newState("p", "p_dataset");
    s.versionHash = "abc";
    s.sources = { shop: { resources: { users: { cursor: 1 }, OrderLines: { page: 3 }, gone: { x: 1 } }, other: 1 }, crm: { resources: { users: 5 } } };
    return s;
  }

  it("drops a resource's root table with every nested table, resets its state, and leaves its inputs alone", () => {
    const schema = shop();
    const before = schema.toStored();
    const input = state();
    const plan = planDrop(schema, input, { selectors: ["users"] });
    expect(plan.resourceNames).toEqual(["users"]);
    expect(plan.tables).toEqual(["users", "users__tags", "users__tags__more"]);
    expect(plan.resourceStates).toEqual(["users"]);
    expect(plan.warnings).toEqual([]);
    expect(Object.keys(plan.schema.tables).filter((t) => !t.startsWith("_dlt"))).toEqual(["order_lines", "orders_archive"]);
    expect(plan.schema.version).toBe(schema.version + 1);
    expect(plan.state.sources).toEqual({ shop: { resources: { OrderLines: { page: 3 }, gone: { x: 1 } }, other: 1 }, crm: { resources: { users: 5 } } });
    // Sent to the destination again on the next extract, as dlt's force_state_extract.
    expect(plan.state.versionHash).toBe("");
    expect(schema.toStored()).toEqual(before);
    expect(input.sources.shop).toEqual(state().sources.shop);
  });

  it("selects by resource name, root table name or re: pattern (matched from the start); state keys too", () => {
    expect(planDrop(shop(), state(), { selectors: ["order_lines"] }).resourceStates).toEqual(["OrderLines"]);
    const byPattern = planDrop(shop(), state(), { selectors: ["re:order", "gone"] });
    expect(byPattern.tables).toEqual(["order_lines", "orders_archive"]);
    expect(byPattern.resourceNames).toEqual(["OrderLines", "orders_archive"]);
    expect(byPattern.resourceStates).toEqual(["OrderLines", "gone"]);
    expect(planDrop(shop(), state(), { selectors: ["re:lines"] }).tables).toEqual([]);
  });

  it("--drop-all takes every resource; --state-only keeps tables and schema", () => {
    const all = planDrop(shop(), state(), { selectors: [], dropAll: true });
    expect(all.tables).toEqual(["users", "users__tags", "users__tags__more", "order_lines", "orders_archive"]);
    expect(all.resourceStates).toEqual(["users", "OrderLines", "gone"]);
    const stateOnly = planDrop(shop(), state(), { selectors: ["users"], stateOnly: true });
    expect(stateOnly.tables).toEqual([]);
    expect(stateOnly.resourceStates).toEqual(["users"]);
    expect(stateOnly.schema.versionHash).toBe(shop().versionHash);
  });

  it("warns about selectors that select nothing, pointing nested tables to their root", () => {
    const plan = planDrop(shop(), state(), { selectors: ["nope", "users__tags"] });
    expect(plan.tables).toEqual([]);
    expect(plan.warnings).toEqual([
      "nope, users__tags selected no resource, table or resource state in schema shop " +
        "(users__tags: nested tables go with their root table, select that). Resources: users, OrderLines, orders_archive",
    ]);
    expect(() => planDrop(shop(), state(), { selectors: ["re:("] })).toThrow("Invalid regex in re:(");
  });
});

describe("maskSecrets", () => {
  it("masks passwords in URLs and key=value connection strings, and nothing else", () => {
    expect(maskSecrets("at postgresql://loader:pa:ss@db:5432/x and mssql://sa:S3cr3t!@h/db")).toBe(
      "at postgresql://loader:***@db:5432/x and mssql://sa:***@h/db",
    );
    expect(maskSecrets("Server=h;User Id=sa;Password=S3cr3t;Database=d")).toBe("Server=h;User Id=sa;Password=***;Database=d");
    expect(maskSecrets("?user=u&pwd=x1&sslmode=require")).toBe("?user=u&pwd=***&sslmode=require");
    expect(maskSecrets("postgresql://loader@db:5432/x, https://example.com/a:b@c")).toBe("postgresql://loader@db:5432/x, https://example.com/a:b@c");
    expect(maskSecrets("postgresql://loader:***@db/x")).toBe("postgresql://loader:***@db/x");
  });
});

describe("templateNames", () => {
  it("derives file, pipeline, dataset, function and sink names from the source name", () => {
    expect(templateNames("github_events")).toEqual({
      source: "github_events",
      pipelineName: "github_events_pipeline",
      datasetName: "github_events_data",
      sourceFunction: "githubEventsSource",
      sinkName: "github_events_sink",
    });
    expect(templateNames("MyApi").sourceFunction).toBe("myApiSource");
  });
});
