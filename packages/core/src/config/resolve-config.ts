import { createConfigProviders, type ConfigProviders, type ProviderOptions } from "./providers/config-providers.js";
import { specSections } from "./spec-metadata.js";
import { fillSpec, throwIfMissing, type ExplicitValues, type ResolveScope } from "./spec-resolver.js";

/** Options of `resolveConfig` and `injectConfig`. */
export interface ResolveConfigOptions<T = unknown> extends ProviderOptions {
  /** Sections to look keys up under, e.g. `["destination", "my_api"]`. Default: the `@configSpec({ section })`, else none. */
  sections?: readonly string[];
  /** Pipeline name, tried as the outermost section first. Default: none. */
  pipelineName?: string;
  /** Values given in code, by property name or key; they win over every provider. Default: none. */
  explicit?: ExplicitValues<T>;
  /** Providers already created (files read) to reuse. Default: new ones from `projectDir` / `env`. */
  providers?: ConfigProviders;
}

/** The scope of one resolve: providers are created (and files read) here, once. */
export function createScope(options: Omit<ResolveConfigOptions, "explicit">, cls: object): ResolveScope {
  return {
    providers: options.providers ?? createConfigProviders(options),
    sections: options.sections ?? specSections(cls),
    embedded: [],
    pipelineName: options.pipelineName,
    missing: [],
  };
}

/**
 * Fills the `@config`/`@secret` properties of an existing instance; its
 * current property values act as defaults.
 *
 * @throws ConfigFieldMissingException listing every missing required value
 */
export async function injectConfig<T extends object>(instance: T, options: ResolveConfigOptions<T> = {}): Promise<T> {
  const cls = instance.constructor as { prototype: object; name: string };
  const scope = createScope(options, cls);
  fillSpec(instance, cls, options.explicit, scope);
  throwIfMissing(scope, cls.name);
  (instance as Partial<OnResolved>).onResolved?.();
  return instance;
}

/**
 * A spec class may check its values once they are all resolved (dlt's
 * `on_resolved`): throw a ConfigurationException naming the key to reject a
 * combination that each value alone cannot.
 */
export interface OnResolved {
  onResolved(): void;
}

/**
 * Creates a config spec instance and fills it: explicit values → env vars
 * (and `.env`) → `.dlt/secrets.toml` → `.dlt/config.toml` → global
 * `~/.dlt/secrets.toml` → global `~/.dlt/config.toml`; property initializers
 * are the defaults.
 *
 * @throws ConfigFieldMissingException listing every missing required value
 * @example
 * @configSpec()
 * class MyApiConfig { @secret() apiKey!: string; @config() timeoutMs = 5000; }
 * const cfg = await resolveConfig(MyApiConfig, { sections: ["destination", "my_api"], pipelineName: "p1" });
 */
export async function resolveConfig<T extends object>(cls: new () => T, options: ResolveConfigOptions<T> = {}): Promise<T> {
  return injectConfig(new cls(), options);
}
