import { existsSync } from "node:fs";
import * as path from "node:path";
import type { CaseRegistrar } from "../conformance-harness.js";
import { countRows } from "../read-back.js";

/** A pipeline on a fresh machine (empty pipelines dir) takes its state and schemas back from the destination. */
export function stateRestoreCases(t: CaseRegistrar): void {
  t.test("restore", "a run on an empty pipelines dir restores state and schema from the destination", async (scope) => {
    const first = scope.pipeline("restore_me");
    first.state.sources.github = { lastCursor: "2024-05-01T00:00:00Z", seen: [1, 2, 3] };
    await first.run([{ id: 1, name: "one" }], { tableName: "things" });
    first.state.sources.github = { lastCursor: "2024-06-01T00:00:00Z", seen: [1, 2, 3, 4] };
    await first.run([{ id: 2, name: "two" }], { tableName: "things" });

    const freshDir = scope.freshDir("second-machine");
    const second = scope.pipeline("restore_me", { pipelinesDir: freshDir });
    expect(second.state.sources.github).toBeUndefined();
    const info = await second.run();
    expect(info.loadPackages).toEqual([]);
    expect(second.state.sources.github).toEqual({ lastCursor: "2024-06-01T00:00:00Z", seen: [1, 2, 3, 4] });
    expect(second.firstRun).toBe(false);
    expect(second.defaultSchema.tables.things?.columns.id?.dataType).toBe("bigint");
    expect(second.defaultSchema.tables.things?.columns.name?.dataType).toBe("text");
    expect(existsSync(path.join(freshDir, second.pipelineName, "state.json"))).toBe(true);

    // The restored pipeline goes on loading into the same tables.
    await second.run([{ id: 3, name: "three" }], { tableName: "things" });
    const client = await scope.sqlClient(second);
    expect(await countRows(client, "things")).toBe(3);
  });

  t.test("restore-off", "with restore_from_destination = false a fresh pipelines dir starts empty", async (scope) => {
    const first = scope.pipeline("restore_off");
    first.state.sources.github = { lastCursor: "2024-05-01T00:00:00Z" };
    await first.run([{ id: 1 }], { tableName: "things" });
    const key = `${first.pipelineName.toUpperCase()}__RESTORE_FROM_DESTINATION`;
    process.env[key] = "false";
    try {
      const second = scope.pipeline("restore_off", { pipelinesDir: scope.freshDir("second-machine") });
      const info = await second.run();
      expect(info.loadPackages).toEqual([]);
      expect(second.state.sources.github).toBeUndefined();
      expect(second.firstRun).toBe(true);
    } finally {
      delete process.env[key];
    }
  });

  t.test("no-state", "a pipeline whose dataset holds nothing starts empty", async (scope) => {
    const p = scope.pipeline("nothing_here");
    const info = await p.run();
    expect(info.loadPackages).toEqual([]);
    expect(p.state.sources).toEqual({});
    expect(p.firstRun).toBe(true);
  });
}
