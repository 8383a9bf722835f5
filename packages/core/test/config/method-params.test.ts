import { config, ConfigFieldMissingException, configSpec, resolveMethodParams, secret } from "@dlt-ts/core";
import { getInjectedParams } from "../../src/config/method-params.js";
import { ConfigSandbox } from "./fixtures/config-sandbox.js";

@configSpec({ section: "destination.my_sink" })
class MySink {
  readonly calls: unknown[][] = [];
  async write(items: unknown[], table: string, @secret("api_key") apiKey: string, @config({ key: "retries", type: Number, optional: true }) retries?: number) {
    this.calls.push([items, table, apiKey, retries]);
  }
  async flush(@config("flush_size") size: number) {
    this.calls.push([size]);
  }
  async plain(items: unknown[]) {
    this.calls.push([items]);
  }
}

describe("resolveMethodParams", () => {
  let box: ConfigSandbox;
  beforeEach(() => {
    box = new ConfigSandbox();
  });
  afterEach(() => box.cleanup());

  it("returns the decorated parameters' values so the caller can spread them after its own arguments", async () => {
    box.setEnv("DESTINATION__MY_SINK__API_KEY", "sink-key");
    box.write(box.configToml, "[destination]\nretries = 4\n");
    const sink = new MySink();
    const injected = await resolveMethodParams(sink, "write", { projectDir: box.projectDir });
    expect(injected).toEqual(["sink-key", 4]);
    await sink.write([1], "items", ...(injected as [string, number]));
    expect(sink.calls).toEqual([[[1], "items", "sink-key", 4]]);
  });

  it("uses the given sections and pipeline name; explicit values by key win", async () => {
    box.setEnv("P1__DESTINATION__OTHER__API_KEY", "p1-key");
    box.setEnv("DESTINATION__OTHER__RETRIES", "2");
    const sink = new MySink();
    const ctx = { projectDir: box.projectDir, sections: ["destination", "other"], pipelineName: "p1" };
    expect(await resolveMethodParams(sink, "write", ctx)).toEqual(["p1-key", 2]);
    expect(await resolveMethodParams(sink, "write", { ...ctx, explicit: { api_key: "explicit" } })).toEqual(["explicit", 2]);
  });

  it("an optional parameter may stay undefined; coercion follows the parameter type", async () => {
    box.setEnv("DESTINATION__MY_SINK__API_KEY", "k");
    box.setEnv("DESTINATION__MY_SINK__FLUSH_SIZE", "100");
    const sink = new MySink();
    expect(await resolveMethodParams(sink, "write", { projectDir: box.projectDir })).toEqual(["k", undefined]);
    // design:paramtypes says number.
    expect(await resolveMethodParams(sink, "flush", { projectDir: box.projectDir })).toEqual([100]);
  });

  it("firstIndex aligns the result with a chosen argument position", async () => {
    box.setEnv("DESTINATION__MY_SINK__API_KEY", "k");
    const sink = new MySink();
    expect(await resolveMethodParams(sink, "write", { projectDir: box.projectDir, firstIndex: 0 })).toEqual([undefined, undefined, "k", undefined]);
  });

  it("a method without decorated parameters gets nothing", async () => {
    expect(getInjectedParams(new MySink(), "plain")).toEqual([]);
    expect(await resolveMethodParams(new MySink(), "plain", { projectDir: box.projectDir })).toEqual([]);
  });

  it("a missing required parameter fails with the single missing-values error", async () => {
    const error = await resolveMethodParams(new MySink(), "write", { projectDir: box.projectDir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigFieldMissingException);
    const message = (error as Error).message;
    expect(message.split("\n")[0]).toBe("Missing 1 required configuration value for MySink.write() (sections: destination.my_sink):");
    expect(message.split("\n")[1]).toBe('- MySink.write() parameter 2 (string, secret) at key "destination.my_sink.api_key"; tried in order:');
  });
});
