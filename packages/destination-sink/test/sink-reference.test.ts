import "reflect-metadata";
import { ConfigFieldMissingException } from "@dlt-ts/core";
import { promises as fs } from "node:fs";
import * as path from "node:path";
import {
  destination,
  DestinationCallableNotFound,
  destinationFrom,
  InvalidSinkCallable,
  type SinkItem,
  toSinkDestination,
} from "@dlt-ts/destination-sink";
import { SinkDestination } from "../src/sink-destination.js";
import { isSinkClass } from "../src/to-sink-destination.js";
import { rows, schemaWith, table } from "../../loader/test/support/load-packages.js";
import { SinkWorld } from "./sink-run.js";
import { DecoratedRef, madeByDestination, plainFunction, received, UndecoratedClass } from "./fixtures/reference-sinks.js";

const schema = schemaWith("s", [table("items", ["id"])]);
const fixture = path.join(__dirname, "fixtures", "reference-sinks");

describe("referencing a sink", () => {
  const world = new SinkWorld();
  beforeEach(async () => {
    received.length = 0;
    await world.setUp();
    world.env("DESTINATION__DECORATED_REF__TOKEN", "t0k");
  });
  afterEach(() => world.tearDown());

  const load = (dest: SinkDestination) => world.load(dest, schema, { "items.a.0.jsonl": rows(3) });

  describe("toSinkDestination", () => {
    it("recognises a @destination class, an instance of one and SinkDestinations", () => {
      expect(toSinkDestination(DecoratedRef)).toBeInstanceOf(SinkDestination);
      expect(toSinkDestination(new DecoratedRef())?.destinationName).toBe("decorated_ref");
      expect(toSinkDestination(madeByDestination)).toBe(madeByDestination);
      const from = destinationFrom("x", { destinationCallable: plainFunction });
      expect(toSinkDestination(from)).toBe(from);
      expect(isSinkClass(DecoratedRef)).toBe(true);
      expect(isSinkClass(UndecoratedClass)).toBe(false);
    });

    it("gives undefined for what is not a sink (names and factories are resolved elsewhere)", () => {
      for (const value of ["postgres", UndecoratedClass, plainFunction, { write: 1 }, null, undefined, 42]) {
        expect(toSinkDestination(value)).toBeUndefined();
      }
    });

    it("exposes the options as capabilities for the normalizer", () => {
      const caps = toSinkDestination(DecoratedRef)!.capabilities();
      expect(caps).toMatchObject({
        preferredLoaderFileFormat: "jsonl",
        supportedLoaderFileFormats: ["jsonl", "parquet"],
        namingConvention: "direct",
        maxTableNesting: 0,
        maxParallelLoadJobs: 20,
        loaderParallelismStrategy: "parallel",
        skipDltColumnsAndTables: true,
      });
    });
  });

  it("a class: decorated with its options", async () => {
    await load(toSinkDestination(DecoratedRef) as SinkDestination);
    expect(received).toEqual(["DecoratedRef(t0k):items:2", "DecoratedRef(t0k):items:1"]);
  });

  it("a function made by destination()", async () => {
    await load(madeByDestination);
    expect(received).toEqual(["madeByDestination:items:1", "madeByDestination:items:1", "madeByDestination:items:1"]);
  });

  it("destination(Class, options) works for an undecorated class too", async () => {
    const dest = destination(UndecoratedClass, { batchSize: 3 });
    expect(dest.destinationName).toBe("undecorated_class");
    await load(dest);
    expect(received).toEqual(["UndecoratedClass:items:3"]);
  });

  describe("destinationFrom", () => {
    it("takes a plain function, an undecorated class or an instance", async () => {
      await load(destinationFrom("f", { destinationCallable: plainFunction, batchSize: 3 }));
      await world.load(destinationFrom("c", { destinationCallable: UndecoratedClass, batchSize: 3 }), schema, { "items.b.0.jsonl": rows(3) }, {}, "2");
      await world.load(destinationFrom("i", { destinationCallable: new UndecoratedClass(), batchSize: 3 }), schema, { "items.c.0.jsonl": rows(3) }, {}, "3");
      expect(received).toEqual(["plainFunction:items:3", "UndecoratedClass:items:3", "UndecoratedClass:items:3"]);
    });

    it("its options override the callable's own, and its name is the config section", async () => {
      world.env("DESTINATION__RENAMED__TOKEN", "renamed-token");
      const dest = destinationFrom("renamed", { destinationCallable: DecoratedRef, batchSize: 3 });
      expect(dest.options).toMatchObject({ batchSize: 3, name: "renamed" });
      await load(dest);
      expect(received).toEqual(["DecoratedRef(renamed-token):items:3"]);
    });

    it('imports "path/to/module#export" (absolute or relative to the project dir)', async () => {
      await load(destinationFrom("decorated_ref", { destinationCallable: `${fixture}#DecoratedRef` }));
      const relative = path.relative(world.projectDir, fixture);
      await world.load(destinationFrom("p", { destinationCallable: `${relative}.ts#plainFunction`, batchSize: 5 }), schema, { "items.b.0.jsonl": rows(3) }, {}, "2");
      expect(received).toEqual(["DecoratedRef(t0k):items:2", "DecoratedRef(t0k):items:1", "plainFunction:items:3"]);
    });

    it('imports "package#export" resolved from the project dir', async () => {
      const pkg = path.join(world.projectDir, "node_modules", "my-sink-package");
      await fs.mkdir(pkg, { recursive: true });
      await fs.writeFile(path.join(pkg, "package.json"), JSON.stringify({ name: "my-sink-package", main: "index.js" }));
      await fs.writeFile(
        path.join(pkg, "index.js"),
        "exports.send = async (items, table) => { globalThis.__sinkPackageCalls = (globalThis.__sinkPackageCalls || 0) + items.length; };\n",
      );
      await load(destinationFrom("pkg", { destinationCallable: "my-sink-package#send" }));
      expect((globalThis as Record<string, unknown>)["__sinkPackageCalls"]).toBe(3);
    });

    it('accepts dlt\'s dotted form "module.function", relative to the project dir', async () => {
      await fs.mkdir(path.join(world.projectDir, "hooks"), { recursive: true });
      await fs.writeFile(
        path.join(world.projectDir, "hooks", "crm.js"),
        "exports.push = async (items) => { globalThis.__dottedCalls = (globalThis.__dottedCalls || 0) + items.length; };\n",
      );
      await load(destinationFrom("dotted", { destinationCallable: "hooks.crm.push" }));
      expect((globalThis as Record<string, unknown>)["__dottedCalls"]).toBe(3);
    });

    it("reads the reference from config: DESTINATION__<NAME>__DESTINATION_CALLABLE", async () => {
      world.env("DESTINATION__FROM_ENV__DESTINATION_CALLABLE", `${fixture}#plainFunction`);
      await load(destinationFrom("from_env"));
      await world.secretsToml(`[destination.from_toml]\ndestination_callable = "${fixture}#UndecoratedClass"\n`);
      await world.load(destinationFrom("from_toml"), schema, { "items.b.0.jsonl": rows(1) }, {}, "2");
      expect(received).toEqual(["plainFunction:items:3", "UndecoratedClass:items:1"]);
    });

    it("fails at configure() with the missing-values error: no callable anywhere", async () => {
      const error = (await destinationFrom("nowhere").configure(world.context("p")).catch((e: unknown) => e)) as Error;
      expect(error).toBeInstanceOf(ConfigFieldMissingException);
      expect(error.message).toContain(
        "Missing 1 required configuration value for SinkCallableConfiguration (sections: destination.nowhere; pipeline: p):",
      );
      expect(error.message).toContain('- destinationCallable (string) at key "destination.nowhere.destination_callable"; tried in order:');
      for (const key of ["P__DESTINATION__NOWHERE__DESTINATION_CALLABLE", "DESTINATION__NOWHERE__DESTINATION_CALLABLE", "DESTINATION_CALLABLE"]) {
        expect(error.message).toContain(`Environment variables: ${key}\n`);
      }
      expect(error.message).toContain("config.toml: destination.nowhere.destination_callable");
      expect(error.message).toMatch(/\[destination\.nowhere\]\n\s+destination_callable = "\.\.\."/);
    });

    it("fails at configure() listing what it tried: missing module, missing export, not a sink", async () => {
      const missingFile = (await destinationFrom("a", { destinationCallable: "./no/such/file#x" })
        .configure(world.context())
        .catch((e: unknown) => e)) as Error;
      expect(missingFile).toBeInstanceOf(DestinationCallableNotFound);
      expect(missingFile.message).toContain('module file "./no/such/file"');
      expect(missingFile.message).toContain(`${path.join(world.projectDir, "no/such/file")}{,.ts,.mts,.cts,.js,.mjs,.cjs}`);

      const missingExport = (await destinationFrom("b", { destinationCallable: `${fixture}#nope` })
        .configure(world.context())
        .catch((e: unknown) => e)) as Error;
      expect(missingExport.message).toMatch(/has no export "nope" \(it exports: .*plainFunction/);

      const missingPackage = (await destinationFrom("c", { destinationCallable: "no-such-package-xyz#fn" })
        .configure(world.context())
        .catch((e: unknown) => e)) as Error;
      expect(missingPackage.message).toContain('import of "no-such-package-xyz" failed');

      world.env("DESTINATION__D__DESTINATION_CALLABLE", `${fixture}#notASink`);
      const notSink = (await destinationFrom("d").configure(world.context()).catch((e: unknown) => e)) as Error;
      expect(notSink.message).toContain(`config destination.d.destination_callable gave "${fixture}#notASink"`);
      expect(notSink.message).toContain("is a number, not a sink class, instance or function");
    });

    it("rejects a callable value that is not a sink at once", () => {
      expect(() => destinationFrom("x", { destinationCallable: 5 })).toThrow(InvalidSinkCallable);
    });
  });

  it("validates options where they are declared", () => {
    expect(() => destination(async (_: SinkItem[] | string) => {}, { batchSize: -1 })).toThrow(
      'Sink destination "sink": option batchSize must be an integer >= 0, got -1',
    );
    expect(() => destination({ loaderFileFormat: "csv" as never })).not.toThrow();
    expect(() => destination({ loaderFileFormat: "csv" as never })(UndecoratedClass)).toThrow(
      'option loaderFileFormat must be "jsonl" or "parquet", got "csv"',
    );
    expect(() => destination({ loaderParallelismStrategy: "random" as never })(UndecoratedClass)).toThrow(/loaderParallelismStrategy/);
  });
});
