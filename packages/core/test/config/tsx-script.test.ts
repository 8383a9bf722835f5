import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { ConfigSandbox } from "./fixtures/config-sandbox.js";

const run = promisify(execFile);
const repoRoot = join(__dirname, "..", "..", "..", "..");
const tsx = join(repoRoot, "node_modules", ".bin", "tsx");
const fixture = join(__dirname, "fixtures", "tsx");

/** Runs the tsx fixture with only the env it needs (no design:* metadata under esbuild). */
async function runScript(box: ConfigSandbox, env: Record<string, string>, dir = fixture, script = "resolve-secret.ts") {
  return run(tsx, ["--tsconfig", join(dir, "tsconfig.json"), join(dir, script)], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? "", HOME: box.root, DLT_GLOBAL_DIR: box.globalDir, DLT_PROJECT_DIR: box.projectDir, ...env },
    timeout: 60_000,
  });
}

describe("a tsx script (esbuild, no design:* metadata)", () => {
  let box: ConfigSandbox;
  beforeEach(() => {
    box = new ConfigSandbox();
  });
  afterEach(() => box.cleanup());

  it("resolves secrets from env into a decorated class and its method parameters", async () => {
    box.write(box.secretsToml, '[destination.tsx_dest]\ncredentials = "postgresql://loader:pw@localhost/dlt_data"\n');
    box.write(box.configToml, "[destination.tsx_dest]\nretries = 3\n");
    const { stdout } = await runScript(box, {
      TSX_PIPELINE__DESTINATION__TSX_DEST__API_KEY: "tsx-secret",
      DESTINATION__TSX_DEST__TIMEOUT_MS: "750",
      DESTINATION__TSX_DEST__VERBOSE: "true",
    });
    expect(JSON.parse(stdout)).toEqual({
      hasDesignType: false,
      apiKey: "tsx-secret",
      timeoutMs: 750, // coerced: the type came from the default value
      verbose: true, // coerced: the type came from the decorator option
      credentials: "postgresql://loader:***@localhost/dlt_data",
      connectionPort: "unset",
      written: { key: "tsx-secret", retries: 3 },
    });
  }, 60_000);

  it("fails with the missing-values error when the secret is absent", async () => {
    const error = await runScript(box, { DESTINATION__TSX_DEST__VERBOSE: "false" }).catch((e: { stderr: string; code: number }) => e);
    expect((error as { code: number }).code).toBe(1);
    const stderr = (error as { stderr: string }).stderr;
    expect(stderr).toContain("Missing 2 required configuration values for TsxDestination (sections: destination.tsx_dest; pipeline: tsx_pipeline):");
    expect(stderr).toContain('- apiKey (any, secret) at key "destination.tsx_dest.api_key"; tried in order:');
    expect(stderr).toContain("    Environment variables: TSX_PIPELINE__DESTINATION__TSX_DEST__API_KEY");
    expect(stderr).toContain('- credentials.drivername (string) at key "destination.tsx_dest.credentials.drivername"; tried in order:');
  }, 60_000);
});

describe("a tsx script without experimentalDecorators (TC39 standard decorators)", () => {
  const standardFixture = join(__dirname, "fixtures", "tsx-standard");
  let box: ConfigSandbox;
  beforeEach(() => {
    box = new ConfigSandbox();
  });
  afterEach(() => box.cleanup());

  it("resolves @configSpec / @config / @secret properties recorded in Symbol.metadata", async () => {
    box.write(box.secretsToml, '[destination.tsx_std]\ncredentials = "postgresql://loader:pw@localhost/dlt_data"\n');
    const { stdout } = await runScript(
      box,
      {
        TSX_STD_PIPELINE__DESTINATION__TSX_STD__API_KEY: "std-secret",
        DESTINATION__TSX_STD__TIMEOUT_MS: "750",
        DESTINATION__TSX_STD__VERBOSE: "true",
        DESTINATION__TSX_STD__ENDPOINT: "http://localhost:8080",
      },
      standardFixture,
      "resolve-standard.ts",
    );
    expect(JSON.parse(stdout)).toEqual({
      standardMetadata: true,
      coreStandardMetadata: true, // core's own sources were compiled with standard decorators too
      hasDesignType: false,
      apiKey: "std-secret",
      timeoutMs: 750, // coerced: the type came from the default value
      verbose: true, // coerced: the type came from the decorator option
      baseUrl: "http://localhost:8080",
      credentials: "postgresql://loader:***@localhost/dlt_data",
      connectionPort: "unset",
    });
  }, 60_000);
});
