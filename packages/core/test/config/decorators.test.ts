import "reflect-metadata";
import { config, ConfigDecoratorException, configSpec, secret, toSnakeCase } from "@dlt-ts/core";
import { getFieldSpecs, getParamSpecs, getSpecOptions, isSpecClass, specSections } from "../../src/config/spec-metadata.js";
import { CONFIG_FIELDS_KEY, CONFIG_PARAMS_KEY, CONFIG_SPEC_KEY } from "../../src/metadata-keys.js";

describe("toSnakeCase", () => {
  it.each([
    ["apiKey", "api_key"],
    ["baseUrl", "base_url"],
    ["baseURL", "base_url"],
    ["maxParallelLoadJobs", "max_parallel_load_jobs"],
    ["HTTPServerPort", "http_server_port"],
    ["already_snake", "already_snake"],
    ["MyDestination", "my_destination"],
  ])("%s → %s", (input, expected) => {
    expect(toSnakeCase(input)).toBe(expected);
  });
});

describe("@config / @secret on properties", () => {
  @configSpec({ section: "destination.my_api" })
  class MyApiConfig {
    @secret() apiKey!: string;
    @config() timeoutMs = 5000;
    @config("endpoint") baseUrl = "https://api.example.com";
    @config({ key: "tags", type: Array, optional: true }) labels?: string[];
  }

  it("records keys (snake_case by default), secret-ness, optionality and types", () => {
    const fields = getFieldSpecs(MyApiConfig);
    expect(fields.map((f) => [f.propertyKey, f.key, f.secret, f.optional])).toEqual([
      ["apiKey", "api_key", true, false],
      ["timeoutMs", "timeout_ms", false, false],
      ["baseUrl", "endpoint", false, false],
      ["labels", "tags", false, true],
    ]);
    expect(fields[0]!.designType).toBe(String); // swc emits design:type in jest
    expect(fields[3]!.explicitType).toBe(Array);
  });

  it("stores metadata under dlt-ts symbols from the global registry", () => {
    expect(CONFIG_FIELDS_KEY).toBe(Symbol.for("dlt-ts:config-fields"));
    expect(Reflect.getOwnMetadata(CONFIG_FIELDS_KEY, MyApiConfig.prototype)).toBeInstanceOf(Map);
    expect(Reflect.getOwnMetadata(CONFIG_SPEC_KEY, MyApiConfig)).toEqual({ section: "destination.my_api" });
  });

  it("@configSpec records sections, split on dots", () => {
    expect(getSpecOptions(MyApiConfig)).toEqual({ section: "destination.my_api" });
    expect(specSections(MyApiConfig)).toEqual(["destination", "my_api"]);
    @configSpec({ section: ["sources", "github"] })
    class A {}
    expect(specSections(A)).toEqual(["sources", "github"]);
    @configSpec()
    class B {}
    expect(specSections(B)).toEqual([]);
  });

  it("isSpecClass: @configSpec or any decorated field", () => {
    class Plain {}
    class OnlyFields {
      @config() a = 1;
    }
    @configSpec()
    class Empty {}
    expect(isSpecClass(MyApiConfig)).toBe(true);
    expect(isSpecClass(OnlyFields)).toBe(true);
    expect(isSpecClass(Empty)).toBe(true);
    expect(isSpecClass(Plain)).toBe(false);
    expect(isSpecClass(String)).toBe(false);
    expect(isSpecClass(undefined)).toBe(false);
  });

  it("subclasses inherit fields and may redeclare one", () => {
    class Base {
      @config({ optional: true }) username?: string;
      @config() host = "localhost";
    }
    class Child extends Base {
      @config() override username!: string;
      @secret() token!: string;
    }
    expect(getFieldSpecs(Child).map((f) => [f.propertyKey, f.optional, f.secret])).toEqual([
      ["username", false, false],
      ["host", false, false],
      ["token", false, true],
    ]);
    // The base class is not changed by its subclass.
    expect(getFieldSpecs(Base).map((f) => [f.propertyKey, f.optional])).toEqual([
      ["username", true],
      ["host", false],
    ]);
  });
});

describe("@config / @secret on method parameters", () => {
  class Sink {
    async write(_items: unknown[], _table: unknown, @secret("api_key") _apiKey: string, @config({ key: "batch_label", optional: true }) _label?: string) {}
  }

  it("records parameters by index with explicit keys, under our own key", () => {
    const params = getParamSpecs(Sink.prototype, "write");
    expect(params.map((p) => [p.index, p.key, p.secret, p.optional])).toEqual([
      [2, "api_key", true, false],
      [3, "batch_label", false, true],
    ]);
    expect(params[0]!.designType).toBe(String);
    expect(Reflect.getOwnMetadata(CONFIG_PARAMS_KEY, Sink.prototype).get("write")).toHaveLength(2);
  });

  it("a parameter without a key is rejected with a message that gives the fix", () => {
    expect(() => secret()(Sink.prototype, "write", 2)).toThrow(ConfigDecoratorException);
    expect(() => secret()(Sink.prototype, "write", 2)).toThrow(
      '@secret() on parameter 2 of Sink.write: a parameter needs an explicit key. Write @secret("api_key").',
    );
  });

  it("constructor parameters are rejected", () => {
    expect(() => config("x")(Sink, undefined, 0)).toThrow(
      "@config() on parameter 0 of Sink.constructor: constructor parameters cannot be injected. Declare the value as a decorated property instead.",
    );
  });
});

describe("TC39 standard decorator calls (compiled by TypeScript: standard-decorators.test.ts)", () => {
  it("without context.metadata fail with a message that says what is missing", () => {
    const context = { kind: "field", name: "apiKey", static: false, private: false, metadata: undefined };
    const call = () => (secret() as unknown as (value: undefined, context: object) => void)(undefined, context);
    expect(call).toThrow(ConfigDecoratorException);
    expect(call).toThrow(
      "@secret() on field apiKey: the compiler passed no context.metadata (standard decorators record there, " +
        "and it exists only when Symbol.metadata is defined as the class is created). " +
        'Import "@dlt-ts/core" (it defines Symbol.metadata) before the class is defined, or compile with "experimentalDecorators": true.',
    );
  });
});

describe("without design:* metadata (what tsx/esbuild produce)", () => {
  // Decorators applied by hand: nothing emits design:type here.
  class Manual {
    apiKey!: string;
    port = 5432;
    write(_items: unknown, _table: unknown, _key: string): void {}
  }
  Reflect.decorate([secret()], Manual.prototype, "apiKey");
  Reflect.decorate([config({ type: Number })], Manual.prototype, "port");
  secret("api_key")(Manual.prototype, "write", 2);

  it("records fields with no design type", () => {
    const fields = getFieldSpecs(Manual);
    expect(Reflect.getMetadata("design:type", Manual.prototype, "apiKey")).toBeUndefined();
    expect(fields.map((f) => [f.key, f.secret, f.designType, f.explicitType])).toEqual([
      ["api_key", true, undefined, undefined],
      ["port", false, undefined, Number],
    ]);
    expect(getParamSpecs(Manual.prototype, "write")).toEqual([
      { index: 2, key: "api_key", secret: true, optional: false, explicitType: undefined, designType: undefined },
    ]);
  });
});
