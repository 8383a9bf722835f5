import { config, configSpec, ConfigValueCannotBeCoercedException, resolveConfig, Secret, secret } from "@dlt-ts/core";
import { resolveValue } from "../../src/config/resolve-value.js";
import { ConfigSandbox } from "./fixtures/config-sandbox.js";

@configSpec({ section: "sources.typed" })
class Typed {
  @config() count!: number;
  @config() enabled!: boolean;
  @config() since!: Date;
  @config({ type: Object }) headers!: Record<string, string>;
  @config() ids!: number[];
  @config({ type: BigInt }) big!: bigint;
  @config() name!: string;
  @secret() token!: Secret;
  @config() retries = 3;
}

const ENV = {
  SOURCES__TYPED__COUNT: "5",
  SOURCES__TYPED__ENABLED: "true",
  SOURCES__TYPED__SINCE: "2024-01-31T12:00:00Z",
  SOURCES__TYPED__HEADERS: '{"x-a":"1"}',
  SOURCES__TYPED__IDS: "[1, 2, 3]",
  SOURCES__TYPED__BIG: "9007199254740993",
  SOURCES__TYPED__NAME: "  spaced  ",
  SOURCES__TYPED__TOKEN: "tok-secret",
  SOURCES__TYPED__RETRIES: "7",
};

