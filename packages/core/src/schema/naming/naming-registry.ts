import { DltException } from "../../common/dlt-exception.js";
import type { NamingConvention } from "./naming-convention.js";
import { SnakeCaseNamingConvention } from "./snake-case.js";
import { DuckCaseNamingConvention } from "./duck-case.js";
import { DirectNamingConvention } from "./direct.js";

type NamingFactory = (maxLength?: number) => NamingConvention;

const conventions = new Map<string, NamingFactory>([
  ["snake_case", (n): NamingConvention => new SnakeCaseNamingConvention(n)],
  ["duck_case", (n): NamingConvention => new DuckCaseNamingConvention(n)],
  ["direct", (n): NamingConvention => new DirectNamingConvention(n)],
]);

/** Registers a custom naming convention under a name usable in schema settings. */
export function registerNamingConvention(name: string, factory: NamingFactory): void {
  conventions.set(name, factory);
}

export class UnknownNamingConventionException extends DltException {
  constructor(name: string) {
    super(
      `Unknown naming convention "${name}". Known: ${[...conventions.keys()].join(", ")}. ` +
        `Register your own with registerNamingConvention("${name}", factory).`,
    );
  }
}

export function namingConvention(name: string, maxLength?: number): NamingConvention {
  const factory = conventions.get(name);
  if (!factory) throw new UnknownNamingConventionException(name);
  return factory(maxLength);
}
