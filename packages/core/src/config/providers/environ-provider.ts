import { existsSync, readFileSync } from "node:fs";
import { parse as parseDotenv } from "dotenv";
import type { ConfigFileLocation } from "../error-messages.js";
import { toEnvVarName } from "../naming.js";
import type { ConfigProvider, ProviderHit } from "./config-provider.js";

/**
 * Env vars, plus the project's `.env` file. A real env var always wins over
 * `.env` (as python-dotenv's default). `.env` is parsed through dotenv into a
 * private map rather than written into `process.env`, so resolving never
 * changes the process environment.
 */
export class EnvironProvider implements ConfigProvider {
  readonly name = "Environment variables";
  readonly supportsSecrets = true;
  readonly locations: readonly ConfigFileLocation[];
  private readonly dotenv: Record<string, string>;

  /**
   * @param env the environment to read (default: `process.env`, snapshotted now)
   * @param dotenvPath the `.env` file to read, if any
   */
  constructor(
    private readonly env: Readonly<Record<string, string | undefined>> = { ...process.env },
    private readonly dotenvPath?: string,
  ) {
    const found = dotenvPath !== undefined && existsSync(dotenvPath);
    this.dotenv = found ? parseDotenv(readFileSync(dotenvPath)) : {};
    this.locations = dotenvPath ? [{ path: dotenvPath, found }] : [];
  }

  keyFor(path: readonly string[]): string {
    return toEnvVarName(path);
  }

  get(path: readonly string[]): ProviderHit | undefined {
    const name = toEnvVarName(path);
    const value = this.env[name];
    if (value !== undefined) return { value, location: name };
    const fromFile = this.dotenv[name];
    if (fromFile !== undefined) return { value: fromFile, location: `${name} in ${this.dotenvPath}` };
    return undefined;
  }
}
