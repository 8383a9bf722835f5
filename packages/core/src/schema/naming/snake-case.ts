import { NamingConventionBase } from "./naming-convention.js";

const REDUCE_ALPHABET: Record<string, string> = { "+": "x", "-": "_", "*": "x", "@": "a", "|": "l" };

/**
 * dlt's default: case-insensitive lower-case snake_case over [a-z0-9_].
 * `+`/`*` → x, `-` → _, `@` → a, `|` → l; other characters become `_`;
 * a leading digit gets a `_` prefix; runs of `_` collapse to one; trailing
 * `_` become `x` (so a name never ends in the path separator).
 */
export class SnakeCaseNamingConvention extends NamingConventionBase {
  readonly name: string = "snake_case";
  readonly isCaseSensitive: boolean = false;

  protected transform(identifier: string): string {
    let s = identifier.replace(/[+\-*@|]/g, (c) => REDUCE_ALPHABET[c]!);
    s = s.replace(/[^a-zA-Z0-9_]+/g, "_");
    s = s.replace(/([^_])([A-Z][a-z]+)/g, "$1_$2");
    s = s.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();
    if (/^\d/.test(s)) s = `_${s}`;
    const stripped = s.replace(/_+$/, "");
    s = stripped + "x".repeat(s.length - stripped.length);
    return s.replace(/__+/g, "_");
  }
}
