import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import * as path from "node:path";
import { PipelineStepFailed, Schema, pipeline, resource, source, type LoaderFileFormat, type Pipeline, type SqlClient } from "dlt-ts";
import { DuckdbTypeMapper, duckdb, duckdbCapabilities } from "@dlt-ts/destination-duckdb";
import { closeClients, count, fixture, newPipeline, removeTempDirs, sqlOf, tempDir, type Row } from "./duckdb-test-utils.js";

// Loads into a real DuckDB, which works on threads of its own: about a second a test when idle, many on a busy machine.
jest.setTimeout(60_000);

/*
 * pipeline() → extract → normalize → load into a DuckDB file, as a user runs it.
 */

const events = fixture("github-events");
const issues = fixture("github-issues");

afterEach(closeClients);
afterAll(removeTempDirs);

const listLength = (value: unknown): number => (Array.isArray(value) ? value.length : 0);

describe("GitHub fixtures end to end", () => {
  let p: Pipeline;
  let client: SqlClient;
  let rowCounts: Record<string, number>;

  beforeAll(async () => {
    p = newPipeline("github");
    await p.extract(source([resource(events, { name: "events" }), resource(issues, { name: "issues" })], { name: "github" }));
    rowCounts = (await p.normalize()).rowCounts;
    const info = await p.load();
    expect(info.hasFailedJobs).toBe(false);
  }, 60_000);
  beforeEach(async () => {
    client = await sqlOf(p);
  });

  test("every table has the rows the normalizer produced, child tables included", async () => {
    expect(rowCounts.events).toBe(events.length);
    expect(rowCounts.issues).toBe(issues.length);
    const commits = events.reduce((n, e) => n + listLength((e.payload as Row | undefined)?.commits), 0);
    expect(commits).toBeGreaterThan(0);
    expect(rowCounts.events__payload__commits).toBe(commits);
    expect(rowCounts.issues__labels).toBe(issues.reduce((n, i) => n + listLength(i.labels), 0));
    expect(rowCounts.issues__assignees).toBe(issues.reduce((n, i) => n + listLength(i.assignees), 0));
    expect(Object.keys(rowCounts).length).toBeGreaterThan(5);
    for (const [table, rows] of Object.entries(rowCounts)) expect([table, await count(client, table)]).toEqual([table, rows]);
  });

  test("tables, columns and types in the catalog are what the schema says", async () => {
    const mapper = new DuckdbTypeMapper(duckdbCapabilities());
    const rows = await client.query<{ table_name: string; column_name: string; data_type: string; is_nullable: string }>(
      "SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns WHERE table_schema = %s ORDER BY table_name, ordinal_position",
      [client.datasetName],
    );
    const storage = new Map<string, [string, string][]>();
    for (const r of rows) {
      if (!storage.has(r.table_name)) storage.set(r.table_name, []);
      storage.get(r.table_name)!.push([r.column_name, mapper.fromDestinationType(r.data_type).dataType]);
    }
    const schema = p.defaultSchema;
    const dataTables = schema.dataTables();
    expect(dataTables.map((t) => t.name).sort()).toEqual(Object.keys(rowCounts).filter((t) => !t.startsWith("_dlt_")).sort());
    for (const table of dataTables) {
      const expected = Object.values(table.columns)
        .filter((c) => c.dataType)
        .map((c) => [c.name, c.dataType]);
      expect([table.name, storage.get(table.name)]).toEqual([table.name, expected]);
    }
    expect(schema.tables.events!.columns.created_at!.dataType).toBe("timestamp");
    expect(schema.tables.events__payload__commits!.columns.sha!.dataType).toBe("text");
    const types = Object.fromEntries(rows.filter((r) => r.table_name === "events").map((r) => [r.column_name, r.data_type]));
    expect(types).toMatchObject({ id: "VARCHAR", created_at: "TIMESTAMP WITH TIME ZONE", public: "BOOLEAN", org__id: "BIGINT" });
  });

  test("values read back as loaded: child rows link to their parents in list order", async () => {
    const t = (name: string) => client.makeQualifiedTableName(name);
    const orphans = await client.query(
      `SELECT count(*) AS n FROM ${t("events__payload__commits")} c LEFT JOIN ${t("events")} e ON e._dlt_id = c._dlt_parent_id WHERE e._dlt_id IS NULL`,
    );
    expect(orphans).toEqual([{ n: 0 }]);
    const first = events.find((e) => listLength((e.payload as Row | undefined)?.commits) > 0)!;
    const shas = await client.query<{ sha: string }>(
      `SELECT c.sha FROM ${t("events__payload__commits")} c JOIN ${t("events")} e ON e._dlt_id = c._dlt_parent_id WHERE e.id = %s ORDER BY c._dlt_list_idx`,
      [first.id],
    );
    expect(shas.map((s) => s.sha)).toEqual(((first.payload as Row).commits as Row[]).map((c) => c.sha));
    const [row] = await client.query<Row>(`SELECT created_at, public, actor__login FROM ${t("events")} WHERE id = %s`, [first.id]);
    expect(row).toEqual({ created_at: new Date(first.created_at as string), public: first.public, actor__login: (first.actor as Row).login });
  });

  test("events per type, unqualified names resolve in the dataset", async () => {
    const perType = await client.query<{ type: string; n: number }>("SELECT type, count(*) AS n FROM events GROUP BY type ORDER BY type");
    const expected = new Map<string, number>();
    for (const e of events) expected.set(e.type as string, (expected.get(e.type as string) ?? 0) + 1);
    expect(perType.map((r) => [r.type, r.n])).toEqual([...expected.entries()].sort((a, b) => a[0].localeCompare(b[0])));
  });

  test("_dlt_loads has the load, _dlt_version the schema", async () => {
    const loads = await client.query<{ load_id: string; status: number; schema_name: string }>(`SELECT load_id, status, schema_name FROM _dlt_loads`);
    expect(loads).toHaveLength(1);
    expect(loads[0]).toMatchObject({ status: 0, schema_name: "github" });
    const versions = await client.query<{ version_hash: string }>(`SELECT version_hash FROM _dlt_version WHERE schema_name = 'github'`);
    expect(versions.map((v) => v.version_hash)).toContain(p.defaultSchema.versionHash);
    expect(await count(client, "_dlt_loaded_jobs")).toBe(0);
  });
});

