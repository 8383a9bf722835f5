import { readFileSync, writeFileSync, existsSync, rmSync } from "node:fs";
import * as path from "node:path";
import { PipelineStepFailed, type Pipeline } from "dlt-ts";
import { filesystem, InvalidFilesystemLayout, type FilesystemDestinationOptions } from "@dlt-ts/destination-filesystem";
import {
  closeDuckdb,
  expectedItems,
  expectedTags,
  FORMATS,
  ITEM_SELECT,
  itemRows,
  listFiles,
  newPipeline,
  queryFiles,
  removeTempDirs,
  TAG_SELECT,
  tempDir,
  type FileFormat,
} from "./filesystem-test-utils.js";

/*
 * pipeline() → extract → normalize → load into a local folder bucket, as a
 * user runs it; the files are read back with DuckDB.
 */

afterAll(() => {
  closeDuckdb();
  removeTempDirs();
});

interface Bucket {
  dir: string;
  root: string;
  pipelines: string;
  make(name: string, options?: FilesystemDestinationOptions): Pipeline;
  /** Absolute paths of the files under `<root>/<dataset>/<folder>/`. */
  files(dataset: string, folder: string): string[];
}

function bucket(): Bucket {
  const dir = tempDir();
  const root = path.join(dir, "bucket");
  const pipelines = path.join(dir, "pipelines");
  return {
    dir,
    root,
    pipelines,
    make: (name, options = {}) => newPipeline(name, filesystem({ bucketUrl: `file://${root}`, ...options }), pipelines),
    files: (dataset, folder) => listFiles(path.join(root, dataset, folder)).map((f) => path.join(root, dataset, folder, f)),
  };
}

