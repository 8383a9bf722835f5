import type { TomlTable } from "smol-toml";
import type { ConfigFileLocation } from "../error-messages.js";
import { toDottedKey } from "../naming.js";
import type { ConfigProvider, ProviderHit } from "./config-provider.js";
import { readTomlFile } from "./toml-file.js";

function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** A `secrets.toml` or `config.toml` file, read once when the provider is created. */
export class TomlProvider implements ConfigProvider {
  readonly locations: readonly ConfigFileLocation[];
  private readonly table: TomlTable | undefined;

  /**
   * @param name provider name shown in traces ("secrets.toml", "global config.toml", ...)
   * @param path the file
   * @param supportsSecrets true for secrets.toml
   * @param secretsTomlPath for a config.toml: the secrets.toml next to it
   */
  constructor(
    readonly name: string,
    readonly path: string,
    readonly supportsSecrets: boolean,
    readonly secretsTomlPath?: string,
  ) {
    this.table = readTomlFile(path);
    this.locations = [{ path, found: this.table !== undefined }];
  }

  keyFor(path: readonly string[]): string {
    return toDottedKey(path);
  }

  get(path: readonly string[]): ProviderHit | undefined {
    let node: unknown = this.table;
    for (const part of path) {
      if (!isTable(node) || !Object.prototype.hasOwnProperty.call(node, part)) return undefined;
      node = node[part];
    }
    return node === undefined ? undefined : { value: node, location: `${this.path}: ${toDottedKey(path)}` };
  }
}