describe("file formats: every format DuckDB supports loads the same rows", () => {
  const formats: LoaderFileFormat[] = ["jsonl", "csv", "parquet", "insert_values"];
  const dumps = new Map<string, unknown>();

  async function dump(p: Pipeline): Promise<unknown> {
    const client = await sqlOf(p);
    const noIds = "EXCLUDE (_dlt_id, _dlt_load_id)";
    return {
      events: await client.query(`SELECT * ${noIds} FROM events ORDER BY id`),
      commits: await client.query(
        `SELECT e.id, c.* EXCLUDE (_dlt_id, _dlt_parent_id) FROM events__payload__commits c JOIN events e ON e._dlt_id = c._dlt_parent_id ORDER BY e.id, c._dlt_list_idx`,
      ),
    };
  }

  test.each(formats)("%s", async (format) => {
    const p = newPipeline(`format_${format}`);
    const info = await p.run(events, { tableName: "events", loaderFileFormat: format });
    expect(info.hasFailedJobs).toBe(false);
    const files = info.loadPackages[0]!.jobs.map((j) => j.fileName);
    expect(files.filter((f) => f.startsWith("events.")).every((f) => f.endsWith(`.${format}`))).toBe(true);
    dumps.set(format, await dump(p));
    expect(dumps.get(format)).toEqual(dumps.get(formats[0]!));
  }, 60_000);

  test("the preferred format is the one DuckDB loads fastest (see README); by default every table loads from it", async () => {
    const caps = duckdbCapabilities();
    expect(caps.supportedLoaderFileFormats).toEqual(expect.arrayContaining(formats));
    expect(caps.preferredLoaderFileFormat).toBe("parquet");
    const info = await newPipeline("preferred").run(events.slice(0, 5), { tableName: "events" });
    expect(info.loadPackages[0]!.jobs.map((j) => j.fileName.split(".").pop())).toEqual(info.loadPackages[0]!.jobs.map(() => "parquet"));
  });

  test.each(formats)("every data type round trips through %s", async (format) => {
    const p = newPipeline(`types_${format}`);
    const row = {
      text: "héllo 'quoted' \"double\" \\ back\nslash\u0000nul",
      double: 0.37,
      bool: true,
      timestamp: new Date("2024-05-01T10:20:30.123Z"),
      date: "2024-05-01",
      time: "10:20:30.5",
      bigint: 9007199254740993n,
      binary: new Uint8Array([0, 1, 2, 254, 255]),
      json: { a: [1, 2, { b: null }], c: "x" },
      decimal: "12345.678901234",
      wei: "123456789012345678901234567890",
      empty: "",
    };
    const info = await p.run([row], {
      tableName: "typed",
      loaderFileFormat: format,
      columns: { date: { dataType: "date" }, time: { dataType: "time" }, decimal: { dataType: "decimal" }, wei: { dataType: "wei" }, json: { dataType: "json" } },
    });
    expect(info.hasFailedJobs).toBe(false);
    const client = await sqlOf(p);
    const [back] = await client.query<Row>("SELECT * EXCLUDE (_dlt_id, _dlt_load_id) FROM typed");
    expect(back).toEqual({
      text: row.text,
      double: 0.37,
      bool: true,
      timestamp: row.timestamp,
      date: "2024-05-01",
      time: "10:20:30.5",
      bigint: 9007199254740993n,
      binary: Buffer.from(row.binary),
      json: row.json,
      decimal: "12345.678901234",
      wei: "123456789012345678901234567890",
      empty: "",
    });
    const types = await client.query<{ column_name: string; data_type: string }>(
      "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = %s AND table_name = 'typed' ORDER BY ordinal_position",
      [client.datasetName],
    );
    expect(Object.fromEntries(types.map((t) => [t.column_name, t.data_type]))).toMatchObject({
      double: "DOUBLE",
      timestamp: "TIMESTAMP WITH TIME ZONE",
      date: "DATE",
      time: "TIME",
      bigint: "BIGINT",
      binary: "BLOB",
      json: "JSON",
      decimal: "DECIMAL(38,9)",
      wei: "DECIMAL(38,0)",
    });
  }, 60_000);
});

