/*
 * @configSpec / @config / @secret under TC39 standard decorators and under
 * legacy experimentalDecorators. Jest compiles this file with swc in legacy
 * mode, so the user code below is compiled by the real TypeScript compiler in
 * both modes, written to a temp file and required: its
 * `require("@dlt-ts/core")` goes through jest's moduleNameMapper and gets the
 * same core module as this test.
 */
import "reflect-metadata";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ts from "typescript";
import { ConfigDecoratorException, ConfigFieldMissingException, ConfigValueCannotBeCoercedException, resolveConfig } from "@dlt-ts/core";
import { resolveInstance } from "../../src/config/pipeline-container.js";
import { CONFIG_FIELDS_KEY } from "../../src/metadata-keys.js";
import { getFieldSpecs, getSpecOptions, isSpecClass } from "../../src/config/spec-metadata.js";
import { SYMBOL_METADATA } from "../../src/config/symbol-metadata.js";
import { ConfigSandbox } from "./fixtures/config-sandbox.js";

const USER_CODE = `
import { config, configSpec, secret, ConnectionStringCredentials } from "@dlt-ts/core";

@configSpec({ section: "destination.std_api" })
export class StdApiConfig {
  @secret() apiKey!: string;
  @config() timeoutMs = 5000;
  @config({ type: Boolean, optional: true }) verbose?: boolean;
  @config("endpoint") baseUrl = "https://api.example.com";
}

// Inherits the section and the fields; redeclares timeoutMs under another key and default.
export class StdApiConfigV2 extends StdApiConfig {
  @config("timeout_s") override timeoutMs = 30;
  @secret({ optional: true }) token?: string;
}

// No @configSpec: a plain class with decorated fields.
export class PlainDestination {
  @secret() apiKey!: string;
  @config() retries = 3;
}

// A user's credentials extending core's (core itself is compiled with legacy decorators).
export class MyCredentials extends ConnectionStringCredentials {
  @config() override port = 5432;
  @config({ optional: true }) schema?: string;
}

export class WithCredentials {
  @secret({ type: MyCredentials }) credentials!: MyCredentials;
}

export function defineDecoratedMethod() {
  class Bad {
    @config() load() {}
  }
  return Bad;
}
`;

interface UserModule {
  StdApiConfig: new () => { apiKey: string; timeoutMs: number; verbose?: boolean; baseUrl: string };
  StdApiConfigV2: new () => { apiKey: string; timeoutMs: number; verbose?: boolean; baseUrl: string; token?: string };
  PlainDestination: new () => { apiKey: string; retries: number };
  MyCredentials: new () => object;
  WithCredentials: new () => { credentials: { port?: number; schema?: string; toUrl(): string } };
  defineDecoratedMethod(): unknown;
}

type Mode = "standard" | "legacy";

const COMPILER_OPTIONS: Record<Mode, ts.CompilerOptions> = {
  // TypeScript's defaults for decorators: TC39 standard decorators.
  standard: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS },
  // What this repository's tsconfig.base.json uses.
  legacy: {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    experimentalDecorators: true,
    emitDecoratorMetadata: true,
    useDefineForClassFields: false,
  },
};

let tempDir: string;
const modules = {} as Record<Mode, UserModule>;

function compileAndLoad(mode: Mode): UserModule {
  const output = ts.transpileModule(USER_CODE, { compilerOptions: COMPILER_OPTIONS[mode], fileName: `user-${mode}.ts`, reportDiagnostics: true });
  expect(output.diagnostics ?? []).toEqual([]);
  const file = join(tempDir, `user-${mode}.js`);
  writeFileSync(file, output.outputText);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(file) as UserModule;
}

beforeAll(() => {
  tempDir = mkdtempSync(join(tmpdir(), "dlt-ts-std-decorators-"));
  modules.standard = compileAndLoad("standard");
  modules.legacy = compileAndLoad("legacy");
});

afterAll(() => {
  rmSync(tempDir, { recursive: true, force: true });
});

let box: ConfigSandbox;
beforeEach(() => {
  box = new ConfigSandbox();
});
afterEach(() => box.cleanup());