describe("coercion of env strings and TOML values", () => {
  let box: ConfigSandbox;
  beforeEach(() => {
    box = new ConfigSandbox();
  });
  afterEach(() => box.cleanup());

  const setAll = (overrides: Record<string, string> = {}) => {
    for (const [k, v] of Object.entries({ ...ENV, ...overrides })) box.setEnv(k, v);
  };

  it("coerces env strings to the declared types", async () => {
    setAll();
    const cfg = await resolveConfig(Typed, { projectDir: box.projectDir });
    expect(cfg.count).toBe(5);
    expect(cfg.enabled).toBe(true);
    expect(cfg.since).toEqual(new Date("2024-01-31T12:00:00Z"));
    expect(cfg.headers).toEqual({ "x-a": "1" });
    expect(cfg.ids).toEqual([1, 2, 3]);
    expect(cfg.big).toBe(9007199254740993n);
    expect(cfg.name).toBe("  spaced  ");
    expect(cfg.token).toBeInstanceOf(Secret);
    expect(cfg.token.reveal()).toBe("tok-secret");
    // No declared type: the default value's type is used.
    expect(cfg.retries).toBe(7);
  });

  it.each([
    ["false", false],
    ["FALSE", false],
    ["0", false],
    ["1", true],
  ])("boolean %s → %s", async (text, expected) => {
    setAll({ SOURCES__TYPED__ENABLED: text });
    expect((await resolveConfig(Typed, { projectDir: box.projectDir })).enabled).toBe(expected);
  });

  it("type-checks TOML values the same way (TOML dates and big integers included)", async () => {
    box.write(
      box.configToml,
      [
        "[sources.typed]",
        "count = 5",
        "enabled = false",
        "since = 2024-01-31T12:00:00Z",
        'headers = { x-a = "1" }',
        "ids = [1, 2]",
        "big = 9007199254740993",
        "name = 42",
        "retries = 9",
      ].join("\n"),
    );
    box.write(box.secretsToml, '[sources.typed]\ntoken = "t"\n');
    const cfg = await resolveConfig(Typed, { projectDir: box.projectDir });
    expect(cfg).toMatchObject({ count: 5, enabled: false, headers: { "x-a": "1" }, ids: [1, 2], big: 9007199254740993n, name: "42", retries: 9 });
    expect(cfg.since.toISOString()).toBe("2024-01-31T12:00:00.000Z");
    expect(cfg.since.constructor).toBe(Date);
  });

  async function coercionError(overrides: Record<string, string>): Promise<ConfigValueCannotBeCoercedException> {
    setAll(overrides);
    try {
      await resolveConfig(Typed, { projectDir: box.projectDir });
    } catch (error) {
      if (error instanceof ConfigValueCannotBeCoercedException) return error;
      throw error;
    }
    throw new Error("expected a coercion error");
  }

  it("a bad env value names key, provider, env var and expected type", async () => {
    const error = await coercionError({ SOURCES__TYPED__COUNT: "five" });
    expect(error.message).toBe(
      'Config value "sources.typed.count" from Environment variables (SOURCES__TYPED__COUNT) cannot be used as number: got "five".',
    );
  });

  it.each([
    ["SOURCES__TYPED__ENABLED", "yes please", 'Config value "sources.typed.enabled" from Environment variables (SOURCES__TYPED__ENABLED) cannot be used as boolean (expected "true" or "false"): got "yes please".'],
    ["SOURCES__TYPED__SINCE", "last tuesday", 'Config value "sources.typed.since" from Environment variables (SOURCES__TYPED__SINCE) cannot be used as Date (expected an ISO-8601 date, e.g. 2024-01-31T12:00:00Z): got "last tuesday".'],
    ["SOURCES__TYPED__HEADERS", "[1]", 'Config value "sources.typed.headers" from Environment variables (SOURCES__TYPED__HEADERS) cannot be used as object (expected a TOML table or a JSON object): got "[1]".'],
    ["SOURCES__TYPED__IDS", "1,2", 'Config value "sources.typed.ids" from Environment variables (SOURCES__TYPED__IDS) cannot be used as array (expected a TOML array or a JSON array): got "1,2".'],
    ["SOURCES__TYPED__BIG", "1.5", 'Config value "sources.typed.big" from Environment variables (SOURCES__TYPED__BIG) cannot be used as bigint (expected an integer): got "1.5".'],
  ])("%s=%s is rejected with a clear message", async (name, value, message) => {
    const error = await coercionError({ [name]: value });
    expect(error.message).toBe(message);
  });

  it("a bad value from .env names the .env file", async () => {
    setAll();
    box.setEnv("SOURCES__TYPED__COUNT", undefined);
    box.write(box.dotenv, "SOURCES__TYPED__COUNT=lots\n");
    await expect(resolveConfig(Typed, { projectDir: box.projectDir })).rejects.toThrow(
      `Config value "sources.typed.count" from Environment variables (SOURCES__TYPED__COUNT in ${box.dotenv}) cannot be used as number: got "lots".`,
    );
  });

  it("a bad TOML value names the file and key", async () => {
    setAll();
    box.setEnv("SOURCES__TYPED__IDS", undefined);
    box.write(box.configToml, '[sources.typed]\nids = "not json"\n');
    await expect(resolveConfig(Typed, { projectDir: box.projectDir })).rejects.toThrow(
      `Config value "sources.typed.ids" from config.toml (${box.configToml}: sources.typed.ids) cannot be used as array (expected a TOML array or a JSON array): got "not json".`,
    );
  });

  it("never prints the value of a secret", async () => {
    box.setEnv("DB__PORT", "not-a-port-s3cret");
    const error = await resolveValue("port", { sections: ["db"], type: Number, secret: true, projectDir: box.projectDir }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(ConfigValueCannotBeCoercedException);
    expect((error as Error).message).toBe(
      'Config value "db.port" from Environment variables (DB__PORT) cannot be used as number; the value is secret and is not shown.',
    );
    expect((error as Error).message).not.toContain("s3cret");
  });

  it("a field whose design:type is the vague Object (Record, any, unions) takes JSON when it parses, else the string", async () => {
    class Loose {
      @config() extra!: Record<string, unknown>;
      @config() either!: string | number;
    }
    box.setEnv("EXTRA", '{"a":[1]}');
    box.setEnv("EITHER", "5");
    const cfg = await resolveConfig(Loose, { projectDir: box.projectDir });
    expect(cfg.extra).toEqual({ a: [1] });
    expect(cfg.either).toBe("5");
  });

  it("explicit values are coerced too", async () => {
    setAll();
    const cfg = await resolveConfig(Typed, { projectDir: box.projectDir, explicit: { count: "12", token: "plain" } });
    expect(cfg.count).toBe(12);
    expect(cfg.token).toBeInstanceOf(Secret);
    await expect(resolveConfig(Typed, { projectDir: box.projectDir, explicit: { count: "x" } })).rejects.toThrow(
      'Config value "sources.typed.count" from explicit value (count) cannot be used as number: got "x".',
    );
  });

  it("resolveValue coerces to the given type (loader settings)", async () => {
    box.setEnv("LOAD__RAISE_ON_MAX_RETRIES", "true");
    const result = await resolveValue<boolean>("raise_on_max_retries", { sections: ["load"], type: Boolean, projectDir: box.projectDir });
    expect(result).toEqual({
      found: true,
      value: true,
      source: { provider: "Environment variables", location: "LOAD__RAISE_ON_MAX_RETRIES" },
      traces: [{ provider: "Environment variables", key: "LOAD__RAISE_ON_MAX_RETRIES", found: true }],
    });
    box.setEnv("LOAD__RAISE_ON_MAX_RETRIES", undefined);
    const missing = await resolveValue("raise_on_max_retries", { sections: ["load"], type: Boolean, projectDir: box.projectDir });
    expect(missing.found).toBe(false);
    expect(missing.value).toBeUndefined();
    expect(missing.traces.map((t) => `${t.provider}: ${t.key}`)).toEqual([
      "Environment variables: LOAD__RAISE_ON_MAX_RETRIES",
      "Environment variables: RAISE_ON_MAX_RETRIES",
      "secrets.toml: load.raise_on_max_retries",
      "secrets.toml: raise_on_max_retries",
      "config.toml: load.raise_on_max_retries",
      "config.toml: raise_on_max_retries",
      "global secrets.toml: load.raise_on_max_retries",
      "global secrets.toml: raise_on_max_retries",
      "global config.toml: load.raise_on_max_retries",
      "global config.toml: raise_on_max_retries",
    ]);
  });
});
