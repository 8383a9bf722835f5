import { config, resolveConfig, secret } from "@dlt-ts/core";
import { resolveValue } from "../../src/config/resolve-value.js";
import { ConfigSandbox } from "./fixtures/config-sandbox.js";

class DestConfig {
  @secret() apiKey!: string;
  @config() region = "eu";
}

describe("section elimination", () => {
  let box: ConfigSandbox;
  beforeEach(() => {
    box = new ConfigSandbox();
  });
  afterEach(() => box.cleanup());

  const sections = ["destination", "my_destination"];
  const lookup = (pipelineName?: string) =>
    resolveValue("api_key", { sections, pipelineName, secret: true, projectDir: box.projectDir });

  it.each([
    ["DESTINATION__MY_DESTINATION__API_KEY"],
    ["DESTINATION__API_KEY"],
    ["API_KEY"],
  ])("without a pipeline name finds env %s", async (name) => {
    box.setEnv(name, "v-" + name);
    const result = await lookup();
    expect(result.value).toBe("v-" + name);
    expect(result.source).toEqual({ provider: "Environment variables", location: name });
  });

  it("tries the keys in order and stops at the first hit", async () => {
    box.setEnv("DESTINATION__API_KEY", "mid");
    box.setEnv("API_KEY", "top");
    const result = await lookup();
    expect(result.value).toBe("mid");
    expect(result.traces).toEqual([
      { provider: "Environment variables", key: "DESTINATION__MY_DESTINATION__API_KEY", found: false },
      { provider: "Environment variables", key: "DESTINATION__API_KEY", found: true },
    ]);
  });

  it("the pipeline-name section wins over the same key without it", async () => {
    box.write(
      box.secretsToml,
      [
        "[destination.my_destination]",
        'api_key = "generic"',
        "[p1.destination.my_destination]",
        'api_key = "pipeline-specific"',
      ].join("\n"),
    );
    expect((await lookup("p1")).value).toBe("pipeline-specific");
    expect((await lookup("other")).value).toBe("generic");
    expect((await lookup()).value).toBe("generic");
  });

  it("a whole pass under the pipeline name comes before the pass without it", async () => {
    // p1.api_key (last key of the pipeline pass) beats destination.my_destination.api_key.
    box.write(box.secretsToml, 'p1.api_key = "pipeline-top"\n[destination.my_destination]\napi_key = "exact"\n');
    const result = await lookup("p1");
    expect(result.value).toBe("pipeline-top");
    expect(result.traces.map((t) => t.key).slice(-3)).toEqual([
      "p1.destination.my_destination.api_key",
      "p1.destination.api_key",
      "p1.api_key",
    ]);
  });

  it("env form of the pipeline section: P1__DESTINATION__MY_DESTINATION__API_KEY", async () => {
    box.setEnv("P1__DESTINATION__MY_DESTINATION__API_KEY", "env-pipeline");
    box.setEnv("DESTINATION__MY_DESTINATION__API_KEY", "env-generic");
    expect((await lookup("p1")).value).toBe("env-pipeline");
    expect((await lookup()).value).toBe("env-generic");
  });

  it("providers are tried in order: a broad env key beats an exact secrets.toml key", async () => {
    box.write(box.secretsToml, '[destination.my_destination]\napi_key = "toml-exact"\n');
    box.setEnv("API_KEY", "env-broad");
    expect((await lookup()).value).toBe("env-broad");
  });

  it("resolveConfig uses the given sections for every field", async () => {
    box.write(box.configToml, '[destination]\nregion = "us"\n');
    box.setEnv("P2__API_KEY", "k2");
    const cfg = await resolveConfig(DestConfig, { sections, pipelineName: "p2", projectDir: box.projectDir });
    expect(cfg).toMatchObject({ apiKey: "k2", region: "us" });
  });
});