/** Provider options reading only `vars` as env (and the sandbox's empty project and global dirs). */
function from(vars: Record<string, string>) {
  return { projectDir: box.projectDir, env: { DLT_GLOBAL_DIR: box.globalDir, ...vars } };
}

describe("the compiled user code", () => {
  it("standard mode records into Class[Symbol.metadata], legacy mode into reflect-metadata", () => {
    const std = modules.standard.StdApiConfig;
    const legacy = modules.legacy.StdApiConfig;
    expect(Object.hasOwn(std, SYMBOL_METADATA)).toBe(true);
    expect(Reflect.getOwnMetadata(CONFIG_FIELDS_KEY, std.prototype)).toBeUndefined();
    expect(Object.hasOwn(legacy, SYMBOL_METADATA)).toBe(false);
    expect(Reflect.getOwnMetadata(CONFIG_FIELDS_KEY, legacy.prototype)).toBeInstanceOf(Map);
  });

  it("standard fields have no design:type; legacy ones do", () => {
    const typesOf = (mode: Mode) => getFieldSpecs(modules[mode].StdApiConfig).map((f) => [f.propertyKey, f.designType]);
    expect(typesOf("standard")).toEqual([
      ["apiKey", undefined],
      ["timeoutMs", undefined],
      ["verbose", undefined],
      ["baseUrl", undefined],
    ]);
    expect(typesOf("legacy")).toEqual([
      ["apiKey", String],
      ["timeoutMs", Object], // an initializer without an annotation: tsc emits Object
      ["verbose", Boolean],
      ["baseUrl", Object],
    ]);
  });
});

describe.each<Mode>(["standard", "legacy"])("%s decorators", (mode) => {
  const user = (): UserModule => modules[mode];

  it("record the fields (snake_case keys), the spec options, and inherit them in a subclass that overrides one", () => {
    const { StdApiConfig, StdApiConfigV2, PlainDestination } = user();
    const keys = (cls: { prototype: object }) => getFieldSpecs(cls).map((f) => [f.propertyKey, f.key, f.secret, f.optional]);
    expect(keys(StdApiConfig)).toEqual([
      ["apiKey", "api_key", true, false],
      ["timeoutMs", "timeout_ms", false, false],
      ["verbose", "verbose", false, true],
      ["baseUrl", "endpoint", false, false],
    ]);
    expect(keys(StdApiConfigV2)).toEqual([
      ["apiKey", "api_key", true, false],
      ["timeoutMs", "timeout_s", false, false],
      ["verbose", "verbose", false, true],
      ["baseUrl", "endpoint", false, false],
      ["token", "token", true, true],
    ]);
    expect(getSpecOptions(StdApiConfig)).toEqual({ section: "destination.std_api" });
    expect(getSpecOptions(StdApiConfigV2)).toEqual({ section: "destination.std_api" });
    expect(getSpecOptions(PlainDestination)).toBeUndefined();
    expect(isSpecClass(PlainDestination)).toBe(true);
  });

  it("resolveConfig fills values from env, coercing by the default's type or the type option", async () => {
    const cfg = await resolveConfig(
      user().StdApiConfig,
      from({ DESTINATION__STD_API__API_KEY: "k-1", DESTINATION__STD_API__TIMEOUT_MS: "750", DESTINATION__STD_API__VERBOSE: "true" }),
    );
    expect({ ...cfg }).toEqual({ apiKey: "k-1", timeoutMs: 750, verbose: true, baseUrl: "https://api.example.com" });
  });

  it("a subclass's redeclared field is read under its own key; its default applies", async () => {
    const { StdApiConfigV2 } = user();
    const env = { DESTINATION__STD_API__API_KEY: "k-2", DESTINATION__STD_API__TIMEOUT_MS: "750" };
    const defaults = await resolveConfig(StdApiConfigV2, from(env));
    expect([defaults.apiKey, defaults.timeoutMs, defaults.token]).toEqual(["k-2", 30, undefined]);
    const cfg = await resolveConfig(StdApiConfigV2, from({ ...env, DESTINATION__STD_API__TIMEOUT_S: "5", DESTINATION__STD_API__TOKEN: "t" }));
    expect([cfg.apiKey, cfg.timeoutMs, cfg.token]).toEqual(["k-2", 5, "t"]);
  });

  it("a missing required value fails with the missing-values error", async () => {
    const error: unknown = await resolveConfig(user().StdApiConfig, from({})).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigFieldMissingException);
    expect((error as ConfigFieldMissingException).missingFields).toEqual(["apiKey"]);
    expect((error as Error).message).toContain("Missing 1 required configuration value for StdApiConfig (sections: destination.std_api)");
    expect((error as Error).message).toContain("Environment variables: DESTINATION__STD_API__API_KEY");
  });

  it("a value that does not fit the default's type fails", async () => {
    const call = resolveConfig(user().StdApiConfig, from({ DESTINATION__STD_API__API_KEY: "k", DESTINATION__STD_API__TIMEOUT_MS: "soon" }));
    await expect(call).rejects.toThrow(ConfigValueCannotBeCoercedException);
  });

  it("resolveInstance works on a class without @configSpec", async () => {
    const { PlainDestination } = user();
    const env = { DESTINATION__PLAIN__API_KEY: "k-plain", DESTINATION__PLAIN__RETRIES: "7" };
    const dest = await resolveInstance(PlainDestination, { sections: ["destination", "plain"], ...from(env) });
    expect(dest).toBeInstanceOf(PlainDestination);
    expect({ apiKey: dest.apiKey, retries: dest.retries }).toEqual({ apiKey: "k-plain", retries: 7 });
    await expect(resolveInstance(PlainDestination, { sections: ["destination", "plain"], ...from({}) })).rejects.toThrow(
      ConfigFieldMissingException,
    );
  });

  it("a user class extending core's credentials keeps the inherited fields and adds its own", async () => {
    const { WithCredentials } = user();
    const cfg = await resolveConfig(
      WithCredentials,
      from({ CREDENTIALS: "postgresql://loader:pw@db.example.com/dlt_data", CREDENTIALS__SCHEMA: "raw" }),
    );
    expect(cfg.credentials.toUrl()).toBe("postgresql://loader:pw@db.example.com:5432/dlt_data");
    expect(cfg.credentials.schema).toBe("raw");
  });
});

