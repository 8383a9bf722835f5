import { promises as fs } from "node:fs";
import * as path from "node:path";
import type { Destination, DestinationContext, Schema, TableSchema } from "@dlt-ts/core";
import { Loader, type LoaderOptions, type LoadPackageResult } from "@dlt-ts/loader";
import { tempStorages, writePackage, type TempStorages } from "../../loader/test/support/load-packages.js";

/** A project dir with its own `.dlt/`, and env vars that the test sets and removes again. */
export class SinkWorld {
  private readonly envKeys = new Set<string>();
  storages!: TempStorages;

  async setUp(): Promise<void> {
    this.storages = await tempStorages();
    await fs.mkdir(path.join(this.projectDir, ".dlt"), { recursive: true });
    this.env("DLT_GLOBAL_DIR", path.join(this.storages.dir, "global"));
  }

  async tearDown(): Promise<void> {
    for (const key of this.envKeys) delete process.env[key];
    this.envKeys.clear();
    await this.storages.cleanup();
  }

  get projectDir(): string {
    return path.join(this.storages.dir, "project");
  }

  env(key: string, value: string): void {
    this.envKeys.add(key);
    process.env[key] = value;
  }

  async secretsToml(text: string): Promise<void> {
    await fs.writeFile(path.join(this.projectDir, ".dlt", "secrets.toml"), text);
  }

  async configToml(text: string): Promise<void> {
    await fs.writeFile(path.join(this.projectDir, ".dlt", "config.toml"), text);
  }

  context(pipelineName = "sink_test"): DestinationContext {
    return { pipelineName, datasetName: `${pipelineName}_dataset`, workingDir: this.storages.dir, projectDir: this.projectDir };
  }

  /** Writes a package with `jobs`, configures `destination` and loads the package. */
  async load(
    destination: Destination,
    schema: Schema,
    jobs: Record<string, string | Uint8Array | unknown[]>,
    options: LoaderOptions = {},
    loadId = "1700000000.000001",
  ): Promise<LoadPackageResult[]> {
    await writePackage(this.storages.normalized, loadId, schema, jobs);
    return this.loadPending(destination, options);
  }

  async loadPending(destination: Destination, options: LoaderOptions = {}): Promise<LoadPackageResult[]> {
    const configured = await destination.configure(this.context());
    const loader = new Loader({
      normalized: this.storages.normalized,
      loaded: this.storages.loaded,
      destination: configured,
      options: { retryBackoffMs: 1, maxRetryBackoffMs: 2, ...options },
    });
    return loader.run();
  }
}

/** One recorded write() call. */
export interface WriteCall {
  items: Record<string, unknown>[] | string;
  table: TableSchema;
}
