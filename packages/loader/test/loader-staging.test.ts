import { promises as fs } from "node:fs";
import { Readable } from "node:stream";
import { formatJobFileName, parseJobFileName, readReferenceJob, type StagedJob, type StagingArea } from "@dlt-ts/core";
import { Loader, type LoaderOptions } from "@dlt-ts/loader";
import { FakeDestination } from "./support/fake-destination.js";
import { rows, schemaWith, table, tempStorages, writePackage, type TempStorages } from "./support/load-packages.js";

/*
 * The loader's side of staging: job files go to the stage first, each
 * becomes a reference job the destination loads, in the same table chain.
 * The stage is an in-memory object: the bucket itself is tested with real
 * folders and an S3 server in @dlt-ts/destination-filesystem.
 */

const fast: LoaderOptions = { retryBackoffMs: 1, maxRetryBackoffMs: 2 };

class MemoryStage implements StagingArea {
  readonly location = "mem://stage/";
  readonly fileFormats = ["jsonl", "csv", "parquet"];
  readonly files = new Map<string, Buffer>();
  readonly uploads: string[] = [];
  readonly truncated: string[][] = [];

  async upload(job: StagedJob): Promise<string> {
    const url = `mem://stage/${job.schemaName}/${job.fileName}`;
    this.files.set(url, await fs.readFile(job.filePath));
    this.uploads.push(job.fileName);
    return url;
  }
  localPath(): string | undefined {
    return undefined;
  }
  async openRead(url: string): Promise<Readable> {
    return Readable.from([this.files.get(url)!]);
  }
  async removeTableFiles(_schemaName: string, tables: readonly string[]): Promise<string[]> {
    this.truncated.push([...tables]);
    return [];
  }
  async close(): Promise<void> {}
}

describe("Loader with a stage", () => {
  let s: TempStorages;
  beforeEach(async () => {
    s = await tempStorages();
  });
  afterEach(async () => {
    await s.cleanup();
  });

  const schema = schemaWith("shop", [
    table("orders", ["id"]),
    table("orders__items", ["id"], { parent: "orders" }),
    table("_dlt_pipeline_state", ["version"]),
  ]);

  function loader(dest: FakeDestination, staging: StagingArea): Loader {
    return new Loader({ normalized: s.normalized, loaded: s.loaded, destination: dest, staging, options: fast });
  }

  it("uploads every job file, then the destination loads its reference job; the chain completes after the references", async () => {
    await writePackage(s.normalized, "1", schema, {
      "orders.a1.0.jsonl": rows(2),
      "orders__items.b1.0.jsonl": rows(3),
      "_dlt_pipeline_state.c1.0.jsonl": rows(1),
    });
    const stage = new MemoryStage();
    const urls: string[][] = [];
    const dest = new FakeDestination(async (request) => void urls.push(await readReferenceJob(request.filePath)));
    const [result] = await loader(dest, stage).run();

    expect(stage.uploads.sort()).toEqual(["_dlt_pipeline_state.c1.0.jsonl", "orders.a1.0.jsonl", "orders__items.b1.0.jsonl"]);
    expect(dest.order.sort()).toEqual(["_dlt_pipeline_state.c1.0.reference", "orders.a1.0.reference", "orders__items.b1.0.reference"]);
    expect(urls.flat().sort()).toEqual([...stage.files.keys()].sort());
    // The nested table's reference loads after its parent's.
    expect(dest.order.indexOf("orders__items.b1.0.reference")).toBeGreaterThan(dest.order.indexOf("orders.a1.0.reference"));
    expect(dest.chains.find((c) => c.tables.includes("orders"))?.tables).toEqual(["orders", "orders__items"]);
    expect(result!.status).toBe("loaded");
    expect(result!.jobs.map((j) => [j.fileName, j.state]).sort()).toEqual([
      ["_dlt_pipeline_state.c1.0.jsonl", "completed"],
      ["_dlt_pipeline_state.c1.0.reference", "completed"],
      ["orders.a1.0.jsonl", "completed"],
      ["orders.a1.0.reference", "completed"],
      ["orders__items.b1.0.jsonl", "completed"],
      ["orders__items.b1.0.reference", "completed"],
    ]);
    // Data tables' staged files are truncated once, before the first upload; _dlt_ tables never.
    expect(stage.truncated).toEqual([["orders", "orders__items"]]);
  });

  it("a resumed package uploads a started job again without writing its reference job twice, and truncates nothing", async () => {
    await writePackage(s.normalized, "1", schema, { "orders.a1.0.jsonl": rows(2) });
    // A killed run: the job was uploaded and its reference written, but the job file never left started_jobs.
    await s.normalized.startJob("1", "orders.a1.0.jsonl");
    await fs.writeFile(s.normalized.jobPath("1", "new_jobs", "orders.a1.0.reference"), "mem://stage/shop/orders.a1.0.jsonl");
    await s.normalized.updateState("1", { stagingTruncated: true });
    const stage = new MemoryStage();
    const dest = new FakeDestination();
    const [result] = await loader(dest, stage).run();

    expect(stage.uploads).toEqual(["orders.a1.0.jsonl"]);
    expect(dest.order).toEqual(["orders.a1.0.reference"]);
    expect(stage.truncated).toEqual([]);
    expect(result!.jobs.map((j) => j.fileName).sort()).toEqual(["orders.a1.0.jsonl", "orders.a1.0.reference"]);
  });

  it("truncates a long-named table's staged files by the name its job files carry (the stage's folder)", async () => {
    const long = "l".repeat(300);
    const fileName = formatJobFileName({ table: long, fileId: "a1", retry: 0, format: "jsonl" });
    await writePackage(s.normalized, "1", schemaWith("shop", [table(long, ["id"])]), { [fileName]: rows(1) });
    const stage = new MemoryStage();
    const dest = new FakeDestination();
    await loader(dest, stage).run();
    const shortened = parseJobFileName(fileName).table;
    expect(shortened).not.toBe(long);
    expect(stage.truncated).toEqual([[shortened]]);
    expect(dest.order).toEqual([fileName.replace(/\.jsonl$/, ".reference")]);
  });

  it("keeps earlier staged files when the destination says so", async () => {
    await writePackage(s.normalized, "1", schema, { "orders.a1.0.jsonl": rows(1) });
    const stage = new MemoryStage();
    const dest = Object.assign(new FakeDestination(), { truncateTablesOnStagingDestinationBeforeLoad: false });
    await loader(dest, stage).run();
    expect(stage.truncated).toEqual([]);
    expect(dest.order).toEqual(["orders.a1.0.reference"]);
  });

  it("a reference job without a stage fails terminally and says what to do", async () => {
    await writePackage(s.normalized, "1", schema, { "orders.a1.0.jsonl": rows(1) });
    await fs.rename(s.normalized.jobPath("1", "new_jobs", "orders.a1.0.jsonl"), s.normalized.jobPath("1", "new_jobs", "orders.a1.0.reference"));
    const dest = new FakeDestination();
    const results = await new Loader({ normalized: s.normalized, loaded: s.loaded, destination: dest, options: { ...fast, raiseOnFailedJobs: false } }).run();
    expect(results[0]!.jobs[0]!.failureMessage).toMatch(
      /Job file "orders\.a1\.0\.reference" of load package 1 refers to files in a staging destination, but this run has none/,
    );
    expect(dest.order).toEqual([]);
  });
});
