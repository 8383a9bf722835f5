import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  createDestination,
  defaultCapabilities,
  type Destination,
  type DestinationFactoryOptions,
  destinationPackageCandidates,
  findInstalledDestinations,
  registerDestination,
  registeredDestinations,
  resolveDestinationByName,
  UnknownDestinationException,
  unregisterDestination,
} from "@dlt-ts/core";
import { destinationNameOfPackage, InvalidDestinationFactoryException } from "../../src/destination/destination-registry.js";

function fakeDestination(type: string, options: DestinationFactoryOptions = {}): Destination {
  return {
    destinationType: type,
    destinationName: options.destinationName ?? type,
    capabilities: () => defaultCapabilities(),
    configure: () => Promise.reject(new Error("not used")),
  };
}

/** A project dir with a node_modules holding fake destination packages (package.json only). */
function projectWithPackages(packages: Record<string, Record<string, unknown>>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "dlt-ts-registry-"));
  for (const [name, manifest] of Object.entries(packages)) {
    const folder = path.join(dir, "node_modules", ...name.split("/"));
    mkdirSync(folder, { recursive: true });
    writeFileSync(path.join(folder, "package.json"), JSON.stringify({ name, version: "1.2.3", ...manifest }));
  }
  return dir;
}

afterEach(() => {
  for (const name of registeredDestinations()) unregisterDestination(name);
});

describe("names and packages", () => {
  test("a short name is looked up as @dlt-ts/destination-<name>, then dlt-ts-destination-<name>; a package name as itself", () => {
    expect(destinationPackageCandidates("sqlite")).toEqual(["@dlt-ts/destination-sqlite", "dlt-ts-destination-sqlite"]);
    expect(destinationPackageCandidates("@acme/dlt-ts-destination-foo")).toEqual(["@acme/dlt-ts-destination-foo"]);
    expect(destinationPackageCandidates("dlt-ts-destination-foo")).toEqual(["dlt-ts-destination-foo"]);
    expect(destinationNameOfPackage("@dlt-ts/destination-postgres")).toBe("postgres");
    expect(destinationNameOfPackage("dlt-ts-destination-sqlite")).toBe("sqlite");
    expect(destinationNameOfPackage("@acme/dlt-ts-destination-foo")).toBe("@acme/dlt-ts-destination-foo");
  });

  test("installed destinations are found in node_modules, the conformance kit and other packages are not", () => {
    const dir = projectWithPackages({
      "@dlt-ts/destination-postgres": {},
      "@dlt-ts/destination-tests": {},
      "@dlt-ts/core": {},
      "dlt-ts-destination-sqlite": {},
      "@acme/dlt-ts-destination-foo": {},
      "left-pad": {},
    });
    const found = findInstalledDestinations({ projectDir: dir }).filter((d) => d.path.startsWith(dir));
    expect(found.map((d) => [d.name, d.packageName, d.version])).toEqual([
      ["@acme/dlt-ts-destination-foo", "@acme/dlt-ts-destination-foo", "1.2.3"],
      ["postgres", "@dlt-ts/destination-postgres", "1.2.3"],
      ["sqlite", "dlt-ts-destination-sqlite", "1.2.3"],
    ]);
  });
});

describe("registered factories", () => {
  test("a registered factory wins over packages and gets destinationName when asked", async () => {
    registerDestination("postgres", (options) => fakeDestination("fake_pg", options));
    const made = await createDestination("postgres");
    expect(made.destinationType).toBe("fake_pg");
    const named = await createDestination("postgres", { destinationName: "my_pg" });
    expect(named.destinationName).toBe("my_pg");
  });

  test("a factory that ignores destinationName or returns no Destination is reported", async () => {
    registerDestination("stubborn", () => fakeDestination("stubborn"));
    await expect(createDestination("stubborn", { destinationName: "other" })).rejects.toThrow(InvalidDestinationFactoryException);
    await expect(createDestination("stubborn", { destinationName: "other" })).rejects.toThrow(
      'The factory of registered destination "stubborn" was asked for destinationName "other" but made "stubborn"',
    );
    registerDestination("broken", (() => ({ nope: 1 })) as never);
    await expect(createDestination("broken")).rejects.toThrow(
      'The factory of registered destination "broken" returned an object with keys [nope], not a Destination',
    );
  });

  test("names with spaces are refused", () => {
    expect(() => registerDestination("my dest", () => fakeDestination("x"))).toThrow('Destination name "my dest" is not valid');
  });
});

describe("named destinations from config", () => {
  test("destination.<name>.destination_type picks the type; the name becomes the config section", async () => {
    registerDestination("fake_type", (options) => fakeDestination("fake_type", options));
    const env = { DESTINATION__MY_DEST__DESTINATION_TYPE: "fake_type" };
    const made = await resolveDestinationByName("my_dest", { env, projectDir: os.tmpdir() });
    expect([made.destinationType, made.destinationName]).toEqual(["fake_type", "my_dest"]);
  });

  test("config.toml works too, and a pipeline-scoped key wins", async () => {
    registerDestination("type_a", (options) => fakeDestination("type_a", options));
    registerDestination("type_b", (options) => fakeDestination("type_b", options));
    const dir = mkdtempSync(path.join(os.tmpdir(), "dlt-ts-registry-toml-"));
    mkdirSync(path.join(dir, ".dlt"));
    writeFileSync(
      path.join(dir, ".dlt", "config.toml"),
      '[destination.warehouse]\ndestination_type = "type_a"\n\n[p2.destination.warehouse]\ndestination_type = "type_b"\n',
    );
    const a = await resolveDestinationByName("warehouse", { projectDir: dir, env: {} });
    const b = await resolveDestinationByName("warehouse", { projectDir: dir, env: {}, pipelineName: "p2" });
    expect([a.destinationType, a.destinationName]).toEqual(["type_a", "warehouse"]);
    expect([b.destinationType, b.destinationName]).toEqual(["type_b", "warehouse"]);
  });
});

describe("unknown names", () => {
  test("the error names what was tried, what is installed, and the install line", async () => {
    const dir = projectWithPackages({ "dlt-ts-destination-sqlite": {}, "@dlt-ts/destination-postgres": {} });
    const error = await resolveDestinationByName("sqlit", { projectDir: dir, env: {} }).catch((e: unknown) => e);
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
    expect(message).toContain("  - postgres (@dlt-ts/destination-postgres");
    expect(message).toContain("  - sqlite (dlt-ts-destination-sqlite 1.2.3)");
    expect(message).toContain('Did you mean "sqlite"?');
    expect(message).toContain('To fix it, install the package that provides "sqlit": npm install dlt-ts-destination-sqlit');
    expect(message).toContain("set destination.sqlit.destination_type (env DESTINATION__SQLIT__DESTINATION_TYPE)");
  });

  test("a first-party name suggests the @dlt-ts package, a full package name itself", async () => {
    registerDestination("other", () => fakeDestination("other"));
    const missing = await createDestination("@acme/dlt-ts-destination-nothing").catch((e: Error) => e.message);
    expect(missing).toContain("  - registered destinations: none named \"@acme/dlt-ts-destination-nothing\" (registered: other)");
    expect(missing).toContain("  - package @acme/dlt-ts-destination-nothing: not installed");
    expect(missing).toContain("npm install @acme/dlt-ts-destination-nothing");
  });
});
