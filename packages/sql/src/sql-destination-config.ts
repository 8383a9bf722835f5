import {
  DestinationTerminalException,
  resolveConfig,
  type DestinationCapabilities,
  type DestinationContext,
  type ReplaceStrategy,
} from "@dlt-ts/core";

/**
 * Resolves a SQL destination's config spec from `destination.<name>.*` (the
 * options given in code win over env vars and TOML) and checks the replace
 * strategy against what the destination supports, so a wrong value fails
 * before any work starts.
 */
export async function resolveSqlDestinationConfig<T extends { replaceStrategy: ReplaceStrategy }>(
  spec: new () => T,
  destinationName: string,
  context: DestinationContext,
  explicit: Record<string, unknown>,
  capabilities: DestinationCapabilities,
): Promise<T> {
  const config = await resolveConfig(spec, {
    sections: ["destination", destinationName],
    pipelineName: context.pipelineName,
    ...(context.projectDir ? { projectDir: context.projectDir } : {}),
    ...(context.providers ? { providers: context.providers } : {}),
    explicit: explicit as never,
  });
  const strategies = capabilities.supportedReplaceStrategies;
  if (!strategies.includes(config.replaceStrategy)) {
    throw new DestinationTerminalException(
      `replace_strategy "${config.replaceStrategy}" is not one of ${strategies.join(", ")} (destination.${destinationName}.replace_strategy)`,
    );
  }
  return config;
}
