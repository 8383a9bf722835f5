import { mkdtempSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pipeline } from "dlt-ts";
import { DatabaseTransientException } from "@dlt-ts/core";
import { DuckdbDatabase, DuckdbSqlClient, duckdb, duckdbCapabilities } from "@dlt-ts/destination-duckdb";
import { DuckDBInstance } from "@duckdb/node-api";
import { defaultDuckdbMemoryLimit } from "../src/duckdb-configuration";
import { REOPEN_AFTER_LOADED_BYTES, type DuckdbOpenOptions } from "../src/duckdb-database";
import { AdaptiveMemoryLimit } from "../src/duckdb-memory-limit";

/* DuckDB's own settings as config of the destination: they reach the database DuckDB opens. */

function tempDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), "dlt-ts-duckdb-settings-"));
}

async function settingsOf(p: ReturnType<typeof pipeline>): Promise<Record<string, string>> {
  const rows = await p.dataset().query<{ name: string; value: string }>(
    "SELECT name, value FROM duckdb_settings() WHERE name IN ('memory_limit', 'threads', 'preserve_insertion_order')",
  );
  return Object.fromEntries(rows.map((r) => [r.name, String(r.value)]));
}

describe("DuckDB settings", () => {
  afterEach(() => {
    delete process.env.DESTINATION__DUCKDB__MEMORY_LIMIT;
    delete process.env.DESTINATION__DUCKDB__THREADS;
    delete process.env.DESTINATION__DUCKDB__ROW_GROUP_SIZE;
    delete process.env.DESTINATION__DUCKDB__BLOCK_SIZE;
  });

  it("come from config (env) and from options in code", async () => {
    process.env.DESTINATION__DUCKDB__MEMORY_LIMIT = "300MB";
    process.env.DESTINATION__DUCKDB__THREADS = "1";
    const fromEnv = pipeline({ pipelineName: "settings_env", pipelinesDir: tempDir(), projectDir: tempDir(), destination: duckdb({ credentials: path.join(tempDir(), "a.duckdb") }), progress: "none" });
    await fromEnv.run([{ id: 1 }], { tableName: "items" });
    const env = await settingsOf(fromEnv);
    expect(env.threads).toBe("1");
    expect(env.memory_limit).toMatch(/^(286\.1 MiB|300\.0 MB|300MB)$/);

    const inCode = pipeline({
      pipelineName: "settings_code",
      pipelinesDir: tempDir(),
      projectDir: tempDir(),
      destination: duckdb({ credentials: path.join(tempDir(), "b.duckdb"), preserveInsertionOrder: false, threads: 2 }),
      progress: "none",
    });
    await inCode.run([{ id: 1 }], { tableName: "items" });
    const code = await settingsOf(inCode);
    expect([code.preserve_insertion_order, code.threads]).toEqual(["false", "2"]);
  });

  it("bound memory_limit by default: 256 MB per thread, at least 1 GB; and do not cache the files read", async () => {
    expect([defaultDuckdbMemoryLimit(1), defaultDuckdbMemoryLimit(2), defaultDuckdbMemoryLimit(4), defaultDuckdbMemoryLimit(16)]).toEqual([
      "1024MB",
      "1024MB",
      "1024MB",
      "4096MB",
    ]);
    const p = pipeline({
      pipelineName: "settings_default",
      pipelinesDir: tempDir(),
      projectDir: tempDir(),
      destination: duckdb({ credentials: path.join(tempDir(), "c.duckdb"), threads: 8 }),
      progress: "none",
    });
    await p.run([{ id: 1 }], { tableName: "items" });
    const [row] = await p.dataset().query<{ memory_limit: string; file_cache: boolean }>(
      "SELECT current_setting('memory_limit') AS memory_limit, current_setting('enable_external_file_cache') AS file_cache",
    );
    // 8 threads: 2048MB, which DuckDB reports in binary units.
    expect(row!.memory_limit).toBe("1.9 GiB");
    // Job files are read once: not cached.
    expect(row!.file_cache).toBe(false);
  });

  it("give the database file row groups of 10240 rows, or the configured size, under the file's own catalog name", async () => {
    const rows = Array.from({ length: 25_000 }, (_, id) => ({ id, name: `n${id}` }));
    const rowGroups = async (p: ReturnType<typeof pipeline>) => {
      const [row] = await p.dataset().query<{ groups: number; catalog: string }>(
        "SELECT count(DISTINCT row_group_id)::INTEGER AS groups, current_database() AS catalog FROM pragma_storage_info('items')",
      );
      return row!;
    };
    const file = path.join(tempDir(), "grouped.duckdb");
    const byDefault = pipeline({ pipelineName: "settings_groups", pipelinesDir: tempDir(), projectDir: tempDir(), destination: duckdb({ credentials: file }), progress: "none" });
    await byDefault.run(rows, { tableName: "items" });
    expect(await rowGroups(byDefault)).toEqual({ groups: 3, catalog: "grouped" });

    process.env.DESTINATION__DUCKDB__ROW_GROUP_SIZE = "4096";
    const configured = pipeline({ pipelineName: "settings_groups_4k", pipelinesDir: tempDir(), projectDir: tempDir(), destination: duckdb({ credentials: path.join(tempDir(), "g4.duckdb") }), progress: "none" });
    await configured.run(rows, { tableName: "items" });
    expect((await rowGroups(configured)).groups).toBe(7);

    // The file is an ordinary DuckDB database: opened directly, it holds the rows.
    const instance = await DuckDBInstance.create(file);
    try {
      const connection = await instance.connect();
      const reader = await connection.runAndReadAll("SELECT count(*)::INTEGER AS n FROM settings_groups_dataset.items");
      expect(reader.getRowObjectsJson()).toEqual([{ n: 25_000 }]);
      connection.closeSync();
    } finally {
      instance.closeSync();
    }
  });

  it("refuse a row_group_size DuckDB cannot use, naming the key, before loading", async () => {
    process.env.DESTINATION__DUCKDB__ROW_GROUP_SIZE = "10000";
    const p = pipeline({ pipelineName: "settings_bad_groups", pipelinesDir: tempDir(), projectDir: tempDir(), destination: duckdb({ credentials: path.join(tempDir(), "bad.duckdb") }), progress: "none" });
    await expect(p.run([{ id: 1 }], { tableName: "items" })).rejects.toThrow(/row_group_size is 10000: DuckDB needs a positive multiple of 2048/);
  });

  it("make a new database file with 64 KB blocks, or the configured size, and open a file made with other blocks", async () => {
    const blockSize = async (p: ReturnType<typeof pipeline>) => {
      const [row] = await p.dataset().query<{ block_size: number }>("SELECT block_size::INTEGER AS block_size FROM pragma_database_size() WHERE database_name = current_database()");
      return row!.block_size;
    };
    const byDefault = pipeline({ pipelineName: "settings_blocks", pipelinesDir: tempDir(), projectDir: tempDir(), destination: duckdb({ credentials: path.join(tempDir(), "blocks.duckdb") }), progress: "none" });
    await byDefault.run([{ id: 1 }], { tableName: "items" });
    expect(await blockSize(byDefault)).toBe(65_536);

    // A file DuckDB made with its own blocks (256 KB) keeps them: the configured size is for new files.
    const file = path.join(tempDir(), "made_elsewhere.duckdb");
    const instance = await DuckDBInstance.create(file);
    try {
      const connection = await instance.connect();
      await connection.run("CREATE TABLE made_before AS SELECT 1 AS id");
      connection.closeSync();
    } finally {
      instance.closeSync();
    }
    process.env.DESTINATION__DUCKDB__BLOCK_SIZE = "16384";
    const existing = pipeline({ pipelineName: "settings_blocks_existing", pipelinesDir: tempDir(), projectDir: tempDir(), destination: duckdb({ credentials: file }), progress: "none" });
    await existing.run([{ id: 2 }], { tableName: "items" });
    expect(await blockSize(existing)).toBe(262_144);
    expect(await existing.dataset().query("SELECT id FROM main.made_before")).toEqual([{ id: 1 }]);

    const configured = pipeline({ pipelineName: "settings_blocks_16k", pipelinesDir: tempDir(), projectDir: tempDir(), destination: duckdb({ credentials: path.join(tempDir(), "b16.duckdb") }), progress: "none" });
    await configured.run([{ id: 3 }], { tableName: "items" });
    expect(await blockSize(configured)).toBe(16_384);
  });

  it("refuse a block_size DuckDB cannot use, naming the key, before loading", async () => {
    process.env.DESTINATION__DUCKDB__BLOCK_SIZE = "50000";
    const p = pipeline({ pipelineName: "settings_bad_blocks", pipelinesDir: tempDir(), projectDir: tempDir(), destination: duckdb({ credentials: path.join(tempDir(), "bad.duckdb") }), progress: "none" });
    await expect(p.run([{ id: 1 }], { tableName: "items" })).rejects.toThrow(/block_size is 50000: DuckDB needs a power of two from 16384 to 262144/);
  });

  it("take memory_limit from config over the default", async () => {
    process.env.DESTINATION__DUCKDB__MEMORY_LIMIT = "2GB";
    const p = pipeline({ pipelineName: "settings_limit", pipelinesDir: tempDir(), projectDir: tempDir(), destination: duckdb({ credentials: path.join(tempDir(), "d.duckdb") }), progress: "none" });
    await p.run([{ id: 1 }], { tableName: "items" });
    const [row] = await p.dataset().query<{ memory_limit: string }>("SELECT current_setting('memory_limit') AS memory_limit");
    expect(row!.memory_limit).toBe("1.8 GiB");
  });
});

