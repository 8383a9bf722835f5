import { existsSync, readFileSync, readdirSync } from "node:fs";
import * as path from "node:path";
import { closestName } from "../common/closest-name.js";
import { DltException } from "../common/dlt-exception.js";
import { resolveValue } from "../config/resolve-value.js";
import type { Destination } from "./destination.js";

/**
 * Options every destination factory accepts (besides its own). A factory
 * given `destinationName` must use it as the config section
 * (`destination.<destinationName>.*`) and report it as `destinationName`:
 * that is how named destinations (`destination.my_pg.destination_type =
 * "postgres"`) get their own credentials.
 */
export interface DestinationFactoryOptions {
  /** Config section under `destination.`. Default: the destination type. */
  destinationName?: string;
}

/**
 * Makes a destination: what `registerDestination` takes and what a
 * destination package exports (its default export, or the export its
 * package.json names in `"dlt-ts": { "destination": "<exportName>" }`).
 */
export type DestinationFactory = (options?: DestinationFactoryOptions) => Destination;

/** A destination package found in a `node_modules` folder. */
export interface InstalledDestination {
  /** The name to use in `pipeline({ destination })`: `postgres`, `sqlite`, or the full package name for other scopes. */
  name: string;
  packageName: string;
  version?: string;
  /** Folder of the package. */
  path: string;
}

/** Where a name was looked for, and what was found there. */
export interface DestinationLookupAttempt {
  /** `registered destinations`, `package dlt-ts-destination-x`, `config destination.x.destination_type`. */
  where: string;
  outcome: string;
}

