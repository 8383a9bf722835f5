import { lstatSync, mkdtempSync, readFileSync, realpathSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { UnknownDestinationException, pipeline, resolveDestinationByName } from "dlt-ts";
import { SqliteDestination } from "dlt-ts-destination-sqlite";

/*
 * The example is a workspace of the monorepo, so npm links it as
 * node_modules/dlt-ts-destination-sqlite: nothing else is installed, and
 * `destination: "sqlite"` finds it the way it finds any published package.
 */

const root = path.resolve(__dirname, "..", "..", "..");

function tempDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), "dlt-ts-sqlite-by-name-"));
}

function withEnv<T>(vars: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  return fn().finally(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });
}

test("the package is linked into node_modules under its published name and declares its factory", () => {
  const link = path.join(root, "node_modules", "dlt-ts-destination-sqlite");
  expect(lstatSync(link).isSymbolicLink()).toBe(true);
  expect(realpathSync(link)).toBe(path.join(root, "examples", "third-party-destination"));
  const manifest = JSON.parse(readFileSync(path.join(link, "package.json"), "utf8")) as Record<string, unknown>;
  expect(manifest["dlt-ts"]).toEqual({ destination: "sqlite" });
  expect(manifest.peerDependencies).toHaveProperty(["@dlt-ts/core"]);
});

test('"sqlite" resolves dlt-ts-destination-sqlite through the registry and loads', async () => {
  const made = await resolveDestinationByName("sqlite", { env: {} });
  expect(made).toBeInstanceOf(SqliteDestination);
  expect([made.destinationType, made.destinationName]).toEqual(["sqlite", "sqlite"]);

  const dir = tempDir();
  const database = path.join(dir, "by_name.sqlite");
  await withEnv({ DESTINATION__SQLITE__CREDENTIALS: database }, async () => {
    const p = pipeline({ pipelineName: "sqlite_by_name", pipelinesDir: dir, destination: "sqlite", datasetName: "named", progress: "none" });
    const info = await p.run([{ id: 1 }, { id: 2 }], { tableName: "numbers" });
    expect(info.toString()).toContain(`sqlite:///${database}`);
    const client = await p.sqlClient();
    try {
      expect(await client.query("SELECT count(*) AS n FROM numbers")).toEqual([{ n: 2 }]);
    } finally {
      await client.close();
    }
  });
});

test("a named destination of type sqlite takes its config from destination.<name>", async () => {
  const dir = tempDir();
  const database = path.join(dir, "named.sqlite");
  const env = { DESTINATION__LOCAL_LITE__DESTINATION_TYPE: "sqlite", DESTINATION__LOCAL_LITE__CREDENTIALS: `sqlite:///${database}` };
  await withEnv(env, async () => {
    const p = pipeline({ pipelineName: "sqlite_named", pipelinesDir: dir, destination: "local_lite", datasetName: "named", progress: "none" });
    const info = await p.run([{ id: 1 }], { tableName: "numbers" });
    expect(info.toString()).toContain(`sqlite:///${database}`);
    expect(p.state.destinationType).toBe("sqlite");
    expect(p.state.destinationName).toBe("local_lite");
  });
});

test("an unknown name fails with the names tried, the installed destinations and the install line", async () => {
  const p = pipeline({ pipelineName: "typo", pipelinesDir: tempDir(), destination: "sqlit", progress: "none" });
  const error = await p.run([{ id: 1 }], { tableName: "t" }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(UnknownDestinationException);
  const message = (error as Error).message;
  expect(message).toContain(
    [
      'Destination "sqlit" could not be resolved. Tried, in order:',
      "  - registered destinations: none registered",
      "  - package @dlt-ts/destination-sqlit: not installed",
      "  - package dlt-ts-destination-sqlit: not installed",
      "  - config destination.sqlit.destination_type: not set",
      "Installed destinations found:",
    ].join("\n"),
  );
  expect(message).toContain("  - sqlite (dlt-ts-destination-sqlite 0.1.0)");
  expect(message).toContain("  - postgres (@dlt-ts/destination-postgres 0.1.0)");
  expect(message).not.toContain("destination-tests");
  expect(message).toContain('Did you mean "sqlite"?');
  expect(message).toContain('To fix it, install the package that provides "sqlit": npm install dlt-ts-destination-sqlit');
});
