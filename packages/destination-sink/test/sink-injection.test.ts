import "reflect-metadata";
import { config, ConfigFieldMissingException, configSpec, secret, type TableSchema } from "@dlt-ts/core";
import { destination, DestinationBase, destinationFrom, toSinkDestination, type SinkItem } from "@dlt-ts/destination-sink";
import { rows, schemaWith, table } from "../../loader/test/support/load-packages.js";
import { SinkWorld } from "./sink-run.js";

const schema = schemaWith("s", [table("items", ["id"])]);

/** What a sink saw when write() was called. */
const seen: Record<string, unknown>[] = [];

@destination({ batchSize: 5 })
class MyDestination extends DestinationBase {
  @secret() apiKey!: string;
  @config() baseUrl = "https://api.example.com";
  @config() timeoutMs = 5000;

  async write(items: SinkItem[] | string, t: TableSchema): Promise<void> {
    seen.push({ apiKey: this.apiKey, baseUrl: this.baseUrl, timeoutMs: this.timeoutMs, table: t.name, n: items.length });
  }
}

@destination({ name: "param_sink" })
class ParamSink {
  async write(items: SinkItem[] | string, t: TableSchema, @secret("api_key") apiKey: string, @config({ key: "label", optional: true }) label?: string): Promise<void> {
    seen.push({ apiKey, label, table: t.name });
  }
}