/** Options of {@link resolveDestinationByName}. */
export interface ResolveDestinationOptions {
  /** Tried as the outermost config section first when looking up `destination_type`. Default: none. */
  pipelineName?: string;
  /** Dir holding `.dlt/` (cwd by default); also where installed packages are searched from. */
  projectDir?: string;
  /** Environment to read config from. Default: `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
}

/** Names dlt-ts itself publishes as `@dlt-ts/destination-<name>`: the install hint names those packages. */
const FIRST_PARTY_DESTINATIONS = ["postgres", "duckdb", "mssql", "sink", "filesystem"];
/** `@dlt-ts/destination-*` packages that are not destinations. */
const NOT_DESTINATIONS = new Set(["@dlt-ts/destination-tests"]);
const SCOPED_PREFIX = "@dlt-ts/destination-";
const THIRD_PARTY_PREFIX = "dlt-ts-destination-";

/**
 * The registry lives on `globalThis` under a `Symbol.for` key so that two
 * copies of @dlt-ts/core in one process (a destination package with its own
 * nested copy) still share it.
 */
const REGISTRY_KEY = Symbol.for("dlt-ts:destination-registry");

function registry(): Map<string, DestinationFactory> {
  const holder = globalThis as unknown as Record<symbol, Map<string, DestinationFactory> | undefined>;
  return (holder[REGISTRY_KEY] ??= new Map());
}

/** Raised when a destination name resolves to nothing. The message lists what was tried, what is installed and the fix. */
export class UnknownDestinationException extends DltException {
  constructor(
    readonly destinationName: string,
    readonly attempts: DestinationLookupAttempt[],
    readonly installed: InstalledDestination[],
  ) {
    super(unknownDestinationMessage(destinationName, attempts, installed));
  }
}

/** A package or registered factory was found but does not make a usable Destination. */
export class InvalidDestinationFactoryException extends DltException {}

/**
 * Registers a factory under a name, so `pipeline({ destination: name })`
 * finds it before any package. Registering a name again replaces the factory.
 *
 * @example
 * import { registerDestination } from "dlt-ts";
 * import { sqlite } from "dlt-ts-destination-sqlite";
 * registerDestination("local_sqlite", (options) => sqlite({ credentials: "data/local.sqlite", ...options }));
 * pipeline({ pipelineName: "p", destination: "local_sqlite" });
 */
export function registerDestination(name: string, factory: DestinationFactory): void {
  if (!name || /\s/.test(name)) throw new DltException(`Destination name "${name}" is not valid: use a non-empty name without spaces`);
  if (typeof factory !== "function") throw new DltException(`registerDestination("${name}", ...) needs a factory function`);
  registry().set(name, factory);
}

/** Removes a registered factory; returns whether there was one. */
export function unregisterDestination(name: string): boolean {
  return registry().delete(name);
}

/** Names of the registered factories, sorted. */
export function registeredDestinations(): string[] {
  return [...registry().keys()].sort();
}

/** True for objects shaped like a Destination (a factory's result). */
export function isDestination(value: unknown): value is Destination {
  return (
    value !== null &&
    typeof value === "object" &&
    typeof (value as Destination).configure === "function" &&
    typeof (value as Destination).capabilities === "function" &&
    typeof (value as Destination).destinationType === "string"
  );
}

/** True when `name` is a whole package name rather than a short destination name. */
function isPackageName(name: string): boolean {
  return name.startsWith("@") || name.includes("/") || name.startsWith(THIRD_PARTY_PREFIX);
}

/**
 * Package names a destination name may come from, in lookup order:
 * `@dlt-ts/destination-<name>`, then `dlt-ts-destination-<name>`. A full
 * package name (`@acme/dlt-ts-destination-foo`, `dlt-ts-destination-foo`) is its only candidate.
 */
export function destinationPackageCandidates(name: string): string[] {
  if (isPackageName(name)) return [name];
  return [`${SCOPED_PREFIX}${name}`, `${THIRD_PARTY_PREFIX}${name}`];
}

/** The name `pipeline({ destination })` takes for a package: `postgres` for `@dlt-ts/destination-postgres`, `sqlite` for `dlt-ts-destination-sqlite`, else the package name. */
export function destinationNameOfPackage(packageName: string): string {
  if (packageName.startsWith(SCOPED_PREFIX)) return packageName.slice(SCOPED_PREFIX.length);
  if (packageName.startsWith(THIRD_PARTY_PREFIX)) return packageName.slice(THIRD_PARTY_PREFIX.length);
  return packageName;
}

/**
 * Resolves a destination name to a Destination:
 *
 * 1. When config sets `destination.<name>.destination_type` (e.g. env
 *    `DESTINATION__MY_PG__DESTINATION_TYPE=postgres`), that type is created with
 *    `destinationName: <name>`, so its config and credentials come from
 *    `destination.<name>.*`.
 * 2. Otherwise the name itself is the type, looked up in order: a factory
 *    registered with {@link registerDestination}, the package
 *    `@dlt-ts/destination-<name>`, the package `dlt-ts-destination-<name>`, or
 *    the package named in full (`@acme/dlt-ts-destination-foo`).
 *
 * @throws UnknownDestinationException listing what was tried, the destinations
 *   installed and the `npm install` line that fixes it
 */
export async function resolveDestinationByName(name: string, options: ResolveDestinationOptions = {}): Promise<Destination> {
  const configured = await configuredDestinationType(name, options);
  if (configured && configured !== name) {
    return createFrom(configured, { destinationName: name }, options, [
      { where: `config destination.${name}.destination_type`, outcome: `"${configured}"` },
    ]);
  }
  const configAttempt: DestinationLookupAttempt = {
    where: `config destination.${name}.destination_type`,
    outcome: configured ? `"${configured}" (the name itself)` : "not set",
  };
  return createFrom(name, {}, options, [], configAttempt);
}

/**
 * Creates a destination of type `type` (registered name, short name or
 * package name) with the given factory options, without reading config.
 *
 * @example
 * const d = await createDestination("postgres", { destinationName: "my_pg" }); // config section destination.my_pg
 */
export function createDestination(
  type: string,
  factoryOptions: DestinationFactoryOptions = {},
  options: ResolveDestinationOptions = {},
): Promise<Destination> {
  return createFrom(type, factoryOptions, options, []);
}

async function createFrom(
  type: string,
  factoryOptions: DestinationFactoryOptions,
  options: ResolveDestinationOptions,
  earlier: DestinationLookupAttempt[],
  trailing?: DestinationLookupAttempt,
): Promise<Destination> {
  const attempts = [...earlier];
  const registered = registry().get(type);
  if (registered) return checkMade(registered(withName(factoryOptions)), `registered destination "${type}"`, factoryOptions);
  const others = registeredDestinations();
  attempts.push({
    where: "registered destinations",
    outcome: others.length ? `none named "${type}" (registered: ${others.join(", ")})` : "none registered",
  });
  const searchRoots = searchRootsFor(options.projectDir);
  for (const packageName of destinationPackageCandidates(type)) {
    const made = await fromPackage(packageName, type, factoryOptions, searchRoots);
    if ("destination" in made) return made.destination;
    attempts.push({ where: `package ${packageName}`, outcome: made.problem });
  }
  if (trailing) attempts.push(trailing);
  throw new UnknownDestinationException(type, attempts, findInstalledDestinations({ projectDir: options.projectDir }));
}

function withName(factoryOptions: DestinationFactoryOptions): DestinationFactoryOptions | undefined {
  return factoryOptions.destinationName === undefined ? undefined : factoryOptions;
}

function checkMade(made: unknown, what: string, factoryOptions: DestinationFactoryOptions): Destination {
  if (!isDestination(made)) {
    throw new InvalidDestinationFactoryException(
      `The factory of ${what} returned ${describe(made)}, not a Destination (an object with destinationType, capabilities() and configure())`,
    );
  }
  const wanted = factoryOptions.destinationName;
  if (wanted !== undefined && made.destinationName !== wanted) {
    throw new InvalidDestinationFactoryException(
      `The factory of ${what} was asked for destinationName "${wanted}" but made "${made.destinationName}": ` +
        `a factory must accept { destinationName } and use it as its config section`,
    );
  }
  return made;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "object") return `an object with keys [${Object.keys(value as object).join(", ")}]`;
  return typeof value;
}

