import { existsSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import {
  DestinationTerminalException,
  destination,
  destinationFrom,
  pipeline,
  resource,
  source,
  type DataItem,
  type TableSchema,
} from "dlt-ts";
import { dltTs, tempDir, type CliResult } from "./cli-runner.js";

/*
 * Every `dlt-ts pipeline` command as a child process, on pipelines made by
 * pipeline() in a temp pipelines dir: a sink that loads, one that fails a
 * job, one with pending packages, and one whose sink is a module string.
 */

// Every test starts CLI processes (tsx compiles on start): seconds each, many more on a busy machine.
jest.setTimeout(180_000);

const pipelinesDir = tempDir("dlt-ts-cli-pipelines-");
const dirArgs = ["--pipelines-dir", pipelinesDir];
const LEAKED_URL = "postgresql://loader:hunter2@db.example.com:5432/dlt";
let loadedId: string;
let failedId: string;
let pendingIds: { normalized: string[]; extracted: string[] };

function lines(result: CliResult): string[] {
  return result.stdout.trimEnd().split("\n");
}

function expectOneLineError(result: CliResult, message: string): void {
  expect(result.status).toBe(1);
  expect(result.stdout).toBe("");
  expect(result.stderr).toBe(`error: ${message}\n`);
}

beforeAll(async () => {
  const ok = destination(async () => undefined, { name: "okay_sink" });
  const users = resource(
    [
      { id: 1, name: "ann", address: { city: "Oslo" }, tags: ["a", "b"] },
      { id: 2, name: "bob", tags: [] },
    ],
    { name: "users" },
  );
  const p = pipeline({ pipelineName: "sinky", pipelinesDir, destination: ok, progress: "none" });
  loadedId = (await p.run(source([users], { name: "crm" }))).loadPackages[0]!.loadId;

  const failing = destination(
    async (_items: DataItem[] | string, table: TableSchema) => {
      if (table.name === "bad") throw new DestinationTerminalException(`cannot reach ${LEAKED_URL}`);
    },
    { name: "bad_sink" },
  );
  const q = pipeline({ pipelineName: "faily", pipelinesDir, destination: failing, progress: "none" });
  await expect(q.run([{ id: 1 }], { tableName: "bad" })).rejects.toThrow("aborted");
  failedId = q.listPendingPackages().normalized[0] ?? readdirSync(path.join(q.workingDir, "load", "loaded"))[0]!;

  const r = pipeline({ pipelineName: "pending", pipelinesDir, progress: "none" });
  await r.extract([{ n: 1 }], { tableName: "numbers" });
  await r.normalize();
  await r.extract([{ n: 2 }], { tableName: "numbers" });
  pendingIds = r.listPendingPackages();

  // A sink referenced by module string; the module is deleted afterwards: no command may need it.
  const moduleDir = tempDir("dlt-ts-cli-sinkmod-");
  const modulePath = path.join(moduleDir, "sinks.cjs");
  writeFileSync(modulePath, "exports.send = async () => {};\n");
  const s = pipeline({
    pipelineName: "modsink",
    pipelinesDir,
    destination: destinationFrom("mod_sink", { destinationCallable: `${modulePath}#send` }),
    progress: "none",
  });
  await s.run([{ k: "v" }], { tableName: "things" });
  rmSync(moduleDir, { recursive: true, force: true });
});

describe("dlt-ts pipeline", () => {
  it("lists pipelines, and says so when there are none", async () => {
    const [list, empty, bare] = await Promise.all([
      dltTs(["pipeline", "--list", ...dirArgs]),
      dltTs(["pipeline", "-l", "--pipelines-dir", tempDir()]),
      dltTs(["pipeline", ...dirArgs]),
    ]);
    expect(list.status).toBe(0);
    const [header, ...names] = lines(list);
    expect(header).toBe(`4 pipelines found in ${pipelinesDir}`);
    expect(names.map((l) => l.split(" ")[0]).sort()).toEqual(["faily", "modsink", "pending", "sinky"]);
    for (const line of names) expect(line).toMatch(/^\w+ \(last run: \d{4}-\d\d-\d\dT[\d:.]+Z \((just now|\d+ \w+ ago)\)\)$/);
    expect(empty.stdout).toMatch(/^No pipelines found in .+\n$/);
    expectOneLineError(bare, "Give a pipeline name and an operation (dlt-ts pipeline <name> info), or --list");
  });

  it("shows info: state, schemas, packages and the trace; info is the default operation", async () => {
    const [info, byDefault, unknown, unknownEmpty] = await Promise.all([
      dltTs(["pipeline", "sinky", "info", ...dirArgs]),
      dltTs(["pipeline", ...dirArgs, "sinky"]),
      dltTs(["pipeline", "nope", "info", ...dirArgs]),
      dltTs(["pipeline", "nope", "trace", "--pipelines-dir", path.join(pipelinesDir, "missing")]),
    ]);
    expect(info.status).toBe(0);
    expect(info.stderr).toBe("");
    const out = lines(info);
    expect(out.slice(0, 9)).toEqual([
      `Found pipeline sinky in ${path.join(pipelinesDir, "sinky")}`,
      "Synchronized state:",
      "  pipeline_name: sinky",
      "  dataset_name: sinky_dataset",
      "  default_schema_name: crm",
      "  schema_names: crm",
      "  destination_type: sink",
      "  destination_name: okay_sink",
      "  state_version: 1",
    ]);
    expect(out).toContain("  sources: {}");
    expect(out).toContain("  first_run: false");
    expect(out).toContain("Schemas:");
    expect(out).toContain("  crm (version 2, naming direct): 1 table");
    expect(out).toContain("    users (append): id, name, address, tags");
    expect(out).toContain(`  1 completed load package: ${loadedId}`);
    expect(out).toContain("  No pending load packages");
    expect(out[out.length - 1]).toMatch(/^ {2}Last run COMPLETED at .+: see `dlt-ts pipeline sinky trace`$/);
    // Two processes, each with its own clock reading: the age ("just now", "12 seconds ago") may differ.
    expect(withoutAges(byDefault.stdout)).toBe(withoutAges(info.stdout));

    expectOneLineError(unknown, `Pipeline "nope" not found in ${pipelinesDir}: known pipelines: faily, modsink, pending, sinky`);
    expectOneLineError(unknownEmpty, `Pipeline "nope" not found in ${path.join(pipelinesDir, "missing")}: there are no pipelines there`);
  });

  it("shows the trace of the last run, completed or failed, with secrets masked", async () => {
    const [ok, failed] = await Promise.all([dltTs(["pipeline", "sinky", "trace", ...dirArgs]), dltTs(["pipeline", "faily", "trace", ...dirArgs])]);
    expect(ok.status).toBe(0);
    const out = lines(ok);
    expect(out[0]).toMatch(/^Run of pipeline sinky started at \S+ and COMPLETED in [\d.]+ seconds with 3 steps$/);
    expect(out[1]).toMatch(/^Step extract COMPLETED in [\d.]+ seconds$/);
    expect(out[2]).toBe(`  Extracted load package ${loadedId} (schema crm): users: 2 items, _dlt_pipeline_state: 1 item`);
    expect(out[3]).toMatch(/^Step normalize COMPLETED/);
    expect(out[4]).toBe("  Normalized 1 load package");
    expect(out[6]).toMatch(/^Step load COMPLETED/);
    expect(out.slice(7)).toEqual([
      "  1 load package loaded to destination okay_sink into dataset sinky_dataset",
      "  Location: sink://okay_sink",
      `  Load package ${loadedId} is LOADED and contains no failed jobs`,
    ]);

    expect(failed.status).toBe(0);
    expect(failed.stdout).toMatch(/^Run of pipeline faily started at \S+ and FAILED in/);
    expect(failed.stdout).toMatch(/\nStep load FAILED in [\d.]+ seconds\n {2}Pipeline faily failed at step load while processing load package \S+: Load package \S+ was aborted/);
    expect(failed.stdout).toContain("postgresql://loader:***@db.example.com:5432/dlt");
    expect(failed.stdout).not.toContain("hunter2");
  });

  it("shows a load package: the newest by default, or by load id", async () => {
    const [newest, byId, pending, unknown] = await Promise.all([
      dltTs(["pipeline", "faily", "load-package", ...dirArgs]),
      dltTs(["pipeline", "sinky", "load-package", loadedId, ...dirArgs]),
      dltTs(["pipeline", "pending", "load-package", pendingIds.extracted[0]!, ...dirArgs]),
      dltTs(["pipeline", "sinky", "load-package", "123.456", ...dirArgs]),
    ]);
    expect(newest.status).toBe(0);
    const out = lines(newest);
    expect(out[0]).toBe(`Load package ${failedId} of pipeline faily is ABORTED`);
    expect(out[1]).toBe("  schema: faily");
    expect(out[2]).toBe(`  path: ${path.join(pipelinesDir, "faily", "load", "loaded", failedId)}`);
    expect(out).toContain("Jobs: 1 completed, 1 failed");
    expect(out.find((l) => l.startsWith("  failed    bad."))).toMatch(/^ {2}failed {4}bad\.\w+\.0\.jsonl \(table bad, \d+ B\)$/);
    expect(out).toContain("      DestinationTerminalException: cannot reach postgresql://loader:***@db.example.com:5432/dlt");
    expect(out).toContain("Schema updates: 2 tables");
    expect(out).toContain("  bad: id bigint, _dlt_load_id text, _dlt_id text");

    expect(byId.status).toBe(0);
    expect(lines(byId)[0]).toBe(`Load package ${loadedId} of pipeline sinky is LOADED`);
    expect(byId.stdout).toContain("Jobs: 2 completed\n");
    expect(byId.stdout).toMatch(/\n {2}users: id bigint, name text, address json, tags json, _dlt_load_id text, _dlt_id text\n/);

    expect(lines(pending)[0]).toBe(`Load package ${pendingIds.extracted[0]} of pipeline pending is EXTRACTED, pending`);
    expect(pending.stdout).toMatch(/\nJobs: 1 new\n {2}new {7}numbers\.\w+\.0\.typed-jsonl \(table numbers, \d+ B\)\nSchema updates: none\n$/);

    expectOneLineError(unknown, `Load package 123.456 not found in pipeline sinky: known load ids: ${loadedId}`);
  });

  it("lists failed jobs with their errors, masked", async () => {
    const [failed, none] = await Promise.all([dltTs(["pipeline", "faily", "failed-jobs", ...dirArgs]), dltTs(["pipeline", "sinky", "failed-jobs", ...dirArgs])]);
    expect(failed.status).toBe(0);
    const out = lines(failed);
    expect(out[0]).toBe(`Load package ${failedId} (ABORTED): 1 failed job`);
    expect(out[1]).toMatch(/^ {2}bad\.\w+\.0\.jsonl \(table bad, jsonl, \d+ B, retry 0\)$/);
    expect(out[2]).toMatch(new RegExp(`^ {4}path: ${escape(path.join(pipelinesDir, "faily", "load", "loaded", failedId, "failed_jobs"))}/bad\\.`));
    expect(out[3]).toBe("    DestinationTerminalException: cannot reach postgresql://loader:***@db.example.com:5432/dlt");
    expect(failed.stdout).not.toContain("hunter2");
    expect(none.stdout).toBe("No failed jobs found in pipeline sinky\n");
  });

  it("drops pending packages only when confirmed", async () => {
    const pendingDir = (stage: string) => path.join(pipelinesDir, "pending", ...stage.split("/"));
    // No answer (stdin closed, as in CI) is a no.
    const refused = await dltTs(["pipeline", "pending", "drop-pending-packages", ...dirArgs]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toBe("Delete them? Their data will not be loaded. [y/N]\nerror: Nothing deleted: not confirmed (pass --yes to delete without asking)\n");
    expect(lines(refused)).toEqual([
      "Pipeline pending has 2 pending load packages:",
      `  ${pendingIds.normalized[0]} (normalized, schema pending)`,
      `  ${pendingIds.extracted[0]} (extracted, schema pending)`,
    ]);
    expect(readdirSync(pendingDir("load/normalized"))).toEqual(pendingIds.normalized);

    const confirmed = await dltTs(["pipeline", "pending", "drop-pending-packages", ...dirArgs], { input: "y\n" });
    expect(confirmed.status).toBe(0);
    expect(lines(confirmed).pop()).toBe("Deleted 2 pending load packages of pipeline pending");
    expect(readdirSync(pendingDir("load/normalized"))).toEqual([]);
    expect(readdirSync(pendingDir("normalize/extracted"))).toEqual([]);

    const again = await dltTs(["pipeline", "pending", "drop-pending-packages", "--yes", ...dirArgs]);
    expect(again.stdout).toBe("No pending load packages in pipeline pending\n");
    expect(again.status).toBe(0);
  });

  it("works for a sink referenced by module string, without importing it", async () => {
    const [info, trace, show, sync] = await Promise.all([
      dltTs(["pipeline", "modsink", "info", ...dirArgs]),
      dltTs(["pipeline", "modsink", "trace", ...dirArgs]),
      dltTs(["pipeline", "modsink", "show", ...dirArgs]),
      dltTs(["pipeline", "modsink", "sync", "--yes", ...dirArgs]),
    ]);
    expect(info.status).toBe(0);
    expect(info.stdout).toContain("  destination_type: sink\n  destination_name: mod_sink\n");
    expect(trace.stdout).toMatch(/\n {2}Load package \S+ is LOADED and contains no failed jobs\n$/);
    expect(show.status).toBe(0);
    expect(lines(show)).toEqual([
      "Pipeline modsink loads into sink mod_sink: a sink keeps no tables, so the schema's tables are shown without row counts",
      "Schema modsink (version 2):",
      "  Table things",
      "    k             text",
      "    _dlt_load_id  text",
      "    _dlt_id       text",
    ]);
    expectOneLineError(sync, "Pipeline modsink loads into sink mod_sink: sinks keep no pipeline state, there is nothing to sync from");
    expect(existsSync(path.join(pipelinesDir, "modsink", "state.json"))).toBe(true);
  });

  it("prints the default schema as YAML, or JSON, or another schema by name", async () => {
    const [yaml, json, named, unknown, none] = await Promise.all([
      dltTs(["pipeline", "sinky", "schema", ...dirArgs]),
      dltTs(["pipeline", "sinky", "schema", "--format", "json", ...dirArgs]),
      dltTs(["pipeline", "sinky", "schema", "--schema-name", "crm", ...dirArgs]),
      dltTs(["pipeline", "sinky", "schema", "--schema-name", "nope", ...dirArgs]),
      dltTs(["pipeline", "sinky", "schema", "--format", "xml", ...dirArgs]),
    ]);
    expect(yaml.stderr).toBe("");
    expect(yaml.status).toBe(0);
    expect(yaml.stdout).toMatch(/^name: crm\nversion: 2\nversionHash: /);
    expect(yaml.stdout).toContain("\n  users:\n    name: users\n    columns:\n      id:\n        name: id\n        dataType: bigint\n");
    expect(named.stdout).toBe(yaml.stdout);
    expect(json.status).toBe(0);
    const stored = JSON.parse(json.stdout) as { name: string; tables: Record<string, { columns: Record<string, { dataType: string }> }> };
    expect(stored.name).toBe("crm");
    expect(stored.tables.users!.columns.address!.dataType).toBe("json");
    expectOneLineError(unknown, "Schema nope not found in pipeline sinky: its schemas are crm");
    expectOneLineError(none, "option '--format <format>' argument 'xml' is invalid. Allowed choices are yaml, json.");
  });

  it("refuses to drop from a sink, with pending packages, or with nothing selected", async () => {
    const p = pipeline({ pipelineName: "pending_drop", pipelinesDir, progress: "none" });
    await p.extract([{ n: 1 }], { tableName: "numbers" });
    const [sink, pending, nothing] = await Promise.all([
      dltTs(["pipeline", "sinky", "drop", "users", "--yes", ...dirArgs]),
      dltTs(["pipeline", "pending_drop", "drop", "numbers", "--yes", ...dirArgs]),
      dltTs(["pipeline", "sinky", "drop", ...dirArgs]),
    ]);
    expectOneLineError(sink, "Pipeline sinky loads into sink okay_sink: a sink keeps no tables to drop");
    expectOneLineError(
      pending,
      "Pipeline pending_drop has 1 pending load package: load them first (run the pipeline) " +
        "or delete them (dlt-ts pipeline pending_drop drop-pending-packages), then drop",
    );
    expectOneLineError(nothing, "Give the resources (or tables) to drop, or --drop-all");
  });

  it("explains what show needs when no destination is known", async () => {
    const p = pipeline({ pipelineName: "nodest", pipelinesDir, progress: "none" });
    await p.extract([{ a: 1 }], { tableName: "t" });
    await p.normalize();
    const [show, sync] = await Promise.all([dltTs(["pipeline", "nodest", "show", ...dirArgs]), dltTs(["pipeline", "nodest", "sync", ...dirArgs])]);
    const message = "Pipeline nodest has no destination recorded in its state: pass --destination <name> (e.g. duckdb, postgres)";
    expectOneLineError(show, message);
    expectOneLineError(sync, message);
  });
});

describe("dlt-ts --help", () => {
  it("documents every command and operation", async () => {
    // Operations share one builder: these three cover an extra argument and each kind of option.
    const operations = ["load-package", "sync", "show"];
    const results = await Promise.all([
      dltTs(["--help"]),
      dltTs(["init", "--help"]),
      dltTs(["pipeline", "--help"]),
      ...operations.map((op) => dltTs(["pipeline", "some_pipeline", op, "--help"])),
    ]);
    for (const r of results) {
      expect(r.status).toBe(0);
      expect(r.stderr).toBe("");
    }
    const [root, init, pipelineHelp, ...ops] = results;
    expect(root!.stdout).toMatch(/^Usage: dlt-ts \[options\] \[command\]\n/);
    expect(root!.stdout).toMatch(/\n {2}init \[options\] <source> <destination> +create a pipeline script/);
    expect(init!.stdout).toMatch(/^Usage: dlt-ts init \[options\] <source> <destination>\n/);
    expect(init!.stdout).toContain("destination: duckdb, mssql, postgres, sink");
    expect(pipelineHelp!.stdout).toContain(
      "Operations (default info): info, trace, load-package, failed-jobs, drop-pending-packages, sync, show, schema, drop",
    );
    ops.forEach((r, i) => {
      const extra = operations[i] === "load-package" ? " [load_id]" : "";
      expect(r.stdout).toMatch(new RegExp(`^Usage: dlt-ts pipeline <name> ${operations[i]}${escape(extra)} \\[options\\]\\n`));
      expect(r.stdout).toContain("--pipelines-dir <dir>");
    });
  });

  it("rejects unknown commands and missing arguments with one line", async () => {
    const [unknownCommand, unknownOption, missing, unknownOperation] = await Promise.all([
      dltTs(["pipelines"]),
      dltTs(["pipeline", "x", "info", "--bogus"]),
      dltTs(["init", "github"]),
      dltTs(["pipeline", "x", "tables"]),
    ]);
    expectOneLineError(
      unknownOperation,
      'Unknown operation "tables": dlt-ts pipeline <name> <operation>, where operation is one of ' +
        "info, trace, load-package, failed-jobs, drop-pending-packages, sync, show, schema, drop",
    );
    expect(unknownCommand.status).toBe(1);
    expect(unknownCommand.stderr).toBe("error: unknown command 'pipelines' (Did you mean pipeline?)\n");
    expect(unknownOption.stderr).toBe("error: unknown option '--bogus'\n");
    expect(missing.stderr).toBe("error: missing required argument 'destination'\n");
    for (const r of [unknownOption, missing]) expect(r.status).toBe(1);
  });
});

/** Output with every age (`(just now)`, `(12 seconds ago)`) replaced by `(AGE)`. */
function withoutAges(text: string): string {
  return text.replace(/\((just now|\d+ \w+ ago)\)/g, "(AGE)");
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}
