import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Destination, SqlClient } from "@dlt-ts/core";
import { pipeline, type Pipeline } from "dlt-ts";
import type { ConformanceContext, DestinationConformanceOptions } from "./conformance-options.js";

/** Options of {@link TestScope.pipeline}. */
export interface ScopePipelineOptions {
  /** Parent of the working dir. Default: `<testDir>/pipelines`. */
  pipelinesDir?: string;
  /** The destination to use instead of a new one from the factory (e.g. a fault-injecting wrapper). */
  destination?: Destination;
  /** `pipeline({ staging })`. Default: none. */
  staging?: Destination;
}

/**
 * Everything one conformance test owns: a temp dir, one dataset, the
 * pipelines and SQL clients it opened. `cleanup()` closes the clients, drops
 * the datasets and removes the dir.
 */
export class TestScope {
  readonly testDir: string;
  readonly datasetName: string;
  /** Pipeline names are unique per test, so config keyed by pipeline name (env `<NAME>__LOAD__...`) stays local. */
  private readonly suffix = randomBytes(3).toString("hex");
  private readonly clients: SqlClient[] = [];
  private readonly pipelines: Pipeline[] = [];

  constructor(private readonly options: DestinationConformanceOptions) {
    this.testDir = mkdtempSync(path.join(os.tmpdir(), "dlt-ts-conformance-"));
    this.datasetName = `dlt_conf_${randomBytes(4).toString("hex")}`;
  }

  /** The full pipeline name for a short one: `<name>_<suffix>`. */
  pipelineName(name: string): string {
    return `${name}_${this.suffix}`;
  }

  context(pipelineName: string): ConformanceContext {
    return { testDir: this.testDir, pipelineName, datasetName: this.datasetName };
  }

  /** A new destination from the factory under test. */
  destination(pipelineName: string): Destination {
    return this.options.destination(this.context(pipelineName));
  }

  /** A pipeline on the test's dataset; the same short name gives the same pipeline name (and working dir unless pipelinesDir differs). */
  pipeline(name: string, options: ScopePipelineOptions = {}): Pipeline {
    const pipelineName = this.pipelineName(name);
    const p = pipeline({
      pipelineName,
      pipelinesDir: options.pipelinesDir ?? path.join(this.testDir, "pipelines"),
      destination: options.destination ?? this.destination(pipelineName),
      datasetName: this.datasetName,
      progress: "none",
      ...(options.staging ? { staging: options.staging } : {}),
    });
    this.pipelines.push(p);
    return p;
  }

  /** `p.sqlClient()`, closed by cleanup(). */
  async sqlClient(p: Pipeline): Promise<SqlClient> {
    const client = await p.sqlClient();
    this.clients.push(client);
    return client;
  }

  /** Closes what the test left open; `client.close()` twice is harmless. */
  async closeClients(): Promise<void> {
    for (const client of this.clients.splice(0)) await client.close().catch(() => undefined);
  }

  /** A fresh dir (for a second machine's pipelines dir). */
  freshDir(label: string): string {
    return mkdtempSync(path.join(this.testDir, `${label}-`));
  }

  async cleanup(): Promise<void> {
    await this.closeClients();
    if (this.options.dropDatasets !== false && this.pipelines.length > 0) {
      const client = await this.pipelines[0]!.sqlClient().catch(() => undefined);
      if (client) {
        try {
          await client.withStagingDataset().dropDataset().catch(() => undefined);
          await client.dropDataset().catch(() => undefined);
        } finally {
          await client.close().catch(() => undefined);
        }
      }
    }
    rmSync(this.testDir, { recursive: true, force: true });
  }
}

/** Skip decisions: a reason when `<case>` or `<case>:<id>` is listed in the options. */
export function skipReason(options: DestinationConformanceOptions, caseName: string, id?: string): string | undefined {
  const skip = options.skip;
  if (!skip) return undefined;
  const keys = id === undefined ? [caseName] : [caseName, `${caseName}:${id}`];
  if (Array.isArray(skip)) return keys.some((k) => (skip as readonly string[]).includes(k)) ? "skipped by the destination" : undefined;
  const record = skip as Readonly<Record<string, string>>;
  for (const key of keys) if (key in record) return record[key] || "skipped by the destination";
  return undefined;
}

/** What a case file gets to declare its tests with. */
export interface CaseRegistrar {
  readonly options: DestinationConformanceOptions;
  /**
   * Declares a test `id` of the current case; it gets its own TestScope,
   * cleaned up afterwards. Skipped (with the reason in its title) when the
   * options skip it or `unavailable` gives a reason.
   */
  test(id: string, title: string, fn: (scope: TestScope) => Promise<void>, unavailable?: () => string | undefined): void;
}

/** A registrar for the tests of `caseName`. */
export function caseRegistrar(options: DestinationConformanceOptions, caseName: string): CaseRegistrar {
  const timeout = options.timeoutMs ?? 60_000;
  return {
    options,
    test(id, title, fn, unavailable) {
      const reason = skipReason(options, caseName, id) ?? unavailable?.();
      if (reason) {
        test.skip(`${title} [${id}] — skipped: ${reason}`, () => undefined);
        return;
      }
      test(
        `${title} [${id}]`,
        async () => {
          const scope = new TestScope(options);
          try {
            await fn(scope);
          } finally {
            await scope.cleanup();
          }
        },
        timeout,
      );
    },
  };
}

/** Runs `fn` with console.warn silenced (the pipeline warns about pending packages, as it should). */
export async function quietly<T>(fn: () => Promise<T>): Promise<T> {
  const warn = console.warn;
  console.warn = () => undefined;
  try {
    return await fn();
  } finally {
    console.warn = warn;
  }
}
