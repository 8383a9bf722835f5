import { createHash } from "node:crypto";
import { DltException } from "../../common/dlt-exception.js";

/**
 * Maps source identifiers (JSON keys, resource names) to destination
 * identifiers. `maxLength` comes from the destination's capabilities;
 * identifiers beyond it are shortened with a deterministic hash tag.
 */
export interface NamingConvention {
  readonly name: string;
  readonly maxLength: number | undefined;
  readonly isCaseSensitive: boolean;
  /** Separator of nested paths: `events__payload__commits`. */
  readonly pathSeparator: string;
  normalizeIdentifier(identifier: string): string;
  /** Normalizes each segment of a `__` path and shortens the whole. */
  normalizePath(path: string): string;
  /** Joins already normalized segments into a path and shortens it. */
  shortenFragments(...fragments: string[]): string;
  /** Normalizes a table name (same rules as identifiers). */
  normalizeTableIdentifier(identifier: string): string;
}

/** Default probability that two shortened identifiers share a tag, as dlt's. */
const COLLISION_PROBABILITY = 0.001;

/**
 * A tag for an identifier: shake128 of the source identifier in base64,
 * lower-cased and reduced to [a-z0-9], sized for the collision probability.
 */
export function identifierTag(identifier: string, collisionProbability = COLLISION_PROBABILITY): string {
  // base64 lower-cased loses a bit per char, so 1.5× the bits of a plain birthday bound.
  const bytes = Math.floor((3 * Math.log2(1 / collisionProbability)) / 8) + 1;
  return createHash("shake128", { outputLength: bytes })
    .update(identifier, "utf8")
    .digest("base64")
    .replace(/=+$/, "")
    .replace(/\//g, "a")
    .replace(/\+/g, "b")
    .toLowerCase();
}

/** Shortens to `maxLength` by putting the tag of the source identifier in the middle. */
export function shortenIdentifier(normalized: string, source: string, maxLength: number | undefined): string {
  if (!maxLength || normalized.length <= maxLength) return normalized;
  const tag = identifierTag(source);
  const remaining = maxLength - tag.length;
  const head = Math.floor(remaining / 2) + (remaining % 2);
  const tail = Math.floor(remaining / 2);
  return normalized.slice(0, head) + tag + normalized.slice(normalized.length - tail);
}

export class EmptyIdentifierException extends DltException {
  constructor(convention: string) {
    super(`Naming convention ${convention} cannot normalize an empty identifier: give the field or table a name`);
  }
}

/**
 * Shared behaviour: trimming, path handling, shortening and a cache, so each
 * convention only says how one identifier is transformed.
 */
export abstract class NamingConventionBase implements NamingConvention {
  abstract readonly name: string;
  abstract readonly isCaseSensitive: boolean;
  readonly pathSeparator: string = "__";
  private readonly cache = new Map<string, string>();

  constructor(readonly maxLength: number | undefined = undefined) {}

  /** The convention's own transformation of one trimmed, non-empty identifier. */
  protected abstract transform(identifier: string): string;

  normalizeIdentifier(identifier: string): string {
    let normalized = this.cache.get(identifier);
    if (normalized === undefined) {
      const trimmed = identifier.trim();
      if (!trimmed) throw new EmptyIdentifierException(this.name);
      normalized = shortenIdentifier(this.transform(trimmed), trimmed, this.maxLength);
      this.cache.set(identifier, normalized);
    }
    return normalized;
  }

  normalizeTableIdentifier(identifier: string): string {
    return this.normalizeIdentifier(identifier);
  }

  normalizePath(path: string): string {
    const segments = path.split(this.pathSeparator).filter((s) => s.trim());
    const joined = segments.map((s) => this.normalizeIdentifier(s)).join(this.pathSeparator);
    return shortenIdentifier(joined, path, this.maxLength);
  }

  shortenFragments(...fragments: string[]): string {
    const joined = fragments.filter((f) => f.trim()).join(this.pathSeparator);
    return shortenIdentifier(joined, joined, this.maxLength);
  }
}
