import { homedir } from "node:os";
import { join, resolve } from "node:path";
import type { ConfigFileLocation } from "../error-messages.js";
import type { ConfigProvider } from "./config-provider.js";
import { EnvironProvider } from "./environ-provider.js";
import { TomlProvider } from "./toml-provider.js";

/** Options that choose where config comes from. */
export interface ProviderOptions {
  /**
   * Project dir holding `.env` and `.dlt/`. Default: env `DLT_PROJECT_DIR`, else the cwd.
   */
  projectDir?: string;
  /**
   * Environment to read. Default: `process.env` (snapshotted when the providers are created).
   * Also the source of `DLT_PROJECT_DIR` and `DLT_GLOBAL_DIR`.
   */
  env?: Readonly<Record<string, string | undefined>>;
}

/** The providers of one resolve, in lookup order, and the files they looked at. */
export interface ConfigProviders {
  readonly providers: readonly ConfigProvider[];
  readonly projectDir: string;
  /** The global dir (`~/.dlt`, or env `DLT_GLOBAL_DIR`). */
  readonly globalDir: string;
  /** `.env` and every TOML file looked for, in lookup order. */
  readonly files: readonly ConfigFileLocation[];
  readonly secretsTomlPath: string;
  readonly configTomlPath: string;
}

/** The project dir: the option, else env `DLT_PROJECT_DIR`, else the cwd. */
export function resolveProjectDir(projectDir?: string, env: Readonly<Record<string, string | undefined>> = process.env): string {
  return resolve(projectDir ?? env.DLT_PROJECT_DIR ?? process.cwd());
}

/** The global config dir: env `DLT_GLOBAL_DIR`, else `~/.dlt`. */
export function resolveGlobalDir(env: Readonly<Record<string, string | undefined>> = process.env): string {
  return resolve(env.DLT_GLOBAL_DIR ?? join(homedir(), ".dlt"));
}

/**
 * Builds the default providers, first hit wins: env vars (+ `<project>/.env`)
 * → `<project>/.dlt/secrets.toml` → `<project>/.dlt/config.toml` → global
 * `secrets.toml` → global `config.toml`. Files are read here, once.
 */
export function createConfigProviders(options: ProviderOptions = {}): ConfigProviders {
  const env = options.env ?? { ...process.env };
  const projectDir = resolveProjectDir(options.projectDir, env);
  const globalDir = resolveGlobalDir(env);
  const projectDlt = join(projectDir, ".dlt");
  const secretsTomlPath = join(projectDlt, "secrets.toml");
  const configTomlPath = join(projectDlt, "config.toml");

  const providers: ConfigProvider[] = [
    new EnvironProvider(env, join(projectDir, ".env")),
    new TomlProvider("secrets.toml", secretsTomlPath, true),
    new TomlProvider("config.toml", configTomlPath, false, secretsTomlPath),
  ];
  // When the project dir is the home dir, the global dir is the project's .dlt: read it once.
  if (globalDir !== projectDlt) {
    const globalSecrets = join(globalDir, "secrets.toml");
    providers.push(
      new TomlProvider("global secrets.toml", globalSecrets, true),
      new TomlProvider("global config.toml", join(globalDir, "config.toml"), false, globalSecrets),
    );
  }
  return {
    providers,
    projectDir,
    globalDir,
    files: providers.flatMap((p) => p.locations),
    secretsTomlPath,
    configTomlPath,
  };
}