describe("DuckDB's default memory_limit", () => {
  // A list of a million numbers needs more than 32 MB and less than 64 MB: a statement that runs out of memory at the start.
  const HUNGRY = "CREATE OR REPLACE TABLE t AS SELECT list(range) AS l FROM range(1000000)";

  function client(file: string, open: DuckdbOpenOptions): DuckdbSqlClient {
    return new DuckdbSqlClient(duckdbCapabilities(), "main", DuckdbDatabase.file(file, open));
  }

  it("is raised when a statement runs out of memory, so a retry fits", async () => {
    const sql = client(path.join(tempDir(), "adaptive.duckdb"), { settings: { threads: "1" }, memoryLimit: new AdaptiveMemoryLimit(16) });
    try {
      const errors: unknown[] = [];
      for (let attempt = 0; attempt < 5; attempt++) {
        try {
          await sql.execute(HUNGRY);
          break;
        } catch (error) {
          errors.push(error);
        }
      }
      expect(errors.length).toBeGreaterThan(0);
      expect(errors[0]).toBeInstanceOf(DatabaseTransientException);
      expect((errors[0] as Error).message).toMatch(/Out of Memory Error[\s\S]*memory_limit was the default 16MB: raised to 32MB/);
      const [row] = await sql.query<{ n: number; memory_limit: string }>("SELECT len(l)::INTEGER AS n, current_setting('memory_limit') AS memory_limit FROM t");
      expect(row!.n).toBe(1_000_000);
      // DuckDB's MB are 10^6 bytes, reported in MiB: 32MB is 30.5 MiB.
      expect(row!.memory_limit).toBe(`${((16e6 * 2 ** errors.length) / 2 ** 20).toFixed(1)} MiB`);
    } finally {
      await sql.close();
    }
  });

  it("is raised, and the way out told, when a checkpoint ran out of memory and left the database unusable", async () => {
    const sql = client(path.join(tempDir(), "invalidated.duckdb"), { memoryLimit: new AdaptiveMemoryLimit(1024) });
    try {
      await sql.query("SELECT 1");
      // DuckDB's message once a checkpoint failed for want of memory (seen loading 100k events from csv at 512 MB).
      const failure = sql.classifyError(
        new Error(
          'IO Error: Database "invalidated" has been invalidated because checkpointing failed. Detach and reattach it before using it again. ' +
            "Original error: failed to pin block of size 256.0 KiB (488.2 MiB/488.2 MiB used)",
        ),
      );
      expect(failure).toBeInstanceOf(DatabaseTransientException);
      expect(failure.message).toMatch(/unusable until it is opened again: run the pipeline again to resume the package, with a larger destination\.duckdb\.memory_limit/);
      expect(failure.message).toMatch(/raised to 2048MB/);
      // Other invalidations (not for memory) are left as DuckDB says them.
      const other = sql.classifyError(new Error('IO Error: Database "x" has been invalidated because checkpointing failed. Original error: disk full'));
      expect(other.message).not.toMatch(/memory_limit/);
    } finally {
      await sql.close();
    }
  });

  it("stays raised when the file is opened again in the same process", async () => {
    const file = path.join(tempDir(), "reopened.duckdb");
    const first = client(file, { settings: { threads: "1" }, memoryLimit: new AdaptiveMemoryLimit(16) });
    await expect(first.execute(HUNGRY)).rejects.toThrow(/raised to 32MB/);
    // The last connection closes the file.
    await first.close();
    const second = client(file, { settings: { threads: "1" }, memoryLimit: new AdaptiveMemoryLimit(16) });
    try {
      const [row] = await second.query<{ memory_limit: string }>("SELECT current_setting('memory_limit') AS memory_limit");
      expect(row!.memory_limit).toBe("30.5 MiB");
    } finally {
      await second.close();
    }
  });

  it("is never raised when configured", async () => {
    const sql = client(path.join(tempDir(), "fixed.duckdb"), { settings: { threads: "1", memory_limit: "16MB" } });
    try {
      const failure = await sql.execute(HUNGRY).then(() => undefined, (error: unknown) => error as Error);
      expect(failure?.message).toMatch(/^Out of Memory Error/);
      expect(failure?.message).not.toMatch(/raised/);
      const [row] = await sql.query<{ memory_limit: string }>("SELECT current_setting('memory_limit') AS memory_limit");
      expect(row!.memory_limit).toBe("15.2 MiB");
    } finally {
      await sql.close();
    }
  });
});