describe("write dispositions and schema evolution", () => {
  const subset = issues.slice(0, 10);
  const labelsOf = (rows: Row[]) => rows.reduce((n, i) => n + listLength(i.labels), 0);

  test("append twice doubles the rows, child tables too", async () => {
    const p = newPipeline("append");
    await p.run(subset, { tableName: "issues" });
    await p.run(subset, { tableName: "issues" });
    const client = await sqlOf(p);
    expect(await count(client, "issues")).toBe(20);
    expect(await count(client, "issues__labels")).toBe(2 * labelsOf(subset));
    expect(await count(client, "_dlt_loads")).toBe(2);
  });

  test.each(["truncate-and-insert", "insert-from-staging"] as const)("replace (%s) keeps one copy, child tables too", async (replaceStrategy) => {
    const p = newPipeline(`replace_${replaceStrategy.replace(/-/g, "_")}`, { replaceStrategy });
    await p.run(subset, { tableName: "issues", writeDisposition: "replace" });
    await p.run(subset.slice(0, 4), { tableName: "issues", writeDisposition: "replace" });
    const client = await sqlOf(p);
    expect(await count(client, "issues")).toBe(4);
    expect(await count(client, "issues__labels")).toBe(labelsOf(subset.slice(0, 4)));
  });

  test.each(["delete-insert", "upsert"] as const)(
    "merge (%s) twice with changed records: one row per key with new values in root and child tables; a new field adds a column; a type conflict goes to a variant",
    async (strategy) => {
      const p = newPipeline(`merge_${strategy.replace("-", "_")}`);
      const opts = { tableName: "issues", writeDisposition: { disposition: "merge" as const, strategy }, primaryKey: "id" };
      await p.run(subset, opts);
      const changed: Row[] = subset.slice(0, 5).map((i, k) => ({
        ...i,
        title: `changed ${k}`,
        labels: [{ id: 1000 + k, name: `new-label-${k}` }],
        brand_new_field: `v${k}`,
        // `number` was a bigint; text that is no number goes to a variant column
        number: k === 0 ? "not a number" : i.number,
      }));
      await p.run(changed, opts);
      const client = await sqlOf(p);
      expect(await count(client, "issues")).toBe(subset.length);
      expect(await client.query("SELECT count(DISTINCT id) AS n FROM issues")).toEqual([{ n: subset.length }]);
      const titles = await client.query<{ id: number; title: string }>("SELECT id, title FROM issues ORDER BY id");
      const expectedTitles = new Map(subset.map((i) => [i.id as number, i.title as string]));
      changed.forEach((c, k) => expectedTitles.set(c.id as number, `changed ${k}`));
      expect(titles.map((t) => [t.id, t.title])).toEqual([...expectedTitles.entries()].sort((a, b) => a[0] - b[0]));
      // labels of changed issues were replaced; those of the others kept
      const ids = changed.map((c) => c.id as number);
      const changedLabels = await client.query<{ name: string }>(
        `SELECT l.name FROM issues__labels l JOIN issues i ON i._dlt_id = l._dlt_root_id WHERE i.id IN (${ids.map(() => "%s").join(", ")}) ORDER BY l.name`,
        ids,
      );
      expect(changedLabels.map((l) => l.name)).toEqual(changed.map((_, k) => `new-label-${k}`).sort());
      expect(await count(client, "issues__labels")).toBe(5 + labelsOf(subset.slice(5)));
      const orphans = await client.query("SELECT count(*) AS n FROM issues__labels l WHERE NOT EXISTS (SELECT 1 FROM issues i WHERE i._dlt_id = l._dlt_root_id)");
      expect(orphans).toEqual([{ n: 0 }]);
      // schema evolution
      const columns = p.defaultSchema.tables.issues!.columns;
      expect(columns.brand_new_field?.dataType).toBe("text");
      expect(columns.number__v_text?.dataType).toBe("text");
      const variant = await client.query("SELECT number, number__v_text FROM issues WHERE id = %s", [changed[0]!.id]);
      expect(variant).toEqual([{ number: null, number__v_text: "not a number" }]);
      expect(await count(client, "issues", "WHERE brand_new_field IS NOT NULL")).toBe(5);
      const catalog = await client.query<{ column_name: string }>(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = %s AND table_name = 'issues' AND column_name IN ('brand_new_field', 'number__v_text')",
        [client.datasetName],
      );
      expect(catalog.map((c) => c.column_name).sort()).toEqual(["brand_new_field", "number__v_text"]);
    },
    60_000,
  );
});