describe.each(FORMATS)("%s files in a file:// bucket", (format: FileFormat) => {
  test("append: each load adds its files at the default layout; rows and nested rows read back as loaded", async () => {
    const b = bucket();
    const p = b.make(`append_${format}`);
    const first = itemRows([1, 2, 3]);
    const second = itemRows([4, 5]);
    const info1 = await p.run(first, { tableName: "items", loaderFileFormat: format });
    const info2 = await p.run(second, { tableName: "items", loaderFileFormat: format });
    expect(info1.hasFailedJobs).toBe(false);
    expect(info2.hasFailedJobs).toBe(false);

    const loadIds = [info1.loadPackages[0]!.loadId, info2.loadPackages[0]!.loadId];
    const dataset = p.datasetName;
    const names = listFiles(path.join(b.root, dataset, "items"));
    expect(names).toHaveLength(2);
    for (const [i, name] of names.entries()) {
      // {table_name}/{load_id}.{file_id}.{ext}
      expect(name.startsWith(`${loadIds[i]}.`)).toBe(true);
      expect(name).toMatch(new RegExp(`^\\d+\\.\\d+\\.[a-z0-9]+\\.${format}$`));
    }
    const items = await queryFiles(b.files(dataset, "items"), format, ITEM_SELECT, "CAST(id AS BIGINT)");
    expect(items).toEqual(expectedItems([...first, ...second]));

    const tags = await queryFiles(b.files(dataset, "items__tags"), format, TAG_SELECT, "value");
    expect(tags.map((t) => t.value)).toEqual(expectedTags([...first, ...second]));
    const parentIds = new Set((await queryFiles(b.files(dataset, "items"), format, "CAST(_dlt_id AS VARCHAR) AS id")).map((r) => r.id));
    expect(tags.every((t) => parentIds.has(t.parent))).toBe(true);
    expect(tags.filter((t) => t.value === "t4b").map((t) => t.idx)).toEqual(["1"]);

    // dlt's own tables: one _dlt_loads file per completed load, schema versions, the init file.
    expect(listFiles(path.join(b.root, dataset, "_dlt_loads"))).toEqual(loadIds.map((id) => `${p.defaultSchema.name}__${id}.jsonl`));
    expect(JSON.parse(readFileSync(path.join(b.root, dataset, "init"), "utf8"))).toEqual({ initial_version: 2, current_version: 2 });
    expect(listFiles(path.join(b.root, dataset, "_dlt_version")).length).toBeGreaterThanOrEqual(1);
  });

  test("replace: only the last load's files remain, nested tables emptied too, also by a load without rows for them", async () => {
    const b = bucket();
    const p = b.make(`replace_${format}`);
    await p.run(itemRows([1, 2]), { tableName: "items", writeDisposition: "replace", loaderFileFormat: format });
    await p.run(itemRows([3, 4]), { tableName: "items", writeDisposition: "replace", loaderFileFormat: format });
    const dataset = p.datasetName;
    expect(b.files(dataset, "items")).toHaveLength(1);
    expect(await queryFiles(b.files(dataset, "items"), format, ITEM_SELECT, "CAST(id AS BIGINT)")).toEqual(expectedItems(itemRows([3, 4])));
    expect((await queryFiles(b.files(dataset, "items__tags"), format, TAG_SELECT, "value")).map((t) => t.value)).toEqual(
      expectedTags(itemRows([3, 4])),
    );

    // Rows without tags: the nested table's earlier files go, no new ones come.
    const info = await p.run([{ id: 9, name: "no tags", score: 1.5, active: true, created_at: "2024-05-09T10:20:30.123Z", owner: { login: "u9" } }], {
      tableName: "items",
      writeDisposition: "replace",
      loaderFileFormat: format,
    });
    expect(info.hasFailedJobs).toBe(false);
    expect(b.files(dataset, "items__tags")).toEqual([]);
    expect((await queryFiles(b.files(dataset, "items"), format, "CAST(id AS BIGINT)::VARCHAR AS id")).map((r) => r.id)).toEqual(["9"]);

    // Replace with no rows at all empties the table (dlt loads an empty file; we store none).
    await p.run([], { tableName: "items", writeDisposition: "replace", loaderFileFormat: format });
    expect(b.files(dataset, "items")).toEqual([]);
  });

  test("merge: loads are appended, with a warning (as dlt)", async () => {
    const b = bucket();
    const p = b.make(`merge_${format}`);
    const warn = jest.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      await p.run(itemRows([1, 2]), { tableName: "items", writeDisposition: "merge", primaryKey: "id", loaderFileFormat: format });
      await p.run(itemRows([2, 3], "updated"), { tableName: "items", writeDisposition: "merge", primaryKey: "id", loaderFileFormat: format });
      const warnings = warn.mock.calls.map((call) => String(call[0]));
      expect(warnings.filter((w) => w.includes('Table "items" has write disposition "merge"'))).toHaveLength(2);
      expect(warnings.some((w) => w.includes("appended"))).toBe(true);
    } finally {
      warn.mockRestore();
    }
    const ids = await queryFiles(b.files(p.datasetName, "items"), format, "CAST(id AS BIGINT)::VARCHAR AS id, CAST(name AS VARCHAR) AS name", "CAST(id AS BIGINT), name");
    expect(ids).toEqual([
      { id: "1", name: 'item 1, "quoted"' },
      { id: "2", name: 'item 2, "quoted"' },
      { id: "2", name: 'updated 2, "quoted"' },
      { id: "3", name: 'updated 3, "quoted"' },
    ]);
  });
});