describe("sink injection", () => {
  const world = new SinkWorld();
  beforeEach(async () => {
    seen.length = 0;
    await world.setUp();
  });
  afterEach(() => world.tearDown());

  it("names the config section after the class (destination.my_destination) unless destinationFrom names it", () => {
    expect(toSinkDestination(MyDestination)!.destinationName).toBe("my_destination");
    expect(toSinkDestination(ParamSink)!.destinationName).toBe("param_sink");
    const renamed = destinationFrom("x", { destinationCallable: MyDestination });
    expect(renamed.destinationName).toBe("x");
    expect(renamed.options.batchSize).toBe(5);
  });

  it("injects @secret from env DESTINATION__<NAME>__<KEY> and keeps @config defaults", async () => {
    world.env("DESTINATION__MY_DESTINATION__API_KEY", "from-env");
    await world.load(destinationFrom("my_destination", { destinationCallable: MyDestination }), schema, { "items.a.0.jsonl": rows(1) });
    expect(seen).toEqual([{ apiKey: "from-env", baseUrl: "https://api.example.com", timeoutMs: 5000, table: "items", n: 1 }]);
  });

  it("reads .dlt/secrets.toml and .dlt/config.toml (coercing numbers) when passed the class itself", async () => {
    await world.secretsToml('[destination.my_destination]\napi_key = "from-toml"\n');
    await world.configToml('[destination.my_destination]\nbase_url = "http://127.0.0.1:9"\ntimeout_ms = 250\n');
    await world.load(toSinkDestination(MyDestination)!, schema, { "items.a.0.jsonl": rows(1) });
    expect(seen[0]).toMatchObject({ apiKey: "from-toml", baseUrl: "http://127.0.0.1:9", timeoutMs: 250 });
  });

  it("falls back to destination.api_key, as dlt drops sections right to left", async () => {
    world.env("DESTINATION__API_KEY", "shared");
    await world.load(toSinkDestination(MyDestination)!, schema, { "items.a.0.jsonl": rows(1) });
    expect(seen[0]).toMatchObject({ apiKey: "shared" });
  });

  it("explicit values given to the constructor win over providers; the instance passed is the one that writes", async () => {
    world.env("DESTINATION__MY_DESTINATION__API_KEY", "from-env");
    const instance = new MyDestination({ apiKey: "explicit", timeoutMs: 7 });
    await world.load(toSinkDestination(instance)!, schema, { "items.a.0.jsonl": rows(1) });
    expect(seen[0]).toMatchObject({ apiKey: "explicit", timeoutMs: 7, baseUrl: "https://api.example.com" });
    expect(instance.apiKey).toBe("explicit");
  });

  it("explicit values of destinationFrom win too", async () => {
    world.env("DESTINATION__MY_DESTINATION__API_KEY", "from-env");
    const dest = destinationFrom("my_destination", { destinationCallable: MyDestination, explicit: { apiKey: "given" } });
    await world.load(dest, schema, { "items.a.0.jsonl": rows(1) });
    expect(seen[0]).toMatchObject({ apiKey: "given" });
  });

  it("fails at configure(), before any work, naming the missing secret and the keys tried", async () => {
    const error = await toSinkDestination(MyDestination)!
      .configure(world.context("p1"))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigFieldMissingException);
    const message = (error as Error).message;
    expect(message).toContain("apiKey");
    expect(message).toContain("DESTINATION__MY_DESTINATION__API_KEY");
    expect(message).toContain("P1__DESTINATION__MY_DESTINATION__API_KEY");
    expect(message).toContain("destination.my_destination.api_key");
  });

  it("injects decorated write() parameters after (items, table)", async () => {
    world.env("DESTINATION__PARAM_SINK__API_KEY", "param-secret");
    world.env("DESTINATION__PARAM_SINK__LABEL", "blue");
    await world.load(toSinkDestination(ParamSink)!, schema, { "items.a.0.jsonl": rows(1) });
    expect(seen).toEqual([{ apiKey: "param-secret", label: "blue", table: "items" }]);
  });

  it("takes explicit write() parameter values by key or camelCase name, and fails early when one is missing", async () => {
    await world.load(destinationFrom("param_sink", { destinationCallable: ParamSink, explicit: { apiKey: "k1" } }), schema, {
      "items.a.0.jsonl": rows(1),
    });
    expect(seen[0]).toMatchObject({ apiKey: "k1", label: undefined });
    await expect(toSinkDestination(ParamSink)!.configure(world.context())).rejects.toThrow(/ParamSink\.write\(\) parameter 2/);
  });

  it("a pipeline-name section is tried first", async () => {
    world.env("DESTINATION__MY_DESTINATION__API_KEY", "general");
    world.env("SINK_TEST__DESTINATION__MY_DESTINATION__API_KEY", "pipeline-specific");
    await world.load(toSinkDestination(MyDestination)!, schema, { "items.a.0.jsonl": rows(1) });
    expect(seen[0]).toMatchObject({ apiKey: "pipeline-specific" });
  });

  describe("function form", () => {
    @configSpec()
    class ApiConfig {
      @secret() apiKey!: string;
      @config() region = "eu";
    }

    it("resolves a spec from destination.<name> and passes it as the third argument", async () => {
      world.env("DESTINATION__POST_ITEMS__API_KEY", "fn-secret");
      const sink = destination(
        async function postItems(items: SinkItem[] | string, t: TableSchema, cfg: ApiConfig) {
          seen.push({ apiKey: cfg.apiKey, region: cfg.region, table: t.name });
        },
        { spec: ApiConfig },
      );
      expect(sink.destinationName).toBe("post_items");
      await world.load(sink, schema, { "items.a.0.jsonl": rows(1) });
      expect(seen).toEqual([{ apiKey: "fn-secret", region: "eu", table: "items" }]);
    });

    it("explicit values of the function form win", async () => {
      world.env("DESTINATION__POST_ITEMS__API_KEY", "fn-secret");
      const sink = destination(
        async (items: SinkItem[] | string, t: TableSchema, cfg: ApiConfig) => {
          seen.push({ apiKey: cfg.apiKey, region: cfg.region });
        },
        { spec: ApiConfig, name: "post_items", explicit: { region: "us" } },
      );
      await world.load(sink.withExplicit({ apiKey: "later" }), schema, { "items.a.0.jsonl": rows(1) });
      expect(seen).toEqual([{ apiKey: "later", region: "us" }]);
    });

    it("fails at configure() when the spec's secret is missing", async () => {
      const sink = destination(async () => {}, { spec: ApiConfig, name: "nowhere" });
      await expect(sink.configure(world.context())).rejects.toThrow(/DESTINATION__NOWHERE__API_KEY/);
    });
  });
});