describe("a load that runs out of DuckDB's default memory_limit", () => {
  it("is retried under the raised limit and loads, its retries in the load info", async () => {
    const file = path.join(tempDir(), "raised.duckdb");
    // The shared database of the file, opened with a tiny default limit: the pipeline's destination takes it as it is open.
    const database = DuckdbDatabase.file(file, { settings: { threads: "1" }, memoryLimit: new AdaptiveMemoryLimit(16) });
    const held = await database.connect();
    try {
      const p = pipeline({ pipelineName: "raised", pipelinesDir: tempDir(), projectDir: tempDir(), destination: duckdb({ credentials: file }), progress: "none" });
      const rows = Array.from({ length: 20 }, (_, id) => ({ id, values: Array.from({ length: 50_000 }, (_, i) => i * id) }));
      const info = await p.run(rows, { tableName: "wide", columns: { values: { dataType: "json" } } });
      expect(info.hasFailedJobs).toBe(false);
      const job = info.loadPackages[0]!.jobs.find((j) => j.table === "wide")!;
      expect(job.state).toBe("completed");
      expect(job.retries).toBeGreaterThan(0);
      const [row] = await p.dataset().query<{ n: number; memory_limit: string }>(
        "SELECT count(*)::INTEGER AS n, current_setting('memory_limit') AS memory_limit FROM wide",
      );
      expect(row!.n).toBe(20);
      expect(row!.memory_limit).not.toBe("15.2 MiB");
    } finally {
      database.disconnect(held);
    }
  });
});