describe("destination by name", () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  });

  test('destination: "filesystem" with DESTINATION__FILESYSTEM__BUCKET_URL (file://)', async () => {
    const dir = tempDir();
    const root = path.join(dir, "lake");
    process.env.DESTINATION__FILESYSTEM__BUCKET_URL = `file://${root}`;
    const p = newPipeline("by_name", "filesystem", path.join(dir, "pipelines"));
    const info = await p.run(itemRows([1, 2]), { tableName: "items" });
    expect(info.hasFailedJobs).toBe(false);
    expect(info.toString()).toContain(`file://${root}`);
    const files = listFiles(path.join(root, "by_name_data", "items")).map((f) => path.join(root, "by_name_data", "items", f));
    expect(files).toHaveLength(1);
    expect(files[0]!.endsWith(".jsonl")).toBe(true);
    expect(await queryFiles(files, "jsonl", ITEM_SELECT, "CAST(id AS BIGINT)")).toEqual(expectedItems(itemRows([1, 2])));
  });

  test("a relative bucket_url is a folder of the project dir", async () => {
    const dir = tempDir();
    process.env.DESTINATION__FILESYSTEM__BUCKET_URL = "data/lake";
    const p = newPipeline("relative", "filesystem", path.join(dir, "pipelines"), "rel_data", dir);
    const info = await p.run([{ id: 1 }], { tableName: "things" });
    expect(info.toString()).toContain(`file://${path.join(dir, "data", "lake")}`);
    expect(listFiles(path.join(dir, "data", "lake", "rel_data", "things"))).toHaveLength(1);
  });

  test("layout, extra_placeholders and current_datetime from env vars", async () => {
    const dir = tempDir();
    const root = path.join(dir, "lake");
    process.env.DESTINATION__FILESYSTEM__BUCKET_URL = root;
    process.env.DESTINATION__FILESYSTEM__LAYOUT = "{table_name}/{env}/{YYYY}-{MM}/{load_id}.{file_id}.{ext}";
    process.env.DESTINATION__FILESYSTEM__EXTRA_PLACEHOLDERS = '{"env": "prod"}';
    process.env.DESTINATION__FILESYSTEM__CURRENT_DATETIME = "2023-02-03T04:05:06Z";
    const p = newPipeline("env_layout", "filesystem", path.join(dir, "pipelines"));
    const info = await p.run([{ id: 1 }], { tableName: "things" });
    const files = listFiles(path.join(root, "env_layout_data", "things"));
    expect(files).toHaveLength(1);
    expect(files[0]!.startsWith(`prod/2023-02/${info.loadPackages[0]!.loadId}.`)).toBe(true);
  });

  test("a missing bucket_url fails before any data is read, naming the key", async () => {
    const dir = tempDir();
    delete process.env.DESTINATION__FILESYSTEM__BUCKET_URL;
    let read = false;
    const p = newPipeline("missing_url", "filesystem", path.join(dir, "pipelines"), "missing_data", dir);
    const error = await p
      .run(
        (function* () {
          read = true;
          yield { id: 1 };
        })(),
        { tableName: "things" },
      )
      .catch((e: unknown) => e as Error);
    expect(read).toBe(false);
    expect(String((error as Error).message)).toContain("bucket_url");
    expect(String((error as Error).message)).toContain("DESTINATION__FILESYSTEM__BUCKET_URL");
  });
});