type PackageOutcome = { destination: Destination } | { problem: string };

async function fromPackage(
  packageName: string,
  type: string,
  factoryOptions: DestinationFactoryOptions,
  searchRoots: string[],
): Promise<PackageOutcome> {
  const manifest = findPackageManifest(packageName, searchRoots);
  let module: Record<string, unknown>;
  try {
    module = (await import(packageName)) as Record<string, unknown>;
  } catch (error) {
    if (isMissingPackage(error, packageName)) return { problem: "not installed" };
    return { problem: `installed, but importing it failed: ${(error as Error).message}` };
  }
  const declared = manifest ? declaredExport(manifest) : undefined;
  const factory = factoryOf(module, type, declared);
  if (typeof factory === "string") return { problem: factory };
  return { destination: checkMade(await factory(withName(factoryOptions)), `package ${packageName}`, factoryOptions) };
}

/**
 * The factory of a destination module: the export named by the package.json
 * `dlt-ts.destination` field, else the default export (also through CommonJS
 * interop), else an export named after the destination (`sqlite`) or `destination`.
 * Returns the problem as text when there is none.
 */
function factoryOf(module: Record<string, unknown>, type: string, declared: string | undefined): DestinationFactory | string {
  const interop = typeof module.default === "object" && module.default !== null ? (module.default as Record<string, unknown>) : undefined;
  if (declared !== undefined) {
    const named = module[declared] ?? interop?.[declared];
    if (typeof named === "function") return named as DestinationFactory;
    return `installed, but its package.json names "${declared}" as the destination factory ("dlt-ts": { "destination": "${declared}" }) and the module has no such function`;
  }
  const shortName = destinationNameOfPackage(type);
  const candidates = [module.default, interop?.default, module[camelCase(shortName)], module.destination];
  const factory = candidates.find((candidate) => typeof candidate === "function");
  if (factory) return factory as DestinationFactory;
  return 'installed, but exports no destination factory (a default export, or an export named in package.json "dlt-ts": { "destination": "<exportName>" })';
}