describe("hostile names and values", () => {
  const nasty = {
    '"; DROP TABLE x; --': "drop",
    "quote'col": "it's",
    'dq"col': 'say "hi"',
    "back\\slash": "a\\b\\\\c",
    "emoji🎉col": "party 🎉🎊",
    ["long_" + "x".repeat(195)]: 1,
    json_with_quotes: { "it's": 'a "b"' },
    percent: "%s %% $1 ?",
    newlines: "line1\nline2\r\nline3",
    "SELECT": "keyword",
  };

  test.each(["csv", "jsonl", "parquet", "insert_values"] as const)("load safely with snake_case naming (%s)", async (format) => {
    const p = newPipeline(`hostile_${format}`);
    const info = await p.run([nasty], { tableName: "Nasty Table; --", loaderFileFormat: format, columns: { json_with_quotes: { dataType: "json" } } });
    expect(info.hasFailedJobs).toBe(false);
    const client = await sqlOf(p);
    const table = p.defaultSchema.dataTables().find((t) => t.name.startsWith("nasty"))!;
    const [row] = await client.query<Row>(`SELECT * FROM ${client.makeQualifiedTableName(table.name)}`);
    const values = Object.entries(row!)
      .filter(([name]) => !name.startsWith("_dlt_"))
      .map(([, value]) => value);
    expect(values).toEqual(
      expect.arrayContaining(["drop", "it's", 'say "hi"', "a\\b\\\\c", "party 🎉🎊", 1, { "it's": 'a "b"' }, "%s %% $1 ?", "line1\nline2\r\nline3", "keyword"]),
    );
    const tables = await client.query<{ table_name: string }>("SELECT table_name FROM information_schema.tables WHERE table_schema = %s", [client.datasetName]);
    expect(tables.map((t) => t.table_name)).not.toContain("x");
  });

  test("direct naming: raw names are quoted, never interpreted; names differing only in case are one identifier", async () => {
    const p = newPipeline("hostile_direct");
    const schema = new Schema("direct_names", { namingConvention: "direct" });
    const data = { '"; DROP TABLE x; --': "drop", "quote'col": "it's", 'dq"col': 'say "hi"', "back\\slash": "b", "Mixed Case": 1, "emoji🎉": "🎉" };
    const info = await p.run([data], { tableName: 'my "table"; --', schema });
    expect(info.hasFailedJobs).toBe(false);
    const client = await sqlOf(p);
    const rows = await client.query<Row>(`SELECT * FROM ${client.makeQualifiedTableName('my "table"; --')}`);
    expect(rows).toHaveLength(1);
    for (const [k, v] of Object.entries(data)) expect(rows[0]![k]).toEqual(v);
    // DuckDB identifiers are case-insensitive but keep their case
    expect(await client.query(`SELECT "MIXED CASE" AS v FROM ${client.makeQualifiedTableName('MY "TABLE"; --')}`)).toEqual([{ v: 1 }]);
  });
});