describe("a database invalidated by a failed checkpoint", () => {
  it("leaves the package pending, and the next run opens the file again and loads it", async () => {
    const file = path.join(tempDir(), "invalidated-run.duckdb");
    const p = pipeline({ pipelineName: "invalidated", pipelinesDir: tempDir(), projectDir: tempDir(), destination: duckdb({ credentials: file }), progress: "none" });
    await p.run([{ id: 0 }], { tableName: "items" });
    // DuckDB's own switch to fail checkpoints, and a checkpoint after every commit: the next load invalidates the database.
    const sql = await p.sqlClient();
    await sql.execute("SET debug_checkpoint_abort = 'before_header'");
    await sql.execute("SET checkpoint_threshold = '1B'");
    try {
      const failure = await p.run([{ id: 1 }, { id: 2 }], { tableName: "items" }).then(() => undefined, (error: unknown) => error as Error);
      expect(failure?.message).toMatch(/invalidated/);
      expect(p.listPendingPackages().normalized).toHaveLength(1);
    } finally {
      await sql.close();
    }
    // Every connection closed: the next run opens the file afresh (the settings above are gone) and resumes the package.
    const info = await p.run();
    expect(info.hasFailedJobs).toBe(false);
    const rows = await p.dataset().query<{ id: number }>("SELECT id FROM items ORDER BY id");
    expect(rows.map((r) => Number(r.id))).toEqual([0, 1, 2]);
  });
});

