import { promises as fs } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { resolveLoadConfiguration } from "../src/load-configuration.js";

describe("resolveLoadConfiguration (the [load] section)", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "dlt-ts-load-config-"));
    await fs.mkdir(path.join(dir, ".dlt"));
  });
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  const env = (vars: Record<string, string>) => ({ DLT_GLOBAL_DIR: path.join(dir, "global"), ...vars });

  it("reads [load] keys from env and config.toml, coerced; unset keys keep dlt's defaults", async () => {
    await fs.writeFile(path.join(dir, ".dlt", "config.toml"), '[load]\nworkers = 3\nparallelism_strategy = "table-sequential"\n');
    const settings = await resolveLoadConfiguration({
      projectDir: dir,
      env: env({ LOAD__RAISE_ON_MAX_RETRIES: "7", LOAD__RAISE_ON_FAILED_JOBS: "false", LOAD__RETRY_BACKOFF_MS: "1" }),
    });
    expect({ ...settings }).toEqual({
      raiseOnMaxRetries: 7,
      raiseOnFailedJobs: false,
      workers: 3,
      parallelismStrategy: "table-sequential",
      retryBackoffMs: 1,
      maxRetryBackoffMs: 2000,
    });
  });

  it("tries the pipeline section first and rejects an unknown strategy", async () => {
    const settings = await resolveLoadConfiguration({ projectDir: dir, pipelineName: "p", env: env({ P__LOAD__WORKERS: "2", LOAD__WORKERS: "9" }) });
    expect(settings.workers).toBe(2);
    await expect(resolveLoadConfiguration({ projectDir: dir, env: env({ LOAD__PARALLELISM_STRATEGY: "random" }) })).rejects.toThrow(
      'load.parallelism_strategy must be one of "parallel", "table-sequential", "sequential", got "random"',
    );
  });
});
