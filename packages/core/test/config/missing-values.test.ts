import { config, ConfigFieldMissingException, configSpec, resolveConfig, secret } from "@dlt-ts/core";
import { formatMissingFieldsMessage } from "../../src/config/error-messages.js";
import { SecretInConfigTomlException } from "../../src/config/exceptions.js";
import { ConfigSandbox } from "./fixtures/config-sandbox.js";
import { PostgresClientConfiguration } from "./fixtures/postgres-credentials.js";

@configSpec({ section: "destination.my_api" })
class MyApiConfig {
  @secret() apiKey!: string;
  @config() timeoutMs!: number;
  @config() baseUrl = "https://api.example.com";
  @config({ optional: true }) comment?: string;
}

async function missingError(promise: Promise<unknown>): Promise<ConfigFieldMissingException> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ConfigFieldMissingException)) throw new Error(`expected ConfigFieldMissingException, got ${String(error)}`);
  return error;
}

describe("ConfigFieldMissingException", () => {
  let box: ConfigSandbox;
  beforeEach(() => {
    box = new ConfigSandbox();
  });
  afterEach(() => box.cleanup());

  it("lists every missing field, every (provider, key) tried, the files, and the fix", async () => {
    box.write(box.secretsToml, '[destination.other]\napi_key = "not this one"\n');
    const error = await missingError(resolveConfig(MyApiConfig, { projectDir: box.projectDir }));
    expect(error.missingFields).toEqual(["apiKey", "timeoutMs"]);
    expect(error.message).toBe(
      [
        "Missing 2 required configuration values for MyApiConfig (sections: destination.my_api):",
        '- apiKey (string, secret) at key "destination.my_api.api_key"; tried in order:',
        "    Environment variables: DESTINATION__MY_API__API_KEY",
        "    Environment variables: DESTINATION__API_KEY",
        "    Environment variables: API_KEY",
        "    secrets.toml: destination.my_api.api_key",
        "    secrets.toml: destination.api_key",
        "    secrets.toml: api_key",
        "    global secrets.toml: destination.my_api.api_key",
        "    global secrets.toml: destination.api_key",
        "    global secrets.toml: api_key",
        '- timeoutMs (number) at key "destination.my_api.timeout_ms"; tried in order:',
        "    Environment variables: DESTINATION__MY_API__TIMEOUT_MS",
        "    Environment variables: DESTINATION__TIMEOUT_MS",
        "    Environment variables: TIMEOUT_MS",
        "    secrets.toml: destination.my_api.timeout_ms",
        "    secrets.toml: destination.timeout_ms",
        "    secrets.toml: timeout_ms",
        "    config.toml: destination.my_api.timeout_ms",
        "    config.toml: destination.timeout_ms",
        "    config.toml: timeout_ms",
        "    global secrets.toml: destination.my_api.timeout_ms",
        "    global secrets.toml: destination.timeout_ms",
        "    global secrets.toml: timeout_ms",
        "    global config.toml: destination.my_api.timeout_ms",
        "    global config.toml: destination.timeout_ms",
        "    global config.toml: timeout_ms",
        "Config files found:",
        `    ${box.secretsToml}`,
        "Config files looked for but not present:",
        `    ${box.dotenv}`,
        `    ${box.configToml}`,
        `    ${box.globalSecretsToml}`,
        `    ${box.globalConfigToml}`,
        "To fix it:",
        `- add to ${box.secretsToml}:`,
        "    [destination.my_api]",
        '    api_key = "..."',
        `- add to ${box.configToml}:`,
        "    [destination.my_api]",
        "    timeout_ms = 0  # number",
        "- or set the environment variables:",
        "    DESTINATION__MY_API__API_KEY=...",
        "    DESTINATION__MY_API__TIMEOUT_MS=...",
      ].join("\n"),
    );
  });

  it("with a pipeline name, the pipeline keys are tried first and shown", async () => {
    box.setEnv("DESTINATION__MY_API__TIMEOUT_MS", "10");
    const error = await missingError(resolveConfig(MyApiConfig, { projectDir: box.projectDir, pipelineName: "p1" }));
    const lines = error.message.split("\n");
    expect(lines[0]).toBe("Missing 1 required configuration value for MyApiConfig (sections: destination.my_api; pipeline: p1):");
    expect(lines.slice(2, 8)).toEqual([
      "    Environment variables: P1__DESTINATION__MY_API__API_KEY",
      "    Environment variables: P1__DESTINATION__API_KEY",
      "    Environment variables: P1__API_KEY",
      "    Environment variables: DESTINATION__MY_API__API_KEY",
      "    Environment variables: DESTINATION__API_KEY",
      "    Environment variables: API_KEY",
    ]);
    expect(lines.filter((l) => l.startsWith("    ") && l.includes(": ")).length).toBe(18);
    expect(lines.slice(-2)).toEqual(["- or set the environment variable:", "    DESTINATION__MY_API__API_KEY=..."]);
    expect(error.report.pipelineName).toBe("p1");
  });

  it("for credentials, suggests the grouped TOML table and the whole connection string", async () => {
    box.setEnv("DESTINATION__POSTGRES__CREDENTIALS__HOST", "localhost");
    box.setEnv("DESTINATION__POSTGRES__CREDENTIALS__DATABASE", "dlt_data");
    const error = await missingError(resolveConfig(PostgresClientConfiguration, { projectDir: box.projectDir }));
    expect(error.missingFields).toEqual(["credentials.password", "credentials.username"]);
    const fix = error.message.slice(error.message.indexOf("To fix it:"));
    expect(fix).toBe(
      [
        "To fix it:",
        `- add to ${box.secretsToml}:`,
        "    [destination.postgres.credentials]",
        '    password = "..."',
        `- add to ${box.configToml}:`,
        "    [destination.postgres.credentials]",
        '    username = "..."',
        "- or set the environment variables:",
        "    DESTINATION__POSTGRES__CREDENTIALS__PASSWORD=...",
        "    DESTINATION__POSTGRES__CREDENTIALS__USERNAME=...",
        '- or give the credentials whole as a connection string: destination.postgres.credentials = "driver://user:password@host:port/database" in secrets.toml, or env DESTINATION__POSTGRES__CREDENTIALS',
      ].join("\n"),
    );
    expect(error.message).toContain("    Environment variables: DESTINATION__CREDENTIALS__PASSWORD\n");
    expect(error.message).not.toContain("DESTINATION__PASSWORD");
  });

  it("optional fields and fields with defaults are never reported", async () => {
    box.setEnv("DESTINATION__MY_API__TIMEOUT_MS", "10");
    const error = await missingError(resolveConfig(MyApiConfig, { projectDir: box.projectDir }));
    expect(error.missingFields).toEqual(["apiKey"]);
    box.setEnv("API_KEY", "k");
    const cfg = await resolveConfig(MyApiConfig, { projectDir: box.projectDir });
    expect(cfg.comment).toBeUndefined();
    expect(cfg.baseUrl).toBe("https://api.example.com");
  });

  it("the message is built by an exported function from the report", async () => {
    const error = await missingError(resolveConfig(MyApiConfig, { projectDir: box.projectDir }));
    expect(formatMissingFieldsMessage(error.report)).toBe(error.message);
    expect(error.name).toBe("ConfigFieldMissingException");
  });
});

