import { mkdtempSync, writeFileSync, mkdirSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pipeline, resolveDestinationByName } from "dlt-ts";
import { received } from "./fixtures/reference-sinks.js";

const fixture = path.join(__dirname, "fixtures", "reference-sinks");

function tempDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), "dlt-ts-sink-by-name-"));
}

describe("a sink resolved by name, like any destination", () => {
  const keys = ["DESTINATION__MY_HOOK__DESTINATION_TYPE", "DESTINATION__MY_HOOK__DESTINATION_CALLABLE", "DESTINATION__MY_HOOK__BATCH_SIZE"];
  afterEach(() => {
    for (const key of keys) delete process.env[key];
    received.length = 0;
  });

  it("destination_type = sink with destination_callable in env", async () => {
    process.env.DESTINATION__MY_HOOK__DESTINATION_TYPE = "sink";
    process.env.DESTINATION__MY_HOOK__DESTINATION_CALLABLE = `${fixture}#plainFunction`;
    process.env.DESTINATION__MY_HOOK__BATCH_SIZE = "2";
    const resolved = await resolveDestinationByName("my_hook", { projectDir: tempDir() });
    expect([resolved.destinationType, resolved.destinationName]).toEqual(["sink", "my_hook"]);

    const p = pipeline({ pipelineName: "by_name", pipelinesDir: tempDir(), projectDir: tempDir(), destination: "my_hook", progress: "none" });
    const info = await p.run([{ id: 1 }, { id: 2 }, { id: 3 }], { tableName: "items" });
    expect(received).toEqual(["plainFunction:items:2", "plainFunction:items:1"]);
    expect(info.toString()).toContain("to destination my_hook");
  });

  it("destination_type and destination_callable in .dlt/config.toml", async () => {
    const project = tempDir();
    mkdirSync(path.join(project, ".dlt"));
    writeFileSync(
      path.join(project, ".dlt", "config.toml"),
      `[destination.my_hook]\ndestination_type = "sink"\ndestination_callable = "${fixture}#UndecoratedClass"\n`,
    );
    const p = pipeline({ pipelineName: "by_toml", pipelinesDir: tempDir(), projectDir: project, destination: "my_hook", progress: "none" });
    await p.run([{ id: 1 }], { tableName: "items" });
    expect(received).toEqual(["UndecoratedClass:items:1"]);
  });
});