describe("the blocks a load wrote", () => {
  const tableBlocksMb = async (sql: DuckdbSqlClient) => {
    const [row] = await sql.query<{ mb: number }>("SELECT (sum(memory_usage_bytes) / 1e6)::DOUBLE AS mb FROM duckdb_memory() WHERE tag = 'BASE_TABLE'");
    return row!.mb;
  };
  // Rows enough to be written to the file while the statement runs, its blocks left loaded (about 30 MB).
  const LOAD = "INSERT INTO t SELECT range AS id, repeat(range::VARCHAR, 20) AS body FROM range(400000)";

  /** Loads LOAD into a new table t; the MB of table blocks left loaded. */
  const load = async (sql: DuckdbSqlClient) => {
    await sql.execute("CREATE TABLE t (id BIGINT, body VARCHAR)");
    await sql.execute(LOAD);
    const loaded = await tableBlocksMb(sql);
    expect(loaded).toBeGreaterThan(20);
    return loaded;
  };

  it("are let go after a load job, the memory_limit as it was, the data still there", async () => {
    const database = DuckdbDatabase.file(path.join(tempDir(), "release.duckdb"), { memoryLimit: new AdaptiveMemoryLimit(1024) });
    const sql = new DuckdbSqlClient(duckdbCapabilities(), "main", database);
    try {
      const loaded = await load(sql);
      await sql.releaseAfterLoad(0);
      // Down to the limit set for a moment (16MB).
      expect(await tableBlocksMb(sql)).toBeLessThanOrEqual(16);
      const [row] = await sql.query<{ n: number; memory_limit: string }>("SELECT count(*)::INTEGER AS n, current_setting('memory_limit') AS memory_limit FROM t");
      expect(row).toEqual({ n: 400_000, memory_limit: "976.5 MiB" });
    } finally {
      await sql.close();
    }
  });

  it("stay while another connection is open, whose statement may need the memory", async () => {
    const file = path.join(tempDir(), "shared.duckdb");
    const database = DuckdbDatabase.file(file, { memoryLimit: new AdaptiveMemoryLimit(1024) });
    const sql = new DuckdbSqlClient(duckdbCapabilities(), "main", database);
    const other = await database.connect();
    try {
      const loaded = await load(sql);
      await sql.releaseAfterLoad(0);
      expect(await tableBlocksMb(sql)).toBe(loaded);
    } finally {
      database.disconnect(other);
      await sql.close();
    }
  });

  it("are let go only under a limit dlt-ts set: a database opened by the user keeps its own", async () => {
    const instance = await DuckDBInstance.create(":memory:", { memory_limit: "1GB" });
    const sql = new DuckdbSqlClient(duckdbCapabilities(), "main", DuckdbDatabase.fromInstance(instance));
    try {
      await sql.releaseAfterLoad(0);
      const [row] = await sql.query<{ memory_limit: string }>("SELECT current_setting('memory_limit') AS memory_limit");
      expect(row!.memory_limit).toBe("953.6 MiB");
    } finally {
      await sql.close();
      instance.closeSync();
    }
  });
});

describe("the database a load job wrote to", () => {
  const MIB = 1024 * 1024;
  // A temp table lives as long as the connection that made it: gone when the file is opened afresh.
  const sameConnection = async (sql: DuckdbSqlClient) =>
    (await sql.query("SELECT 1 FROM duckdb_tables() WHERE table_name = 'marker' AND temporary")).length === 1;

  async function loaded(file: string): Promise<DuckdbSqlClient> {
    const sql = new DuckdbSqlClient(duckdbCapabilities(), "ds", DuckdbDatabase.file(file, { memoryLimit: new AdaptiveMemoryLimit(1024) }));
    await sql.createDataset();
    await sql.execute("CREATE TABLE items AS SELECT range AS id FROM range(1000)");
    await sql.execute("CREATE TEMP TABLE marker (x INTEGER)");
    return sql;
  }

  it(`is opened afresh once ${REOPEN_AFTER_LOADED_BYTES / MIB} MiB of job files loaded, in the dataset, the data there`, async () => {
    const sql = await loaded(path.join(tempDir(), "reopen.duckdb"));
    try {
      await sql.releaseAfterLoad(REOPEN_AFTER_LOADED_BYTES / 2);
      expect(await sameConnection(sql)).toBe(true);
      await sql.releaseAfterLoad(REOPEN_AFTER_LOADED_BYTES / 2);
      expect(await sameConnection(sql)).toBe(false);
      // Unqualified: the new connection searches the dataset too.
      const [row] = await sql.query<{ n: number }>("SELECT count(*)::INTEGER AS n FROM items");
      expect(row!.n).toBe(1000);
      // Counted again from the new open.
      await sql.execute("CREATE TEMP TABLE marker (x INTEGER)");
      await sql.releaseAfterLoad(REOPEN_AFTER_LOADED_BYTES / 2);
      expect(await sameConnection(sql)).toBe(true);
    } finally {
      await sql.close();
    }
  });

  it("stays open while another connection is open", async () => {
    const file = path.join(tempDir(), "kept.duckdb");
    const sql = await loaded(file);
    const other = await DuckdbDatabase.file(file).connect();
    try {
      await sql.releaseAfterLoad(REOPEN_AFTER_LOADED_BYTES);
      expect(await sameConnection(sql)).toBe(true);
    } finally {
      DuckdbDatabase.file(file).disconnect(other);
      await sql.close();
    }
  });
});
