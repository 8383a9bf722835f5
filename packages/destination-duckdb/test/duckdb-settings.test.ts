import { mkdtempSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pipeline } from "dlt-ts";
import { duckdb } from "@dlt-ts/destination-duckdb";
import { defaultDuckdbMemoryLimit } from "../src/duckdb-configuration";

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

  it("bound memory_limit by default: 384 MB per thread, at least 1 GB", async () => {
    expect([defaultDuckdbMemoryLimit(1), defaultDuckdbMemoryLimit(2), defaultDuckdbMemoryLimit(4), defaultDuckdbMemoryLimit(16)]).toEqual([
      "1024MB",
      "1024MB",
      "1536MB",
      "6144MB",
    ]);
    const p = pipeline({
      pipelineName: "settings_default",
      pipelinesDir: tempDir(),
      projectDir: tempDir(),
      destination: duckdb({ credentials: path.join(tempDir(), "c.duckdb"), threads: 4 }),
      progress: "none",
    });
    await p.run([{ id: 1 }], { tableName: "items" });
    const [row] = await p.dataset().query<{ memory_limit: string }>("SELECT current_setting('memory_limit') AS memory_limit");
    // DuckDB reports 1536MB in binary units.
    expect(row!.memory_limit).toBe("1.4 GiB");
  });

  it("take memory_limit from config over the default", async () => {
    process.env.DESTINATION__DUCKDB__MEMORY_LIMIT = "2GB";
    const p = pipeline({ pipelineName: "settings_limit", pipelinesDir: tempDir(), projectDir: tempDir(), destination: duckdb({ credentials: path.join(tempDir(), "d.duckdb") }), progress: "none" });
    await p.run([{ id: 1 }], { tableName: "items" });
    const [row] = await p.dataset().query<{ memory_limit: string }>("SELECT current_setting('memory_limit') AS memory_limit");
    expect(row!.memory_limit).toBe("1.8 GiB");
  });
});
