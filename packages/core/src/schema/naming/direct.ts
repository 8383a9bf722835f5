import { NamingConventionBase } from "./naming-convention.js";

/**
 * Case-sensitive and nearly verbatim: identifiers are only trimmed and
 * shortened; underscores are not contracted. The default for sinks.
 */
export class DirectNamingConvention extends NamingConventionBase {
  readonly name = "direct";
  readonly isCaseSensitive = true;

  protected transform(identifier: string): string {
    return identifier;
  }
}
