import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Schema, pipeline, resource, source, type Pipeline } from "dlt-ts";
import { MSSQL_SESSION_SQL, mssql, type MssqlDestinationOptions } from "@dlt-ts/destination-mssql";
import { FakePool, FakeServer, type Recorded } from "./fake-mssql.js";

/*
 * The SQL this destination sends for the GitHub fixtures, captured offline:
 * pipeline() → extract → normalize (real files, SQL Server escaping) → load
 * through the job client into a fake pool that records every request and
 * keeps a catalog from the DDL. The snapshots under __snapshots__ were read
 * and reviewed as T-SQL; a change to them is a change to what reaches the
 * server.
 */

type Row = Record<string, unknown>;
const fixtures = path.join(__dirname, "..", "..", "..", "fixtures");
const events = JSON.parse(readFileSync(path.join(fixtures, "github-events.json"), "utf8")) as Row[];
const issues = JSON.parse(readFileSync(path.join(fixtures, "github-issues.json"), "utf8")) as Row[];

/**
 * The events with a few fields each but all their nesting (commits of a push,
 * labels of a pull request: a nested table under a nested object), so the
 * merge and replace snapshots stay readable; the first load uses every field.
 */
const slimEvents = events.map((e) => {
  const payload = (e.payload ?? {}) as Row;
  const pr = payload.pull_request as Row | undefined;
  return {
    id: e.id,
    type: e.type,
    created_at: e.created_at,
    actor: { login: (e.actor as Row).login },
    payload: {
      action: payload.action,
      commits: (payload.commits as Row[] | undefined)?.map((c) => ({ sha: c.sha, message: c.message, author: { name: (c.author as Row).name } })),
      pull_request: pr ? { number: pr.number, labels: (pr.labels as Row[]).map((l) => ({ name: l.name, color: l.color })) } : undefined,
    },
  };
});
const slimIssues = issues.map((i) => ({
  id: i.id,
  title: i.title,
  state: i.state,
  updated_at: i.updated_at,
  labels: (i.labels as Row[]).map((l) => ({ id: l.id, name: l.name })),
  assignees: (i.assignees as Row[]).map((a) => ({ login: a.login })),
}));

const CREDENTIALS = "mssql://loader:fake-password@fake-host:1433/dlt_data";

function newPipeline(name: string, server: FakeServer, options: MssqlDestinationOptions = {}): Pipeline {
  return pipeline({
    pipelineName: name,
    pipelinesDir: mkdtempSync(path.join(os.tmpdir(), "dlt-ts-mssql-sql-")),
    destination: mssql({ credentials: CREDENTIALS, poolFactory: () => new FakePool(server), ...options }),
    datasetName: name,
    progress: "none",
  });
}

/** Random parts of generated SQL made stable. */
function stable(sql: string): string {
  return sql.replace(/#_dlt_(\w+?)_[0-9a-f]{12}\b/g, "#_dlt_$1_<id>");
}

/** Statements of each transaction (BEGIN … COMMIT on one connection), in order; statements outside one are their own group. */
function transactions(log: Recorded[]): Recorded[][] {
  const open = new Map<number, Recorded[]>();
  const groups: Recorded[][] = [];
  for (const r of log) {
    if (r.sql === MSSQL_SESSION_SQL) continue;
    if (r.sql === "BEGIN TRANSACTION") {
      const group: Recorded[] = [];
      open.set(r.connection, group);
      groups.push(group);
      continue;
    }
    if (r.sql === "COMMIT TRANSACTION" || r.sql.endsWith("ROLLBACK TRANSACTION")) {
      open.delete(r.connection);
      continue;
    }
    const group = open.get(r.connection);
    if (group) group.push(r);
    else groups.push([r]);
  }
  return groups;
}

const DDL = /^(IF OBJECT_ID|IF SCHEMA_ID|ALTER TABLE|DROP SCHEMA)/;
const INSERT_VALUES = /^INSERT INTO \[[^\n]*\]\(/;
const BOOKKEEPING = /_dlt_loaded_jobs|_dlt_loads\]|_dlt_version\]|INFORMATION_SCHEMA|sys\.schemas/;

/** Rows of an insert_values statement (rows are joined by `,\n(`; the fixtures hold no such text in values). */
function rowCount(sql: string): number {
  return sql.split(/\),\n\(/).length;
}