describe("standard and legacy give the same results", () => {
  it("for every class, from the same env", async () => {
    const env = {
      DESTINATION__STD_API__API_KEY: "same",
      DESTINATION__STD_API__TIMEOUT_MS: "750",
      DESTINATION__STD_API__TIMEOUT_S: "9",
      DESTINATION__STD_API__VERBOSE: "0",
      DESTINATION__STD_API__ENDPOINT: "http://localhost:8080",
      API_KEY: "plain-key",
      RETRIES: "4",
      CREDENTIALS: "postgresql://loader:pw@db.example.com/dlt_data",
    };
    const resolveAll = async (mode: Mode) => {
      const m = modules[mode];
      const creds = await resolveConfig(m.WithCredentials, from(env));
      return {
        v1: { ...(await resolveConfig(m.StdApiConfig, from(env))) },
        v2: { ...(await resolveConfig(m.StdApiConfigV2, from(env))) },
        plain: { ...(await resolveInstance(m.PlainDestination, from(env))) },
        credentials: creds.credentials.toUrl(),
      };
    };
    const standard = await resolveAll("standard");
    expect(standard).toEqual(await resolveAll("legacy"));
    expect(standard.v2).toEqual({ apiKey: "same", timeoutMs: 9, verbose: false, baseUrl: "http://localhost:8080", token: undefined });
  });
});

describe("standard decorators where they cannot work", () => {
  it("on a method: a ConfigDecoratorException that says what to use instead", () => {
    const define = () => modules.standard.defineDecoratedMethod();
    expect(define).toThrow(ConfigDecoratorException);
    expect(define).toThrow("@config() on method load: it cannot decorate a method. Put it on a plain property: @config() apiKey!: string, or @config() timeoutMs = 5000.");
  });
});
