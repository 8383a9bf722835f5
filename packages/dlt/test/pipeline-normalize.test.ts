import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { destination, pipeline, type DataItem, type TableSchema } from "dlt-ts";

const fixtures = path.join(__dirname, "../../../fixtures");
const events = JSON.parse(readFileSync(path.join(fixtures, "github-events.json"), "utf8")) as DataItem[];

function tempDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), "dlt-ts-normalize-"));
}

/** Rows per table as a sink receives them, without the random and per-run ids. */
function recordingSink(rows: Record<string, DataItem[]>) {
  return destination(
    async (items: DataItem[] | string, table: TableSchema) => {
      for (const item of items as DataItem[]) {
        const { _dlt_id, _dlt_parent_id, _dlt_load_id, ...rest } = item;
        (rows[table.name] ??= []).push(rest);
      }
    },
    { name: "recording", batchSize: 1000, maxTableNesting: 1000, namingConvention: "snake_case" },
  );
}

describe("normalize", () => {
  it("gives the same rows whether run() normalizes as it extracts or extract() and normalize() run one by one", async () => {
    const oneByOne: Record<string, DataItem[]> = {};
    const staged = pipeline({ pipelineName: "staged", pipelinesDir: tempDir(), destination: recordingSink(oneByOne), progress: "none" });
    await staged.extract(events, { tableName: "events" });
    await staged.normalize();
    await staged.load();

    const inOnePass: Record<string, DataItem[]> = {};
    const fused = pipeline({ pipelineName: "fused", pipelinesDir: tempDir(), destination: recordingSink(inOnePass), progress: "none" });
    await fused.run(events, { tableName: "events" });

    expect(Object.keys(inOnePass).sort()).toEqual(Object.keys(oneByOne).sort());
    expect(Object.keys(inOnePass).filter((t) => !t.startsWith("_dlt"))).toHaveLength(7);
    expect(inOnePass).toEqual(oneByOne);
    expect(staged.defaultSchema.toStored().tables).toEqual(fused.defaultSchema.toStored().tables);
  });

  it("writes one file per table while the first rows still add columns", async () => {
    const p = pipeline({ pipelineName: "files", pipelinesDir: tempDir(), progress: "none" });
    await p.extract(events, { tableName: "events", loaderFileFormat: "csv" });
    const info = await p.normalize();
    const [loadId] = p.listPendingPackages().normalized;
    const files = readdirSync(path.join(p.workingDir, "load", "normalized", loadId!, "new_jobs"));
    const tables = files.map((file) => file.split(".")[0]!);
    // 100 events of 7 types: the events table gains columns through the first rows, yet gets one file.
    expect(tables.sort()).toEqual(Object.keys(info.rowCounts).sort());
    expect(new Set(tables).size).toBe(tables.length);
  });
});
