import { reorderPipelineArgs } from "../../src/cli/cli.js";
import { maskSecrets } from "../../src/cli/cli-output.js";
import { templateNames } from "../../src/cli/init-command.js";

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
  ])("%j → %j", (args, expected) => {
    expect(reorderPipelineArgs(args)).toEqual(expected);
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