describe("layout", () => {
  test("date, schema and extra placeholders; {ext} appended when the layout has none", async () => {
    const b = bucket();
    const p = b.make("layout_parts", {
      layout: "{schema_name}/{table_name}/{YYYY}/{MM}/{DD}/{HH}{mm}-{ddd}/{type}-{by_table}/{timestamp}/{load_id}.{file_id}",
      currentDatetime: new Date("2024-04-14T08:32:05Z"),
      extraPlaceholders: { type: "raw", by_table: (schemaName, tableName, _loadId, _fileId, ext) => `${schemaName}-${tableName}-${ext}` },
    });
    const info = await p.run([{ id: 1 }, { id: 2 }], { tableName: "events", loaderFileFormat: "csv" });
    const loadId = info.loadPackages[0]!.loadId;
    const schema = p.defaultSchema.name;
    const files = listFiles(path.join(b.root, p.datasetName)).filter((f) => !f.startsWith("_dlt") && f !== "init");
    expect(files).toHaveLength(1);
    const timestamp = Date.parse("2024-04-14T08:32:05Z") / 1000;
    expect(files[0]).toMatch(new RegExp(`^${schema}/events/2024/04/14/0832-sun/raw-${schema}-events-csv/${timestamp}/${loadId.replace(".", "\\.")}\\.[a-z0-9]+\\.csv$`));
  });

  test("the date placeholders default to the load package's creation time: a load's files share one folder", async () => {
    const b = bucket();
    const p = b.make("layout_clock", { layout: "{table_name}/{load_package_timestamp}/{curr_date}/{load_id}.{file_id}.{ext}" });
    const before = Math.floor(Date.now() / 1000);
    await p.run(itemRows([1, 2, 3]), { tableName: "items" });
    const after = Math.ceil(Date.now() / 1000);
    for (const table of ["items", "items__tags"]) {
      const files = listFiles(path.join(b.root, p.datasetName, table));
      expect(files).toHaveLength(1);
      const [seconds, date] = files[0]!.split("/");
      expect(Number(seconds)).toBeGreaterThanOrEqual(before);
      expect(Number(seconds)).toBeLessThanOrEqual(after);
      expect(date).toBe(new Date(Number(seconds) * 1000).toISOString().slice(0, 10));
    }
    const items = listFiles(path.join(b.root, p.datasetName, "items"))[0]!.split("/").slice(0, 2);
    const tags = listFiles(path.join(b.root, p.datasetName, "items__tags"))[0]!.split("/").slice(0, 2);
    expect(tags).toEqual(items);
  });

  test("tables sharing a folder: replace deletes only its own table's files", async () => {
    const b = bucket();
    const p = b.make("flat", { layout: "{table_name}.{load_id}.{file_id}.{ext}" });
    await p.run([{ id: 1 }], { tableName: "items" });
    await p.run([{ id: 1 }], { tableName: "items_v2" });
    await p.run([{ id: 2 }], { tableName: "items", writeDisposition: "replace" });
    const files = listFiles(path.join(b.root, p.datasetName)).filter((f) => !f.startsWith("_dlt") && f !== "init");
    expect(files.filter((f) => f.startsWith("items."))).toHaveLength(1);
    expect(files.filter((f) => f.startsWith("items_v2."))).toHaveLength(1);
    const rows = await queryFiles(files.filter((f) => f.startsWith("items.")).map((f) => path.join(b.root, p.datasetName, f)), "jsonl", "id");
    expect(rows).toEqual([{ id: "2" }]);
  });

  test("an unknown placeholder fails before any data is read, listing the known ones", async () => {
    const b = bucket();
    const p = b.make("bad_layout", { layout: "{table_name}/{load_idd}.{file_id}.{ext}" });
    let read = false;
    const error = await p
      .run(
        (function* () {
          read = true;
          yield { id: 1 };
        })(),
        { tableName: "things" },
      )
      .catch((e: unknown) => e as Error);
    expect(read).toBe(false);
    const cause = error instanceof PipelineStepFailed && error.cause ? error.cause : error;
    expect(cause).toBeInstanceOf(InvalidFilesystemLayout);
    expect((error as Error).message).toContain("{load_idd}");
    expect((error as Error).message).toContain("{load_id}");
  });
});

