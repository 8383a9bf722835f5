import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { inspect } from "node:util";
import {
  DestinationTerminalException,
  PipelineStepFailed,
  config,
  configSpec,
  destination,
  pipeline,
  secret,
  type DataItem,
  type Pipeline,
  type TableSchema,
} from "dlt-ts";
import { dltTs } from "./cli/cli-runner.js";

/*
 * A sink whose own error carries its secret: dlt-ts resolved that secret, so
 * it masks it everywhere it records the failure: the exception (message,
 * stack, causes), LoadInfo, trace.json, failed_jobs/*.exception and the CLI.
 */

/** Has a quote, a backslash, a slash, a space and a plus: its raw, JSON and URL forms all differ. */
const API_KEY = 'sk-live "9f8e"\\7d/ab+c';
const SHORT_DB_PASSWORD = "hunter2-db";

const forms = [API_KEY, JSON.stringify(API_KEY).slice(1, -1), encodeURIComponent(API_KEY), inspect(API_KEY).slice(1, -1), SHORT_DB_PASSWORD];

function tempDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), "dlt-ts-secrets-"));
}

@destination({ name: "leaky_terminal", batchSize: 10 })
class LeakyTerminalSink {
  @secret() apiKey!: string;
  @config() baseUrl = "https://api.example.com";

  async write(_items: DataItem[] | string, _table: TableSchema): Promise<void> {
    // util.inspect(this): what a careless `console.error(this)` or log line would show.
    throw new DestinationTerminalException(
      `POST ${this.baseUrl}/items?key=${encodeURIComponent(this.apiKey)} rejected by ${inspect(this)}`,
    );
  }
}

@configSpec()
class LeakyConfig {
  @secret() apiKey!: string;
  @secret() dbPassword!: string;
}

/** A function sink whose error is its whole config, as JSON (transient: retried, then the package stays pending). */
const leakyRetry = destination(
  async (_items: DataItem[] | string, _table: TableSchema, cfg: LeakyConfig) => {
    throw new Error(`upstream said no to ${JSON.stringify(cfg)}`, { cause: new Error(`auth ${cfg.apiKey} / ${cfg.dbPassword}`) });
  },
  { name: "leaky_retry", spec: LeakyConfig },
);

function leaks(text: string): string[] {
  return forms.filter((form) => text.includes(form));
}

function filesUnder(dir: string, suffix: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(suffix))
    .map((f) => path.join(dir, f));
}

async function failedRun(p: Pipeline): Promise<PipelineStepFailed> {
  const error = await p.run([{ id: 1 }, { id: 2 }], { tableName: "items" }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(PipelineStepFailed);
  return error as PipelineStepFailed;
}

/** Everything a user or a log could see of the failure, in this process and on disk. */
function recorded(p: Pipeline, error: PipelineStepFailed): Record<string, string> {
  const working = p.workingDir;
  return {
    message: error.message,
    stack: error.stack ?? "",
    inspected: inspect(error, { depth: 10 }),
    causeMessage: String((error.cause as Error).message),
    loadInfo: error.loadInfo!.toString(),
    loadInfoJson: JSON.stringify(error.loadInfo),
    lastTrace: JSON.stringify(p.lastTrace),
    traceFile: readFileSync(path.join(working, "trace.json"), "utf8"),
    exceptionFiles: filesUnder(path.join(working, "load"), ".exception")
      .map((f) => readFileSync(f, "utf8"))
      .join("\n"),
  };
}

describe("secrets in a sink's own errors", () => {
  const env = ["DESTINATION__LEAKY_TERMINAL__API_KEY", "DESTINATION__LEAKY_RETRY__API_KEY", "DESTINATION__LEAKY_RETRY__DB_PASSWORD", "LOAD__RETRY_BACKOFF_MS", "LOAD__RAISE_ON_MAX_RETRIES"];
  beforeEach(() => {
    process.env.DESTINATION__LEAKY_TERMINAL__API_KEY = API_KEY;
    process.env.DESTINATION__LEAKY_RETRY__API_KEY = API_KEY;
    process.env.DESTINATION__LEAKY_RETRY__DB_PASSWORD = SHORT_DB_PASSWORD;
    process.env.LOAD__RETRY_BACKOFF_MS = "1";
    process.env.LOAD__RAISE_ON_MAX_RETRIES = "2";
  });
  afterEach(() => {
    for (const key of env) delete process.env[key];
  });

  it("a terminal error with util.inspect(this) and the URL-encoded key: masked in the exception, LoadInfo, trace and .exception files", async () => {
    const p = pipeline({ pipelineName: "leaky_terminal", pipelinesDir: tempDir(), destination: LeakyTerminalSink, progress: "none" });
    const error = await failedRun(p);
    const seen = recorded(p, error);
    expect(seen.exceptionFiles).toContain("rejected by LeakyTerminalSink");
    expect(seen.message).toContain("/items?key=*** rejected by");
    for (const [where, text] of Object.entries(seen)) expect([where, leaks(text)]).toEqual([where, []]);
  });

  it("a retried error holding the whole config as JSON, with the key in its cause: masked everywhere, the CLI included", async () => {
    const pipelinesDir = tempDir();
    const p = pipeline({ pipelineName: "leaky_retry", pipelinesDir, destination: leakyRetry, progress: "none" });
    const error = await failedRun(p);
    const seen = recorded(p, error);
    expect(seen.message).toContain('upstream said no to {"apiKey":"***","dbPassword":"***"}');
    expect(seen.message).toContain("caused by Error: auth *** / ***");
    for (const [where, text] of Object.entries(seen)) expect([where, leaks(text)]).toEqual([where, []]);

    const outputs = await Promise.all(
      [["trace"], ["load-package"], ["failed-jobs"], ["info"]].map((op) => dltTs(["pipeline", "leaky_retry", ...op, "--pipelines-dir", pipelinesDir])),
    );
    for (const out of outputs) expect(leaks(out.stdout + out.stderr)).toEqual([]);
    expect(outputs[0]!.stdout).toContain("***");
  }, 60_000);
});
