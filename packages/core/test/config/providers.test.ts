import { utimesSync } from "node:fs";
import { join } from "node:path";
import { config, configSpec, createConfigProviders, resolveConfig, secret } from "@dlt-ts/core";
import { resolveValue } from "../../src/config/resolve-value.js";
import { ConfigFileParseException } from "../../src/config/exceptions.js";
import { ConfigSandbox } from "./fixtures/config-sandbox.js";

@configSpec({ section: "destination.my_api" })
class ApiConfig {
  @secret() apiKey!: string;
  @config() baseUrl = "https://default.example.com";
}

describe("provider precedence", () => {
  let box: ConfigSandbox;
  beforeEach(() => {
    box = new ConfigSandbox();
  });
  afterEach(() => box.cleanup());

  const resolve = (explicit?: Partial<ApiConfig>) => resolveConfig(ApiConfig, { projectDir: box.projectDir, explicit });

  function writeAllProviders(): void {
    box.write(box.globalConfigToml, '[destination.my_api]\nbase_url = "global-config"\n');
    box.write(box.globalSecretsToml, '[destination.my_api]\napi_key = "global-secret"\nbase_url = "global-secrets"\n');
    box.write(box.configToml, '[destination.my_api]\nbase_url = "project-config"\n');
    box.write(box.secretsToml, '[destination.my_api]\napi_key = "project-secret"\nbase_url = "project-secrets"\n');
    box.write(box.dotenv, "DESTINATION__MY_API__API_KEY=dotenv-key\nDESTINATION__MY_API__BASE_URL=dotenv-url\n");
    box.setEnv("DESTINATION__MY_API__API_KEY", "env-key");
    box.setEnv("DESTINATION__MY_API__BASE_URL", "env-url");
  }

  it("explicit values win over every provider", async () => {
    writeAllProviders();
    const cfg = await resolve({ apiKey: "explicit-key", baseUrl: "explicit-url" });
    expect([cfg.apiKey, cfg.baseUrl]).toEqual(["explicit-key", "explicit-url"]);
  });

  it("then env vars (a real env var beats .env)", async () => {
    writeAllProviders();
    const cfg = await resolve();
    expect([cfg.apiKey, cfg.baseUrl]).toEqual(["env-key", "env-url"]);
  });

  it("then .env", async () => {
    writeAllProviders();
    box.setEnv("DESTINATION__MY_API__API_KEY", undefined);
    box.setEnv("DESTINATION__MY_API__BASE_URL", undefined);
    const cfg = await resolve();
    expect([cfg.apiKey, cfg.baseUrl]).toEqual(["dotenv-key", "dotenv-url"]);
    // .env is read into the resolver only: the process environment is left alone.
    expect(process.env.DESTINATION__MY_API__API_KEY).toBeUndefined();
  });

  it("then project secrets.toml, then project config.toml", async () => {
    writeAllProviders();
    box.setEnv("DESTINATION__MY_API__API_KEY", undefined);
    box.setEnv("DESTINATION__MY_API__BASE_URL", undefined);
    box.write(box.dotenv, "");
    expect(await resolve()).toMatchObject({ apiKey: "project-secret", baseUrl: "project-secrets" });
    box.write(box.secretsToml, "");
    box.write(box.globalSecretsToml, "");
    const cfg = await resolve({ apiKey: "k" });
    expect(cfg.baseUrl).toBe("project-config");
  });

  it("then the global dir (DLT_GLOBAL_DIR): secrets.toml, then config.toml", async () => {
    box.write(box.globalConfigToml, '[destination.my_api]\nbase_url = "global-config"\n');
    box.write(box.globalSecretsToml, '[destination.my_api]\napi_key = "global-secret"\n');
    const cfg = await resolve();
    expect([cfg.apiKey, cfg.baseUrl]).toEqual(["global-secret", "global-config"]);
  });

  it("then the property initializer (default)", async () => {
    box.setEnv("DESTINATION__MY_API__API_KEY", "k");
    expect((await resolve()).baseUrl).toBe("https://default.example.com");
  });

  it("project dir: option, else DLT_PROJECT_DIR, else cwd", async () => {
    box.write(box.secretsToml, '[destination.my_api]\napi_key = "from-project"\n');
    box.setEnv("DLT_PROJECT_DIR", box.projectDir);
    expect((await resolveConfig(ApiConfig)).apiKey).toBe("from-project");
    expect(createConfigProviders({ projectDir: box.globalDir }).projectDir).toBe(box.globalDir);
    box.setEnv("DLT_PROJECT_DIR", undefined);
    expect(createConfigProviders().projectDir).toBe(process.cwd());
  });

  it("lists every file looked for, in lookup order, with found flags", () => {
    box.write(box.secretsToml, "");
    box.write(box.globalConfigToml, "");
    const providers = createConfigProviders({ projectDir: box.projectDir });
    expect(providers.providers.map((p) => p.name)).toEqual([
      "Environment variables",
      "secrets.toml",
      "config.toml",
      "global secrets.toml",
      "global config.toml",
    ]);
    expect(providers.files).toEqual([
      { path: box.dotenv, found: false },
      { path: box.secretsToml, found: true },
      { path: box.configToml, found: false },
      { path: box.globalSecretsToml, found: false },
      { path: box.globalConfigToml, found: true },
    ]);
  });

  it("reads the global dir once when it is the project's own .dlt (project dir = home)", () => {
    box.setEnv("DLT_GLOBAL_DIR", join(box.projectDir, ".dlt"));
    const providers = createConfigProviders({ projectDir: box.projectDir });
    expect(providers.providers.map((p) => p.name)).toEqual(["Environment variables", "secrets.toml", "config.toml"]);
  });

  it("re-reads a file whose mtime changed, and only reads each file once per resolve", async () => {
    box.write(box.configToml, 'flag = "one"\n');
    const providers = createConfigProviders({ projectDir: box.projectDir });
    expect((await resolveValue("flag", { projectDir: box.projectDir })).value).toBe("one");
    box.write(box.configToml, 'flag = "two"\n');
    utimesSync(box.configToml, new Date(), new Date(Date.now() + 5000));
    expect((await resolveValue("flag", { projectDir: box.projectDir })).value).toBe("two");
    // Providers made earlier hold the file as it was when they read it.
    expect((await resolveValue("flag", { providers })).value).toBe("one");
  });

  it("an invalid TOML file fails with the file, line and column, not the secret-bearing code frame", () => {
    box.write(box.secretsToml, 'a = 1\npassword = "hunter2" x\n');
    let error: unknown;
    try {
      createConfigProviders({ projectDir: box.projectDir });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigFileParseException);
    expect((error as Error).message).toBe(
      `Cannot parse config file ${join(box.projectDir, ".dlt", "secrets.toml")} at line 2, column 22: ` +
        "Invalid TOML document: each key-value declaration must be followed by an end-of-line",
    );
    expect((error as Error).message).not.toContain("hunter2");
  });

  it("accepts an env map instead of process.env", async () => {
    const result = await resolveValue("api_key", {
      sections: ["destination", "my_api"],
      env: { DESTINATION__API_KEY: "from-map", DLT_GLOBAL_DIR: box.globalDir },
      projectDir: box.projectDir,
      secret: true,
    });
    expect(result).toMatchObject({ found: true, value: "from-map", source: { provider: "Environment variables", location: "DESTINATION__API_KEY" } });
  });
});
