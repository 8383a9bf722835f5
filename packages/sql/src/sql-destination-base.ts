import {
  checkOptionNames,
  getFieldSpecs,
  type ConfiguredDestination,
  type Destination,
  type DestinationCapabilities,
  type DestinationContext,
  type ReplaceStrategy,
} from "@dlt-ts/core";
import { resolveSqlDestinationConfig } from "./sql-destination-config.js";

/** Options every SQL destination factory takes besides its config values. */
export interface SqlDestinationOptions {
  /** Config section under `destination.`. Default: the destination type. */
  destinationName?: string;
}

/**
 * The factory half of a SQL destination, written once: options given in code
 * are checked by name against the config spec (a typo is an error naming the
 * closest option), laid over config as explicit values at `configure()`, and
 * the resolved config is registered in the pipeline's container. A
 * destination supplies its type, spec, capabilities and `configured()`.
 *
 * @example
 * class PostgresDestination extends SqlDestinationBase<PostgresClientConfiguration, PostgresDestinationOptions, ConfiguredPostgres> {
 *   constructor(options: PostgresDestinationOptions = {}) { super("postgres", PostgresClientConfiguration, options); }
 *   capabilities() { return postgresCapabilities(); }
 *   protected configured(config, context, capabilities) { return new ConfiguredPostgres(config, context, capabilities); }
 * }
 */
export abstract class SqlDestinationBase<
  C extends { replaceStrategy: ReplaceStrategy },
  O extends SqlDestinationOptions,
  D extends ConfiguredDestination = ConfiguredDestination,
> implements Destination
{
  readonly destinationName: string;

  /**
   * @param codeOnlyOptions options that are not config values (an open
   *   driver instance, a pool factory): allowed in `options`, left out of the
   *   explicit config by {@link explicitConfig}'s default
   */
  protected constructor(
    readonly destinationType: string,
    private readonly spec: new () => C,
    readonly options: O,
    private readonly codeOnlyOptions: readonly string[] = [],
  ) {
    const configOptions = getFieldSpecs(spec).map((field) => String(field.propertyKey));
    checkOptionNames(options, [...configOptions, "destinationName", ...codeOnlyOptions], `${destinationType}(options)`);
    this.destinationName = options.destinationName ?? destinationType;
  }

  abstract capabilities(): DestinationCapabilities;

  /** Resolves the config under `destination.<name>` (options in code win) and builds the configured destination. */
  async configure(context: DestinationContext): Promise<D> {
    const capabilities = this.capabilities();
    const config = await resolveSqlDestinationConfig(this.spec, this.destinationName, context, this.explicitConfig(), capabilities);
    context.container?.registerInstance(this.spec, config);
    return this.configured(config, context, capabilities);
  }

  /** The options that are config values. Default: every option but `destinationName` and the code-only ones. */
  protected explicitConfig(): Record<string, unknown> {
    const skip = new Set(["destinationName", ...this.codeOnlyOptions]);
    return Object.fromEntries(Object.entries(this.options).filter(([key]) => !skip.has(key)));
  }

  /** The destination for one run, from its resolved config. */
  protected abstract configured(config: C, context: DestinationContext, capabilities: DestinationCapabilities): D;
}