describe("state and schema in the bucket", () => {
  test("a fresh working dir restores state and schema from the bucket, and loading goes on", async () => {
    const b = bucket();
    const first = b.make("restore_me");
    first.state.sources.github = { lastCursor: "2024-05-01T00:00:00Z", seen: [1, 2, 3] };
    await first.run(itemRows([1]), { tableName: "items" });
    first.state.sources.github = { lastCursor: "2024-06-01T00:00:00Z", seen: [1, 2, 3, 4] };
    await first.run(itemRows([2]), { tableName: "items" });

    const states = listFiles(path.join(b.root, first.datasetName, "_dlt_pipeline_state"));
    expect(states).toHaveLength(2);
    for (const name of states) expect(name).toMatch(/^restore_me__\d+\.\d+__[0-9a-f]{64}\.jsonl$/);

    const freshDir = path.join(b.dir, "second-machine");
    const second = newPipeline("restore_me", filesystem({ bucketUrl: `file://${b.root}` }), freshDir);
    expect(second.state.sources.github).toBeUndefined();
    const info = await second.run();
    expect(info.loadPackages).toEqual([]);
    expect(second.state.sources.github).toEqual({ lastCursor: "2024-06-01T00:00:00Z", seen: [1, 2, 3, 4] });
    expect(second.firstRun).toBe(false);
    expect(second.defaultSchema.tables.items?.columns.id?.dataType).toBe("bigint");
    expect(second.defaultSchema.tables.items__tags?.columns.value?.dataType).toBe("text");
    expect(existsSync(path.join(freshDir, "restore_me", "state.json"))).toBe(true);

    await second.run(itemRows([3]), { tableName: "items" });
    const files = b.files(first.datasetName, "items");
    expect((await queryFiles(files, "jsonl", "CAST(id AS BIGINT)::VARCHAR AS id")).map((r) => r.id)).toEqual(["1", "2", "3"]);
  });

  test("the state of a load that never completed (no _dlt_loads file) is not restored", async () => {
    const b = bucket();
    const p = b.make("half_done");
    p.state.sources.s = { n: 1 };
    await p.run([{ id: 1 }], { tableName: "t" });
    p.state.sources.s = { n: 2 };
    const info = await p.run([{ id: 2 }], { tableName: "t" });
    // As if the second load had died after its state job and before completing.
    rmSync(path.join(b.root, p.datasetName, "_dlt_loads", `${p.defaultSchema.name}__${info.loadPackages[0]!.loadId}.jsonl`));
    const fresh = newPipeline("half_done", filesystem({ bucketUrl: b.root }), path.join(b.dir, "fresh"));
    await fresh.run();
    expect(fresh.state.sources.s).toEqual({ n: 1 });
  });

  test("max_state_files keeps the newest state files of the pipeline", async () => {
    const b = bucket();
    const p = b.make("pruned", { maxStateFiles: 2 });
    for (let n = 1; n <= 4; n++) {
      p.state.sources.s = { n };
      await p.run([{ id: n }], { tableName: "t" });
    }
    const states = listFiles(path.join(b.root, p.datasetName, "_dlt_pipeline_state"));
    expect(states).toHaveLength(2);
    const fresh = newPipeline("pruned", filesystem({ bucketUrl: b.root }), path.join(b.dir, "fresh"));
    await fresh.run();
    expect(fresh.state.sources.s).toEqual({ n: 4 });
  });

  test("a schema file holds the stored schema with its name and version hash", async () => {
    const b = bucket();
    const p = b.make("schema_files");
    await p.run([{ id: 1, name: "x" }], { tableName: "t" });
    const versions = listFiles(path.join(b.root, p.datasetName, "_dlt_version"));
    const doc = JSON.parse(readFileSync(path.join(b.root, p.datasetName, "_dlt_version", versions[versions.length - 1]!), "utf8")) as {
      schema_name: string;
      version_hash: string;
      schema: string;
    };
    expect(doc.schema_name).toBe(p.defaultSchema.name);
    expect(JSON.parse(doc.schema).tables.t.columns.name.dataType).toBe("text");
    expect(doc.version_hash).toBe(p.defaultSchema.versionHash);
  });
});

test("a tampered state file shows as a failed restore, not as silent empty state", async () => {
  const b = bucket();
  const p = b.make("tampered");
  p.state.sources.s = { n: 1 };
  await p.run([{ id: 1 }], { tableName: "t" });
  const folder = path.join(b.root, p.datasetName, "_dlt_pipeline_state");
  const [name] = listFiles(folder);
  writeFileSync(path.join(folder, name!), "not json");
  const fresh = newPipeline("tampered", filesystem({ bucketUrl: b.root }), path.join(b.dir, "fresh"));
  await expect(fresh.run()).rejects.toThrow(`${name} is not a JSON document`);
});
