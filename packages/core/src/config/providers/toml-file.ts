import { readFileSync, statSync } from "node:fs";
import { parse, TomlError, type TomlTable } from "smol-toml";
import { ConfigFileParseException } from "../exceptions.js";

interface CachedFile {
  readonly mtimeMs: number;
  readonly size: number;
  readonly table: TomlTable;
}

// Config files rarely change while a process runs: parse each once and only
// again when its mtime or size changes.
const cache = new Map<string, CachedFile>();

/**
 * Parses a TOML file, or returns undefined when it does not exist. Integers
 * beyond 2^53 become bigint (smol-toml would throw on them otherwise).
 *
 * @throws ConfigFileParseException when the file is not valid TOML
 */
export function readTomlFile(path: string): TomlTable | undefined {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    cache.delete(path);
    return undefined;
  }
  if (!stat.isFile()) return undefined;
  const cached = cache.get(path);
  if (cached && cached.mtimeMs === stat.mtimeMs && cached.size === stat.size) return cached.table;
  let table: TomlTable;
  try {
    table = parse(readFileSync(path, "utf8"), { integersAsBigInt: "asNeeded" });
  } catch (error) {
    if (error instanceof TomlError) {
      // Keep only the first line: smol-toml appends a code frame that can show a secret.
      throw new ConfigFileParseException(path, error.message.split("\n")[0] ?? "invalid TOML", error.line, error.column);
    }
    throw error;
  }
  cache.set(path, { mtimeMs: stat.mtimeMs, size: stat.size, table });
  return table;
}