function camelCase(name: string): string {
  return name.replace(/[-_]([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

/** True when `error` says `packageName` itself is missing (not one of its own dependencies). */
function isMissingPackage(error: unknown, packageName: string): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const message = String((error as Error | undefined)?.message ?? "");
  if (code !== "MODULE_NOT_FOUND" && code !== "ERR_MODULE_NOT_FOUND" && !/Cannot find module|Could not locate module/.test(message)) return false;
  return message.includes(`'${packageName}'`) || message.includes(`"${packageName}"`) || message.includes(`module ${packageName} `);
}

/** `"dlt-ts": { "destination": "<exportName>" }` of a package.json. */
function declaredExport(manifest: PackageManifest): string | undefined {
  const field = manifest.json["dlt-ts"];
  if (typeof field !== "object" || field === null) return undefined;
  const exportName = (field as Record<string, unknown>).destination;
  return typeof exportName === "string" && exportName ? exportName : undefined;
}

interface PackageManifest {
  dir: string;
  json: Record<string, unknown>;
}

/** Folders whose `node_modules` (and those of every parent) are searched: the project dir, then where core itself is installed. */
function searchRootsFor(projectDir: string | undefined): string[] {
  return [...new Set([path.resolve(projectDir ?? process.cwd()), __dirname])];
}

/** Every `node_modules` folder from `start` up to the file system root. */
function nodeModulesDirs(start: string): string[] {
  const dirs: string[] = [];
  let current = path.resolve(start);
  for (;;) {
    const candidate = path.join(current, "node_modules");
    if (existsSync(candidate)) dirs.push(candidate);
    const parent = path.dirname(current);
    if (parent === current) return dirs;
    current = parent;
  }
}

function findPackageManifest(packageName: string, searchRoots: string[]): PackageManifest | undefined {
  for (const root of searchRoots) {
    for (const dir of nodeModulesDirs(root)) {
      const manifest = readManifest(path.join(dir, packageName));
      if (manifest) return manifest;
    }
  }
  return undefined;
}

function readManifest(dir: string): PackageManifest | undefined {
  const file = path.join(dir, "package.json");
  if (!existsSync(file)) return undefined;
  try {
    return { dir, json: JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown> };
  } catch {
    return undefined;
  }
}

/**
 * Destination packages installed where this project (and @dlt-ts/core) can
 * import them from: `@dlt-ts/destination-*`, `dlt-ts-destination-*` and
 * `@<scope>/dlt-ts-destination-*` in every `node_modules` from the project
 * dir upwards. The nearest copy of a package wins.
 */
export function findInstalledDestinations(options: { projectDir?: string } = {}): InstalledDestination[] {
  const found = new Map<string, InstalledDestination>();
  const add = (packageName: string, dir: string) => {
    if (found.has(packageName) || NOT_DESTINATIONS.has(packageName)) return;
    const manifest = readManifest(dir);
    if (!manifest) return;
    const version = typeof manifest.json.version === "string" ? manifest.json.version : undefined;
    found.set(packageName, { name: destinationNameOfPackage(packageName), packageName, ...(version ? { version } : {}), path: dir });
  };
  for (const root of searchRootsFor(options.projectDir)) {
    for (const nodeModules of nodeModulesDirs(root)) {
      for (const entry of safeReaddir(nodeModules)) {
        if (entry.startsWith(THIRD_PARTY_PREFIX)) add(entry, path.join(nodeModules, entry));
        if (!entry.startsWith("@")) continue;
        for (const scoped of safeReaddir(path.join(nodeModules, entry))) {
          const packageName = `${entry}/${scoped}`;
          if (packageName.startsWith(SCOPED_PREFIX) || scoped.startsWith(THIRD_PARTY_PREFIX)) add(packageName, path.join(nodeModules, entry, scoped));
        }
      }
    }
  }
  return [...found.values()].sort((a, b) => a.name.localeCompare(b.name));
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** `destination.<name>.destination_type` from env / TOML (exact key; only the pipeline-name prefix is tried in addition). */
async function configuredDestinationType(name: string, options: ResolveDestinationOptions): Promise<string | undefined> {
  if (isPackageName(name)) return undefined;
  const found = await resolveValue<string>("destination_type", {
    embeddedSections: ["destination", name],
    ...(options.pipelineName ? { pipelineName: options.pipelineName } : {}),
    ...(options.projectDir ? { projectDir: options.projectDir } : {}),
    ...(options.env ? { env: options.env } : {}),
    type: String,
  });
  return found.found && found.value ? found.value : undefined;
}

/** The text of {@link UnknownDestinationException}. */
export function unknownDestinationMessage(name: string, attempts: DestinationLookupAttempt[], installed: InstalledDestination[]): string {
  const lines = [`Destination "${name}" could not be resolved. Tried, in order:`];
  for (const attempt of attempts) lines.push(`  - ${attempt.where}: ${attempt.outcome}`);
  if (installed.length === 0) {
    lines.push("Installed destinations found: none");
  } else {
    lines.push("Installed destinations found:");
    for (const d of installed) lines.push(`  - ${d.name} (${d.packageName}${d.version ? ` ${d.version}` : ""})`);
  }
  const close = closestName(name, [...installed.map((d) => d.name), ...registeredDestinations()]);
  if (close) lines.push(`Did you mean "${close}"?`);
  lines.push(`To fix it, install the package that provides "${name}": ${installHint(name)}`);
  if (!isPackageName(name)) {
    lines.push(
      `or, to use an installed destination under the name "${name}", set destination.${name}.destination_type ` +
        `(env DESTINATION__${name.toUpperCase()}__DESTINATION_TYPE), or register a factory with registerDestination("${name}", factory).`,
    );
  }
  return lines.join("\n");
}

function installHint(name: string): string {
  if (isPackageName(name)) return `npm install ${name}`;
  if (FIRST_PARTY_DESTINATIONS.includes(name)) return `npm install ${SCOPED_PREFIX}${name}`;
  return `npm install ${THIRD_PARTY_PREFIX}${name}`;
}