describe("faults", () => {
  test("a NOT NULL violation fails that job at once, naming table and column; the rows before stay", async () => {
    const p = newPipeline("terminal");
    await p.run([{ id: 1, name: "a" }], { tableName: "people" });
    const client = await sqlOf(p);
    await client.execute(`ALTER TABLE ${client.makeQualifiedTableName("people")} ALTER COLUMN name SET NOT NULL`);
    const error = await p.run([{ id: 2, name: "b" }, { id: 3 }], { tableName: "people" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PipelineStepFailed);
    const failed = (error as PipelineStepFailed).loadInfo!.loadPackages[0]!.jobs.find((j) => j.state === "failed")!;
    expect(failed.table).toBe("people");
    expect(failed.retries).toBe(0);
    expect(failed.failureMessage).toMatch(/NOT NULL constraint failed: people\.name/);
    expect(await count(client, "people")).toBe(1);
  });

  test("a record longer than DuckDB's default csv line limit (2 MB) loads", async () => {
    const p = newPipeline("long_line");
    const long = "x".repeat(5_000_000);
    const info = await p.run([{ id: 1, body: long }, { id: 2, body: "short" }], { tableName: "docs", loaderFileFormat: "csv" });
    expect(info.hasFailedJobs).toBe(false);
    const rows = await (await sqlOf(p)).query<{ id: number; n: number }>("SELECT id, length(body) AS n FROM docs ORDER BY id");
    expect(rows).toEqual([
      { id: 1, n: long.length },
      { id: 2, n: 5 },
    ]);
  });

  test("while another process holds the database file the load fails naming the lock; the next run loads the pending package", async () => {
    const dir = tempDir();
    const file = path.join(dir, "locked.duckdb");
    const p = newPipeline("locked", { credentials: file, pipelinesDir: dir });
    await p.run([{ id: 1 }], { tableName: "t" });
    const holder = spawn(
      process.execPath,
      [
        "-e",
        `const { DuckDBInstance } = require("@duckdb/node-api");
         DuckDBInstance.create(process.argv[1]).then((db) => { process.stdout.write("open\\n"); process.stdin.on("end", () => { db.closeSync(); process.exit(0); }); process.stdin.resume(); });`,
        file,
      ],
      { cwd: path.join(__dirname, ".."), stdio: ["pipe", "pipe", "inherit"] },
    );
    await new Promise<void>((resolve) => holder.stdout!.once("data", () => resolve()));
    const warn = jest.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      const error = await p.run([{ id: 2 }], { tableName: "t" }).catch((e: unknown) => e);
      expect(String((error as Error).message)).toMatch(/Could not set lock on file/);
      expect(p.listPendingPackages().normalized).toHaveLength(1);
      holder.stdin!.end();
      await new Promise((resolve) => holder.once("exit", resolve));
      const info = await p.run();
      expect(info.hasFailedJobs).toBe(false);
    } finally {
      warn.mockRestore();
      holder.kill();
    }
    expect(p.listPendingPackages().normalized).toHaveLength(0);
    expect(await count(await sqlOf(p), "t")).toBe(2);
  }, 60_000);
});