describe("secrets in config.toml", () => {
  let box: ConfigSandbox;
  beforeEach(() => {
    box = new ConfigSandbox();
  });
  afterEach(() => box.cleanup());

  it("a @secret found in the project config.toml is an error naming file and key", async () => {
    box.write(box.configToml, "[destination.my_api]\napi_key = \"leaked-value\"\ntimeout_ms = 5\n");
    const error = await resolveConfig(MyApiConfig, { projectDir: box.projectDir, pipelineName: "p1" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecretInConfigTomlException);
    expect((error as Error).message).toBe(
      `Secret value "destination.my_api.api_key" was found in ${box.configToml} (key destination.my_api.api_key). ` +
        "config.toml is not read for secrets and is usually committed to version control: " +
        `move the key to ${box.secretsToml} or set the environment variable DESTINATION__MY_API__API_KEY.`,
    );
    expect((error as Error).message).not.toContain("leaked-value");
  });

  it("also in the global config.toml, pointing at the global secrets.toml", async () => {
    box.write(box.globalConfigToml, 'api_key = "leaked"\n');
    box.setEnv("DESTINATION__MY_API__TIMEOUT_MS", "1");
    await expect(resolveConfig(MyApiConfig, { projectDir: box.projectDir })).rejects.toThrow(
      `Secret value "destination.my_api.api_key" was found in ${box.globalConfigToml} (key api_key). ` +
        "config.toml is not read for secrets and is usually committed to version control: " +
        `move the key to ${box.globalSecretsToml} or set the environment variable DESTINATION__MY_API__API_KEY.`,
    );
  });

  it("a secret given by a provider that comes first is used", async () => {
    box.write(box.configToml, '[destination.my_api]\napi_key = "in-config"\ntimeout_ms = 5\n');
    box.write(box.secretsToml, '[destination.my_api]\napi_key = "in-secrets"\n');
    expect((await resolveConfig(MyApiConfig, { projectDir: box.projectDir })).apiKey).toBe("in-secrets");
  });
});