/**
 * What a load sent, for a snapshot: DDL (sorted: staging tables are created
 * in job order), insert_values per table (header and rows per statement),
 * bulk loads per table, follow-up transactions (merge / replace), and the
 * distinct bookkeeping statements (markers, `_dlt_loads`, `_dlt_version`,
 * catalog queries).
 */
function render(log: Recorded[], only?: string[]): string {
  const ddl: string[] = [];
  const inserts = new Map<string, number[]>();
  const bulk = new Map<string, string[]>();
  const followups: string[] = [];
  const bookkeeping = new Set<string>();
  for (const group of transactions(log)) {
    const work: string[] = [];
    for (const r of group) {
      if (DDL.test(r.sql)) ddl.push(r.sql);
      else if (r.kind === "bulk") {
        const columns = r.bulkColumns!.map((c) => `${c.name}:${c.type}${c.options.length ? `(${c.options.length})` : ""}${c.options.precision ? `(${c.options.precision},${c.options.scale})` : c.options.scale !== undefined ? `(${c.options.scale})` : ""}`);
        const key = `${r.sql.replace(/\(.*$/s, "")}  [${columns.join(", ")}]`;
        bulk.set(key, [...(bulk.get(key) ?? []), `${r.rows!.length} rows`]);
      } else if (INSERT_VALUES.test(r.sql)) {
        const header = r.sql.slice(0, r.sql.indexOf("\n"));
        inserts.set(header, [...(inserts.get(header) ?? []), rowCount(r.sql)]);
      } else if (r.sql.startsWith("INSERT INTO") && r.kind === "rpc" && !BOOKKEEPING.test(r.sql)) {
        const header = r.sql.slice(0, r.sql.indexOf(" VALUES "));
        const width = (header.match(/\], \[|\(\[/g) ?? []).length;
        inserts.set(`${header} (parameterized)`, [...(inserts.get(`${header} (parameterized)`) ?? []), r.params.length / width]);
      } else if (BOOKKEEPING.test(r.sql)) {
        bookkeeping.add(stable(r.sql));
      } else work.push(stable(r.sql));
    }
    if (work.length > 0) followups.push(work.join("\n"));
  }
  const sections = [
    ["DDL (sorted, not in the order sent)", [...ddl].sort().join(";\n\n")],
    ["INSERT ... VALUES (rows per statement)", [...inserts].sort(([a], [b]) => a.localeCompare(b)).map(([h, counts]) => `${h}\n  -> ${counts.sort((a, b) => b - a).join(", ")}`).join("\n")],
    ["BULK LOADS", [...bulk].sort(([a], [b]) => a.localeCompare(b)).map(([h, counts]) => `${h}\n  -> ${counts.join(", ")}`).join("\n")],
    ["FOLLOW-UPS (statements as sent, one transaction each)", followups.sort().join("\n\n-- next transaction\n")],
    ["BOOKKEEPING", [...bookkeeping].sort().join("\n")],
  ];
  return sections
    .filter(([title, body]) => body && (!only || only.some((o) => title!.startsWith(o))))
    .map(([title, body]) => `-- ${title}\n${body}`)
    .join("\n\n");
}

function since(server: FakeServer, start: number): Recorded[] {
  return server.log.slice(start);
}

describe("SQL sent for the GitHub fixtures (offline, reviewed snapshots)", () => {
  test("first load: schemas, system tables, data tables with nested tables, insert_values batches", async () => {
    const server = new FakeServer();
    const p = newPipeline("github", server);
    const info = await p.run(source([resource(events, { name: "events" }), resource(issues, { name: "issues" })], { name: "github" }));
    expect(info.hasFailedJobs).toBe(false);
    expect(render(server.log)).toMatchSnapshot();
    // Every table of the schema was created, in the dataset.
    for (const table of p.defaultSchema.dataTables()) expect(server.table("github", table.name)).toBeDefined();
    expect(server.table("github", "_dlt_version")).toBeDefined();
    expect(String(info)).toContain("mssql://loader:***@fake-host:1433/dlt_data");
    expect(String(info)).not.toContain("fake-password");
  });

  test("second load with new fields: ALTER TABLE ... ADD, nothing recreated", async () => {
    const server = new FakeServer();
    const p = newPipeline("github_alter", server);
    await p.run(resource(issues, { name: "issues" }));
    const start = server.log.length;
    const changed = issues.slice(0, 5).map((issue, i) => ({ ...issue, triage_note: `note ${i}`, triage: { owner: "me", score: i + 0.5 }, tags: ["a", "b"] }));
    const info = await p.run(resource(changed, { name: "issues" }));
    expect(info.hasFailedJobs).toBe(false);
    const sent = since(server, start);
    expect(sent.some((r) => /CREATE TABLE \[github_alter\]\.\[issues\] /.test(r.sql))).toBe(false);
    expect(render(sent)).toMatchSnapshot();
    expect(server.table("github_alter", "issues")!.columns.map((c) => c.column_name)).toEqual(expect.arrayContaining(["triage_note", "triage__owner", "triage__score"]));
  });

  test("merge (delete-insert) of events with nested tables: staging, #temp tables, ROW_NUMBER dedup", async () => {
    const server = new FakeServer();
    const p = newPipeline("github_merge", server);
    const info = await p.run(resource(slimEvents, { name: "events", writeDisposition: "merge", primaryKey: "id" }));
    expect(info.hasFailedJobs).toBe(false);
    const text = render(server.log, ["DDL", "FOLLOW-UPS", "BOOKKEEPING"]);
    expect(text).toMatchSnapshot();
    // Temp tables are made, used and dropped in the same transaction.
    expect(text).toMatch(/SELECT \* INTO #_dlt_delete_<id> FROM \(SELECT d\.\[_dlt_id\] AS _dlt_key FROM \[github_merge\]\.\[events\] AS d WHERE EXISTS/);
    expect(text).toContain("DROP TABLE IF EXISTS #_dlt_delete_<id>");
  });

  test("merge (upsert) of issues: MERGE statements ended by ';', stale nested rows deleted", async () => {
    const server = new FakeServer();
    const p = newPipeline("github_upsert", server);
    const info = await p.run(resource(slimIssues, { name: "issues", writeDisposition: { disposition: "merge", strategy: "upsert" }, primaryKey: "id" }));
    expect(info.hasFailedJobs).toBe(false);
    const text = render(server.log, ["FOLLOW-UPS"]);
    expect(text).toMatchSnapshot();
    expect(text).toMatch(/^MERGE INTO \[github_upsert\]\.\[issues\] AS d USING \(SELECT .* WHEN NOT MATCHED THEN INSERT \(.*\);$/m);
    expect(text).toMatch(/^DELETE d FROM \[github_upsert\]\.\[issues__labels\] AS d WHERE d\.\[_dlt_root_id\] IN \(SELECT _dlt_key FROM #_dlt_previous_<id>\)/m);
  });

  test("merge (insert-only) of issues: INSERT ... WHERE NOT EXISTS per table, nested rows by their row key", async () => {
    const server = new FakeServer();
    const p = newPipeline("github_insert_only", server);
    const info = await p.run(resource(slimIssues, { name: "issues", writeDisposition: { disposition: "merge", strategy: "insert-only" }, primaryKey: "id" }));
    expect(info.hasFailedJobs).toBe(false);
    const text = render(server.log, ["FOLLOW-UPS"]);
    expect(text).toMatchSnapshot();
    expect(text).toMatch(/^INSERT INTO \[github_insert_only\]\.\[issues\] .* WHERE NOT EXISTS \(SELECT 1 FROM \[github_insert_only\]\.\[issues\] AS d WHERE d\.\[id\] = s\.\[id\]\)/m);
    expect(text).toMatch(/^INSERT INTO \[github_insert_only\]\.\[issues__labels\] .* WHERE NOT EXISTS \(SELECT 1 FROM \[github_insert_only\]\.\[issues__labels\] AS d WHERE d\.\[_dlt_id\] = s\.\[_dlt_id\]\)/m);
    expect(text).not.toMatch(/^(MERGE|UPDATE|DELETE)/m);
  });

  test("merge (scd2) of issues: retire absent versions by row hash, insert new ones valid from the boundary, nested rows insert-only", async () => {
    const server = new FakeServer();
    const p = newPipeline("github_scd2", server);
    const info = await p.run(
      resource(slimIssues, {
        name: "issues",
        writeDisposition: { disposition: "merge", strategy: "scd2", boundaryTimestamp: "2024-01-01T00:00:00Z" },
        mergeKey: "id",
      }),
    );
    expect(info.hasFailedJobs).toBe(false);
    const text = render(server.log, ["FOLLOW-UPS"]);
    expect(text).toMatchSnapshot();
    expect(text).toMatch(
      /^UPDATE \[github_scd2\]\.\[issues\] SET \[_dlt_valid_to\] = N'2024-01-01T00:00:00\.000Z' WHERE \[_dlt_valid_to\] IS NULL AND \[_dlt_id\] NOT IN \(SELECT \[_dlt_id\] FROM \[github_scd2_staging\]\.\[issues\]\) AND \[id\] IN/m,
    );
    expect(text).toMatch(/^INSERT INTO \[github_scd2\]\.\[issues__labels\] .* WHERE \[_dlt_id\] NOT IN \(SELECT \[_dlt_id\] FROM \[github_scd2\]\.\[issues__labels\]\)/m);
  });

  test("merge with a hard-delete flag, a dedup sort column and no nested tables", async () => {
    const server = new FakeServer();
    const p = newPipeline("merge_flags", server);
    const rows = [
      { id: 1, name: "a", updated: 2, deleted: false },
      { id: 1, name: "b", updated: 3, deleted: true },
      { id: 2, name: "c", updated: 1, deleted: false },
    ];
    const info = await p.run(rows, {
      tableName: "items",
      writeDisposition: "merge",
      primaryKey: "id",
      columns: { deleted: { hardDelete: true, dataType: "bool" }, updated: { dedupSort: "desc" } },
    });
    expect(info.hasFailedJobs).toBe(false);
    expect(render(server.log, ["DDL", "FOLLOW-UPS"])).toMatchSnapshot();
  });

  test.each([["truncate-and-insert"], ["insert-from-staging"]] as const)("replace (%s) of events", async (strategy) => {
    const server = new FakeServer();
    const p = newPipeline(`github_replace`, server, { replaceStrategy: strategy });
    const info = await p.run(resource(slimEvents, { name: "events", writeDisposition: "replace" }));
    expect(info.hasFailedJobs).toBe(false);
    const text = render(server.log, ["FOLLOW-UPS", "BOOKKEEPING"]);
    expect(text).toMatchSnapshot();
    if (strategy === "truncate-and-insert") expect(text).not.toContain("github_replace_staging");
    else expect(text).toContain("INSERT INTO [github_replace].[events] (");
  });

  test("csv files: streamed bulk loads with the table's own column types", async () => {
    const server = new FakeServer();
    const p = newPipeline("github_bulk", server);
    const info = await p.run(source([resource(events, { name: "events" }), resource(issues, { name: "issues" })], { name: "github" }), { loaderFileFormat: "csv" });
    expect(info.hasFailedJobs).toBe(false);
    expect(render(server.log, ["BULK"])).toMatchSnapshot();
    // Rows passed tedious's own encoder; the counts match what the normalizer wrote.
    const rowCounts = info.loadPackages[0]!.jobs.length;
    expect(rowCounts).toBeGreaterThan(5);
    const bulk = server.log.filter((r) => r.kind === "bulk");
    const loaded = bulk.filter((r) => r.sql.startsWith("insert bulk [github_bulk].[events](")).reduce((n, r) => n + r.rows!.length, 0);
    expect(loaded).toBe(events.length);
    for (const r of bulk) expect(r.bytes).toBeGreaterThan(0);
  });

  test("csv files with bulk_load = false: parameterized INSERTs within 1000 rows and 2098 parameters", async () => {
    const server = new FakeServer();
    const p = newPipeline("github_params", server, { bulkLoad: false });
    const info = await p.run(resource(events, { name: "events" }), { loaderFileFormat: "csv" });
    expect(info.hasFailedJobs).toBe(false);
    expect(render(server.log, ["INSERT"])).toMatchSnapshot();
    for (const r of server.log.filter((e) => e.kind === "rpc" && e.sql.startsWith("INSERT INTO [github_params]"))) {
      expect(r.params.length).toBeLessThanOrEqual(2098);
    }
  });
});

describe("limits and hostile input through the whole pipeline (offline)", () => {
  test("2500 rows → INSERT statements of 1000, 1000 and 500 rows", async () => {
    const server = new FakeServer();
    const p = newPipeline("limits", server);
    const rows = Array.from({ length: 2500 }, (_, i) => ({ id: i, name: `row ${i}` }));
    const info = await p.run(rows, { tableName: "many" });
    expect(info.hasFailedJobs).toBe(false);
    const counts = server.log.filter((r) => r.sql.startsWith("INSERT INTO [limits].[many]")).map((r) => rowCount(r.sql));
    expect(counts.sort((a, b) => b - a)).toEqual([1000, 1000, 500]);
  });

  test("long rows are cut at the 640 KiB statement limit before 1000 rows", async () => {
    const server = new FakeServer();
    const p = newPipeline("long_rows", server);
    const rows = Array.from({ length: 100 }, (_, i) => ({ id: i, blob: "x".repeat(20_000) }));
    await p.run(rows, { tableName: "wide" });
    const statements = server.log.filter((r) => r.sql.startsWith("INSERT INTO [long_rows].[wide]"));
    expect(statements.length).toBeGreaterThan(1);
    for (const r of statements) expect(Buffer.byteLength(r.sql)).toBeLessThanOrEqual(65536 * 10);
    expect(statements.reduce((n, r) => n + rowCount(r.sql), 0)).toBe(100);
  });

  test("hostile names (direct naming) are bracket-quoted everywhere; hostile values stay inside N'' literals", async () => {
    const server = new FakeServer();
    const p = newPipeline("hostile", server);
    const schema = new Schema("direct_names", { namingConvention: "direct" });
    const data = {
      "]; DROP TABLE x; --": "'; DROP TABLE y; --",
      "quote'col": "it's",
      "bracket]col": "a]b",
      "Mixed Case": 1,
      "emoji🎉": "🎉",
      "cr lf": "line1\r\nline2",
      "nul": "a\u0000b",
    };
    const info = await p.run([data], { tableName: "my ]table[; --", schema });
    expect(info.hasFailedJobs).toBe(false);
    const create = server.statements(/CREATE TABLE \[hostile\]\.\[my \]\]table\[; --\]/);
    expect(create).toHaveLength(1);
    expect(create[0]).toContain("[]]; DROP TABLE x; --] nvarchar(max)");
    expect(create[0]).toContain("[bracket]]col] nvarchar(max)");
    expect(create[0]).toContain("[quote'col] nvarchar(max)");
    expect(create[0]).toMatch(/^IF OBJECT_ID\(N'\[hostile\]\.\[my \]\]table\[; --\]', N'U'\) IS NULL\n/);
    const [insert] = server.statements(/^INSERT INTO \[hostile\]\.\[my \]\]table\[; --\]\(/);
    expect(insert).toContain("N'''; DROP TABLE y; --'");
    expect(insert).toContain("N'it''s'");
    expect(insert).toContain("(CAST(N'line1' AS NVARCHAR(MAX)) + NCHAR(13) + N'\nline2')");
    expect(insert).toContain("(CAST(N'a' AS NVARCHAR(MAX)) + NCHAR(0) + N'b')");
    expect(insert).toContain("N'🎉'");
    expect(server.tables.get("hostile")?.has("x")).toBe(false);
  });
});

describe("by name", () => {
  // extract() resolves the destination's config before reading data: credentials must be there (nothing connects).
  beforeEach(() => {
    process.env.DESTINATION__MSSQL__CREDENTIALS = "mssql://loader:pw@localhost:1433/dlt_data";
  });
  afterEach(() => {
    delete process.env.DESTINATION__MSSQL__CREDENTIALS;
  });

  test('pipeline({ destination: "mssql" }) finds this package; its files are written with SQL Server escaping', async () => {
    const p = pipeline({ pipelineName: "by_name", pipelinesDir: mkdtempSync(path.join(os.tmpdir(), "dlt-ts-mssql-name-")), destination: "mssql", progress: "none" });
    await p.extract([{ id: 1, name: "it's", flag: true, raw: new Uint8Array([1, 255]) }], { tableName: "things" });
    await p.normalize();
    const packages = path.join(p.workingDir, "load", "normalized");
    const [loadId] = readdirSync(packages);
    const jobs = path.join(packages, loadId!, "new_jobs");
    const file = readdirSync(jobs).find((f) => f.startsWith("things."))!;
    expect(file).toMatch(/\.insert_values$/);
    expect(readFileSync(path.join(jobs, file), "utf8")).toMatch(/^INSERT INTO \{\}\(\[id\],\[name\],\[flag\],\[raw\],\[_dlt_load_id\],\[_dlt_id\]\)\nVALUES\n\(1,N'it''s',1,0x01ff,N'[^']+',N'[^']+'\);$/);
  });
});
