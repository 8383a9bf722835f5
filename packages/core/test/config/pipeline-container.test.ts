import "reflect-metadata";
import { inject, injectable } from "tsyringe";
import {
  config,
  ConfigFieldMissingException,
  ConnectionStringCredentials,
  createPipelineContainer,
  injectConfig,
  PIPELINE_NAME,
  secret,
} from "@dlt-ts/core";
import { resolveInstance } from "../../src/config/pipeline-container.js";
import { ConfigSandbox } from "./fixtures/config-sandbox.js";

// A destination-like class: decorated properties, no @configSpec.
class MyDestination {
  @secret() apiKey!: string;
  @config() baseUrl = "https://api.example.com";
  @config({ type: ConnectionStringCredentials, optional: true }) credentials?: ConnectionStringCredentials;
}

class HttpClient {
  readonly agent = "dlt-ts";
}

@injectable()
class DestinationWithDeps {
  @secret() token!: string;
  constructor(
    readonly http: HttpClient,
    @inject(PIPELINE_NAME) readonly pipelineName: string,
  ) {}
}

// Takes user options like `new MyDestination({ apiKey })`; not @injectable.
class WithOptions {
  @secret() apiKey!: string;
  constructor(readonly options: { label?: string } = {}) {}
}
class WithRequiredOptions {
  @secret() apiKey!: string;
  constructor(readonly options?: { label?: string }) {}
}

describe("DI: pipeline containers and resolveInstance", () => {
  let box: ConfigSandbox;
  beforeEach(() => {
    box = new ConfigSandbox();
  });
  afterEach(() => box.cleanup());

  const sections = ["destination", "my_destination"];

  it("constructs through the container, then fills the decorated properties from providers", async () => {
    box.write(box.secretsToml, '[destination.my_destination]\napi_key = "toml-key"\n');
    box.setEnv("DESTINATION__MY_DESTINATION__BASE_URL", "https://env.example.com");
    const dest = await resolveInstance(MyDestination, { sections, projectDir: box.projectDir });
    expect(dest).toBeInstanceOf(MyDestination);
    expect([dest.apiKey, dest.baseUrl, dest.credentials]).toEqual(["toml-key", "https://env.example.com", undefined]);
  });

  it("explicit values win over providers; defaults stay when nothing is configured", async () => {
    box.setEnv("DESTINATION__MY_DESTINATION__API_KEY", "env-key");
    const dest = await resolveInstance(MyDestination, { sections, projectDir: box.projectDir, explicit: { apiKey: "code-key" } });
    expect([dest.apiKey, dest.baseUrl]).toEqual(["code-key", "https://api.example.com"]);
  });

  it("an optional credentials group is built once any of it is configured", async () => {
    box.setEnv("DESTINATION__MY_DESTINATION__API_KEY", "k");
    box.setEnv("DESTINATION__MY_DESTINATION__CREDENTIALS", "https://user:pw@api.example.com/v1");
    const dest = await resolveInstance(MyDestination, { sections, projectDir: box.projectDir });
    expect(dest.credentials).toBeInstanceOf(ConnectionStringCredentials);
    expect(String(dest.credentials)).toBe("https://user:***@api.example.com/v1");
  });

  it("throws the single missing-values error when required values remain", async () => {
    const error = await resolveInstance(MyDestination, { sections, projectDir: box.projectDir, pipelineName: "p9" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigFieldMissingException);
    expect((error as ConfigFieldMissingException).missingFields).toEqual(["apiKey"]);
    expect((error as Error).message.split("\n")[0]).toBe(
      "Missing 1 required configuration value for MyDestination (sections: destination.my_destination; pipeline: p9):",
    );
  });

  it("a pipeline container carries the pipeline name to injected constructors and to lookups", async () => {
    box.setEnv("P1__TOKEN", "p1-token");
    box.setEnv("TOKEN", "generic-token");
    const container = createPipelineContainer("p1");
    const dest = await resolveInstance(DestinationWithDeps, { container, projectDir: box.projectDir });
    expect(dest.pipelineName).toBe("p1");
    expect(dest.http).toBeInstanceOf(HttpClient);
    expect(dest.token).toBe("p1-token");
  });

  it("child containers keep pipelines apart", () => {
    const a = createPipelineContainer("a");
    const b = createPipelineContainer("b");
    a.registerInstance("shared", { owner: "a" });
    expect(a.resolve(PIPELINE_NAME)).toBe("a");
    expect(b.resolve(PIPELINE_NAME)).toBe("b");
    expect(b.isRegistered("shared", true)).toBe(false);
  });

  it("classes taking user options (not @injectable) are still constructed", async () => {
    box.setEnv("API_KEY", "k");
    const one = await resolveInstance(WithOptions, { projectDir: box.projectDir });
    expect([one.apiKey, one.options]).toEqual(["k", {}]);
    const two = await resolveInstance(WithRequiredOptions, { projectDir: box.projectDir });
    expect(two.apiKey).toBe("k");
  });

  it("injectConfig fills an instance built by the user (new MyDestination({ apiKey }) style)", async () => {
    box.setEnv("DESTINATION__MY_DESTINATION__API_KEY", "env-key");
    box.setEnv("DESTINATION__MY_DESTINATION__BASE_URL", "https://env.example.com");
    const dest = new MyDestination();
    dest.baseUrl = "https://in-code.example.com";
    await injectConfig(dest, { sections, projectDir: box.projectDir, explicit: { baseUrl: dest.baseUrl } });
    expect([dest.apiKey, dest.baseUrl]).toEqual(["env-key", "https://in-code.example.com"]);
  });
});
