import { DltException, type Destination } from "@dlt-ts/core";
import { toSinkDestination } from "@dlt-ts/loader";

/**
 * What `pipeline({ destination })` accepts: a Destination (e.g. `postgres({...})`),
 * a destination name ("postgres", "duckdb", a third-party "foo"), a class
 * decorated with `@destination` or an instance of one, or a sink made by
 * `destination(fn)` / `destinationFrom(...)`.
 */
export type DestinationReference = Destination | string | object;

export class UnknownDestinationException extends DltException {
  constructor(name: string, tried: string[], causes: string[]) {
    super(
      `Destination "${name}" could not be resolved. Tried, in order:\n` +
        tried.map((t, i) => `  - ${t}: ${causes[i] ?? "not found"}`).join("\n") +
        `\nInstall the package that provides it, e.g. npm install @dlt-ts/destination-${name}`,
    );
  }
}

export function isDestination(value: unknown): value is Destination {
  return (
    value !== null &&
    typeof value === "object" &&
    typeof (value as Destination).configure === "function" &&
    typeof (value as Destination).capabilities === "function" &&
    typeof (value as Destination).destinationType === "string"
  );
}

/** Package names a destination name may come from, in lookup order. */
export function destinationPackageCandidates(name: string): string[] {
  if (name.startsWith("@") || name.includes("/")) return [name];
  return [`@dlt-ts/destination-${name}`, `dlt-ts-destination-${name}`];
}

/** Resolves a reference to a Destination, importing destination packages by name. */
export async function resolveDestination(reference: DestinationReference): Promise<Destination> {
  if (isDestination(reference)) return reference;
  if (typeof reference === "string") return importDestination(reference);
  const sink = toSinkDestination(reference);
  if (sink) return sink;
  throw new DltException(
    "The destination given to pipeline() is not one dlt-ts knows: pass a destination name (\"postgres\"), " +
      "a destination factory result (postgres({...})), a class decorated with @destination, or destination(fn)",
  );
}

async function importDestination(name: string): Promise<Destination> {
  const tried = destinationPackageCandidates(name);
  const causes: string[] = [];
  for (const packageName of tried) {
    let module: Record<string, unknown>;
    try {
      module = (await import(packageName)) as Record<string, unknown>;
    } catch (error) {
      causes.push((error as NodeJS.ErrnoException).code === "MODULE_NOT_FOUND" ? "not installed" : (error as Error).message);
      continue;
    }
    const factory = [module.default, module[camelCase(name)], module.destination].find((f) => typeof f === "function");
    if (factory) {
      const made = (factory as () => unknown)();
      if (isDestination(made)) return made;
    }
    causes.push("installed, but exports no destination factory (default export or a function named after the destination)");
  }
  throw new UnknownDestinationException(name, tried, causes);
}

function camelCase(name: string): string {
  return name.replace(/[-_]([a-z])/g, (_m, c: string) => c.toUpperCase());
}
