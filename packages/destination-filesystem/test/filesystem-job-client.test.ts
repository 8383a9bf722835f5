import { mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { DestinationTerminalException, LoadPackageStorage, pipelineStateTable, Schema, type LoadJobRequest, type TableSchema } from "@dlt-ts/core";
import { filesystem, UnsupportedJobFileFormat, type FilesystemDestinationOptions, type FilesystemJobClient } from "@dlt-ts/destination-filesystem";
import { listFiles, removeTempDirs, tempDir } from "./filesystem-test-utils.js";

/*
 * The job client against a real local bucket and real load packages on disk,
 * for what a pipeline run cannot show: a load resumed after a crash, rollback, drop.
 */

afterAll(removeTempDirs);

const LOAD_ID = "1714557630.123456";

function table(name: string, extra: Partial<TableSchema> = {}): TableSchema {
  return { name, columns: { id: { name: "id", dataType: "bigint" } }, ...extra };
}

function schema(disposition: TableSchema["writeDisposition"] = "replace", extra: Partial<TableSchema> = {}): Schema {
  const s = new Schema("shop");
  s.tables.items = table("items", { writeDisposition: disposition, ...extra });
  s.tables.items__tags = table("items__tags", { parent: "items" });
  s.bumpVersion();
  return s;
}

interface Setup {
  root: string;
  packages: LoadPackageStorage;
  client(s: Schema): Promise<FilesystemJobClient>;
  /** A job file in the package's started_jobs. */
  job(fileName: string, content: string, table: TableSchema): LoadJobRequest;
  dataFiles(table: string): string[];
}

async function setup(options: FilesystemDestinationOptions = {}): Promise<Setup> {
  const dir = tempDir("fs-client");
  const root = path.join(dir, "bucket");
  const packages = new LoadPackageStorage(path.join(dir, "normalized"));
  await packages.createPackage(LOAD_ID, "normalized");
  const configured = await filesystem({ bucketUrl: root, ...options }).configure({ pipelineName: "shop_pipeline", datasetName: "shop_data", workingDir: dir });
  return {
    root,
    packages,
    client: (s) => configured.createClient(s),
    job(fileName, content, t) {
      const filePath = packages.jobPath(LOAD_ID, "started_jobs", fileName);
      mkdirSync(path.dirname(filePath), { recursive: true });
      writeFileSync(filePath, content);
      return { loadId: LOAD_ID, fileName, filePath, table: t, packages };
    },
    dataFiles: (t) => listFiles(path.join(root, "shop_data", t)),
  };
}

test("replace deletes earlier files once per load: a load resumed by a new run keeps what it already wrote", async () => {
  const s = await setup();
  const earlier = path.join(s.root, "shop_data", "items", "1700000000.000001.old.jsonl");
  mkdirSync(path.dirname(earlier), { recursive: true });
  writeFileSync(earlier, '{"id":0}\n');
  writeFileSync(path.join(s.root, "shop_data", "items__tags.keep"), "not a table file: another prefix");
  mkdirSync(path.join(s.root, "shop_data", "items__tags"), { recursive: true });
  writeFileSync(path.join(s.root, "shop_data", "items__tags", "1700000000.000001.old.jsonl"), '{"value":"x"}\n');

  const sch = schema("replace");
  const first = await s.client(sch);
  await first.createLoadJob(s.job("items.aaa.0.jsonl", '{"id":1}\n', sch.tables.items!)).run();
  await first.close();
  expect(s.dataFiles("items")).toEqual([`${LOAD_ID}.aaa.jsonl`]);
  expect(s.dataFiles("items__tags")).toEqual([]);

  // The process died here. The next run loads the package's other jobs with a new client.
  const second = await s.client(sch);
  await second.createLoadJob(s.job("items.bbb.0.jsonl", '{"id":2}\n', sch.tables.items!)).run();
  await second.createLoadJob(s.job("items__tags.ccc.0.jsonl", '{"value":"y"}\n', { ...sch.tables.items__tags!, writeDisposition: "replace" })).run();
  await second.close();
  expect(s.dataFiles("items")).toEqual([`${LOAD_ID}.aaa.jsonl`, `${LOAD_ID}.bbb.jsonl`]);
  expect(s.dataFiles("items__tags")).toEqual([`${LOAD_ID}.ccc.jsonl`]);
  expect(listFiles(path.join(s.root, "shop_data"))).toContain("items__tags.keep");
});

test("a retried job writes the same key again: no second copy", async () => {
  const s = await setup();
  const sch = schema("append");
  const client = await s.client(sch);
  const request = s.job("items.aaa.0.csv", "id\n1\n", sch.tables.items!);
  await client.createLoadJob(request).run();
  await client.createLoadJob({ ...request, fileName: "items.aaa.1.csv" }).run();
  expect(s.dataFiles("items")).toEqual([`${LOAD_ID}.aaa.csv`]);
});

test("rollback deletes the files and the state the load wrote for the chain, nothing else", async () => {
  const s = await setup();
  const sch = schema("append");
  const other = path.join(s.root, "shop_data", "items", "1700000000.000001.old.jsonl");
  mkdirSync(path.dirname(other), { recursive: true });
  writeFileSync(other, '{"id":0}\n');
  const client = await s.client(sch);
  await client.createLoadJob(s.job("items.aaa.0.jsonl", '{"id":1}\n', sch.tables.items!)).run();
  await client.createLoadJob(s.job("items__tags.bbb.0.jsonl", '{"value":"a"}\n', sch.tables.items__tags!)).run();
  const stateRow = { version: 1, engine_version: 1, pipeline_name: "shop_pipeline", state: "eJw=", created_at: "2024-05-01T10:00:00.000Z", version_hash: "qg==" };
  await client.createLoadJob(s.job("_dlt_pipeline_state.sss.0.jsonl", `${JSON.stringify(stateRow)}\n`, pipelineStateTable())).run();
  expect(s.dataFiles("_dlt_pipeline_state")).toEqual([`shop_pipeline__${LOAD_ID}__aa.jsonl`]);
  for (let i = 0; i < 2; i++) {
    await client.rollbackTableChain(LOAD_ID, [sch.tables.items!, sch.tables.items__tags!]);
    await client.rollbackTableChain(LOAD_ID, [pipelineStateTable()]);
  }
  expect(s.dataFiles("items")).toEqual(["1700000000.000001.old.jsonl"]);
  expect(s.dataFiles("items__tags")).toEqual([]);
  expect(s.dataFiles("_dlt_pipeline_state")).toEqual([]);
});

test("dropTables deletes the tables' files and every stored version of the schema", async () => {
  const s = await setup();
  const sch = schema("append");
  const client = await s.client(sch);
  await client.initializeStorage();
  await client.updateStoredSchema({});
  await client.createLoadJob(s.job("items.aaa.0.jsonl", '{"id":1}\n', sch.tables.items!)).run();
  await client.completeLoad(LOAD_ID);
  expect(await client.getStoredSchema("shop")).toMatchObject({ name: "shop", versionHash: sch.versionHash });
  await client.dropTables(["items", "items__tags"]);
  expect(s.dataFiles("items")).toEqual([]);
  expect(await client.getStoredSchema("shop")).toBeUndefined();
  // The load record stays, as in dlt.
  expect(listFiles(path.join(s.root, "shop_data", "_dlt_loads"))).toEqual([`shop__${LOAD_ID}.jsonl`]);
});

test("updateStoredSchema stores a schema version once", async () => {
  const s = await setup();
  const sch = schema("append");
  const client = await s.client(sch);
  await client.updateStoredSchema({});
  await client.updateStoredSchema({});
  expect(listFiles(path.join(s.root, "shop_data", "_dlt_version"))).toHaveLength(1);
  sch.tables.items!.columns.name = { name: "name", dataType: "text" };
  sch.bumpVersion();
  await client.updateStoredSchema({});
  expect(listFiles(path.join(s.root, "shop_data", "_dlt_version"))).toHaveLength(2);
  expect((await client.getStoredSchema("shop"))?.versionHash).toBe(sch.versionHash);
});

test("insert_values files and unsupported replace strategies fail terminally", async () => {
  const s = await setup();
  const sch = schema("append");
  const client = await s.client(sch);
  const error = await client
    .createLoadJob(s.job("items.aaa.0.insert_values", "INSERT ...", sch.tables.items!))
    .run()
    .catch((e: unknown) => e);
  expect(error).toBeInstanceOf(UnsupportedJobFileFormat);
  expect(error).toBeInstanceOf(DestinationTerminalException);
  expect((error as Error).message).toContain('format "insert_values" is not one of jsonl, csv, parquet');

  const staged = schema("replace", { replaceStrategy: "insert-from-staging" });
  const client2 = await s.client(staged);
  const error2 = await client2
    .createLoadJob(s.job("items.bbb.0.jsonl", '{"id":1}\n', staged.tables.items!))
    .run()
    .catch((e: unknown) => e);
  expect(error2).toBeInstanceOf(DestinationTerminalException);
  expect((error2 as Error).message).toContain('replace strategy "insert-from-staging"');
});
