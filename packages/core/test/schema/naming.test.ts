import { namingConvention, SnakeCaseNamingConvention } from "@dlt-ts/core";
import { DirectNamingConvention } from "../../src/schema/naming/direct.js";
import { DuckCaseNamingConvention } from "../../src/schema/naming/duck-case.js";
import { EmptyIdentifierException, identifierTag } from "../../src/schema/naming/naming-convention.js";
import { UnknownNamingConventionException } from "../../src/schema/naming/naming-registry.js";

describe("snake_case naming", () => {
  const naming = new SnakeCaseNamingConvention();

  it.each([
    ["DealFlow", "deal_flow"],
    ["dealFlow", "deal_flow"],
    ["HTTPResponse", "http_response"],
    ["  spaced  ", "spaced"],
    ["1st_place", "_1st_place"],
    ["a-b", "a_b"],
    ["+1", "x1"],
    ["-1", "_1"],
    ["a*b", "axb"],
    ["user@host", "userahost"],
    ["a|b", "alb"],
    ["trailing_", "trailingx"],
    ["trailing__", "trailingxx"],
    ["many___underscores", "many_underscores"],
    ["ünïcödé key", "_n_c_d_key"],
    ["$price", "_price"],
  ])("normalizes %j to %j", (input, expected) => {
    expect(naming.normalizeIdentifier(input)).toBe(expected);
  });

  it("keeps the path separator when normalizing a path", () => {
    expect(naming.normalizePath("Payload__PullRequest")).toBe("payload__pull_request");
    expect(naming.normalizePath("payload__commits")).toBe("payload__commits");
  });

  it("refuses empty identifiers with a clear error", () => {
    expect(() => naming.normalizeIdentifier("   ")).toThrow(EmptyIdentifierException);
    expect(() => naming.normalizeIdentifier("")).toThrow("cannot normalize an empty identifier");
  });

  it("is case-insensitive", () => {
    expect(naming.isCaseSensitive).toBe(false);
  });
});

describe("identifier shortening", () => {
  it("shortens deterministically, placing a tag in the middle", () => {
    const naming = new SnakeCaseNamingConvention(20);
    const long = "a_very_long_column_name_that_does_not_fit";
    const first = naming.normalizeIdentifier(long);
    expect(first).toHaveLength(20);
    expect(new SnakeCaseNamingConvention(20).normalizeIdentifier(long)).toBe(first);
    const tag = identifierTag(long);
    expect(first).toContain(tag);
    expect(first.startsWith("a_very_")).toBe(true);
    expect(first.endsWith("_fit")).toBe(true);
  });

  it("gives different names to identifiers sharing a long prefix", () => {
    const naming = new SnakeCaseNamingConvention(30);
    const a = naming.normalizeIdentifier("payload__pull_request__head__repo__owner__avatar_url_a");
    const b = naming.normalizeIdentifier("payload__pull_request__head__repo__owner__avatar_url_b");
    expect(a).not.toBe(b);
    expect(a).toHaveLength(30);
  });

  it("leaves identifiers within the limit alone", () => {
    expect(new SnakeCaseNamingConvention(63).normalizeIdentifier("short")).toBe("short");
  });

  it("produces 6-character lower-case tags from [a-z0-9]", () => {
    expect(identifierTag("anything")).toMatch(/^[a-z0-9]{6}$/);
  });
});

describe("duck_case and direct naming", () => {
  it("duck_case keeps case and Unicode, replacing only newlines and quotes", () => {
    const naming = new DuckCaseNamingConvention();
    expect(naming.normalizeIdentifier("Emoji 💥 Name")).toBe("Emoji 💥 Name");
    expect(naming.normalizeIdentifier('a"b\nc')).toBe("a_b_c");
    expect(naming.isCaseSensitive).toBe(true);
  });

  it("direct keeps identifiers verbatim (trimmed), underscores included", () => {
    const naming = new DirectNamingConvention();
    expect(naming.normalizeIdentifier(" CamelCase__x ")).toBe("CamelCase__x");
  });
});

describe("naming registry", () => {
  it("builds conventions by name with a max length", () => {
    const naming = namingConvention("snake_case", 63);
    expect(naming.name).toBe("snake_case");
    expect(naming.maxLength).toBe(63);
  });

  it("names the known conventions when the name is unknown", () => {
    expect(() => namingConvention("kebab")).toThrow(UnknownNamingConventionException);
    expect(() => namingConvention("kebab")).toThrow(/Known: snake_case, duck_case, direct/);
  });
});