describe("state, locations and names", () => {
  test("a run on an empty pipelines dir restores state and schema from the destination", async () => {
    const dir = tempDir();
    const credentials = path.join(dir, "restore.duckdb");
    const first = newPipeline("restore_me", { credentials, datasetName: "restored" });
    first.state.sources.github = { lastCursor: "2024-05-01", seen: [1, 2, 3] };
    await first.run([{ id: 1 }], { tableName: "things" });

    const freshDir = tempDir();
    const second = newPipeline("restore_me", { credentials, datasetName: "restored", pipelinesDir: freshDir });
    expect(second.state.sources.github).toBeUndefined();
    await second.run();
    expect(second.state.sources.github).toEqual({ lastCursor: "2024-05-01", seen: [1, 2, 3] });
    expect(second.defaultSchema.tables.things?.columns.id?.dataType).toBe("bigint");
    expect(existsSync(path.join(freshDir, "restore_me", "state.json"))).toBe(true);
    await second.run([{ id: 2 }], { tableName: "things" });
    expect(await count(await sqlOf(second), "things")).toBe(2);
  });

  test('"duckdb" by name writes <pipeline_name>.duckdb in the working directory and reports where', async () => {
    const dir = tempDir();
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const p = pipeline({ pipelineName: "by_name", pipelinesDir: path.join(dir, "pipelines"), destination: "duckdb", progress: "none" });
      const info = await p.run([{ id: 1 }, { id: 2 }], { tableName: "named" });
      expect(info.hasFailedJobs).toBe(false);
      const file = path.join(process.cwd(), "by_name.duckdb");
      expect(existsSync(file)).toBe(true);
      expect(info.toString()).toContain(`duckdb:///${file}`);
      const client = await sqlOf(p);
      expect(client.datasetName).toBe("by_name_dataset");
      expect(await count(client, "named")).toBe(2);
    } finally {
      process.chdir(cwd);
    }
  });

  test("DESTINATION__DUCKDB__CREDENTIALS names the file (duckdb:/// URL form)", async () => {
    const dir = tempDir();
    const file = path.join(dir, "from_env.duckdb");
    process.env.DESTINATION__DUCKDB__CREDENTIALS = `duckdb:///${file}`;
    try {
      const p = pipeline({ pipelineName: "env_named", pipelinesDir: dir, destination: "duckdb", progress: "none" });
      await p.run([{ id: 1 }], { tableName: "t" });
      expect(existsSync(file)).toBe(true);
    } finally {
      delete process.env.DESTINATION__DUCKDB__CREDENTIALS;
    }
  });

  test(":pipeline: puts the file in the pipeline working dir; :memory: keeps data for the destination's life", async () => {
    const dir = tempDir();
    const inWorkingDir = pipeline({ pipelineName: "in_wd", pipelinesDir: dir, destination: duckdb({ credentials: ":pipeline:" }), progress: "none" });
    await inWorkingDir.run([{ id: 1 }], { tableName: "t" });
    expect(existsSync(path.join(dir, "in_wd", "in_wd.duckdb"))).toBe(true);

    const memory = pipeline({ pipelineName: "in_memory", pipelinesDir: dir, destination: duckdb({ credentials: ":memory:" }), progress: "none" });
    const info = await memory.run([{ id: 1 }, { id: 2 }], { tableName: "t" });
    expect(info.toString()).toContain("duckdb:///:memory:");
    await memory.run([{ id: 3 }], { tableName: "t" });
    expect(await count(await sqlOf(memory), "t")).toBe(3);
  });
});
