import "reflect-metadata";
import { container as rootContainer, type DependencyContainer } from "tsyringe";
import type { Constructor } from "./field-spec.js";
import { injectConfig, type ResolveConfigOptions } from "./resolve-config.js";

/** DI token of the pipeline name in a pipeline container. */
export const PIPELINE_NAME = Symbol.for("dlt-ts:di:pipeline-name");

/**
 * A tsyringe child container for one pipeline: registrations made in it (a
 * destination, a config instance) do not leak into other pipelines.
 * The pipeline name is registered under `PIPELINE_NAME`.
 *
 * @param pipelineName default: none (nothing registered)
 * @param parent default: tsyringe's root container
 */
export function createPipelineContainer(pipelineName?: string, parent: DependencyContainer = rootContainer): DependencyContainer {
  const child = parent.createChildContainer();
  if (pipelineName !== undefined) child.registerInstance(PIPELINE_NAME, pipelineName);
  return child;
}

/** Options of `resolveInstance`. */
export interface ResolveInstanceOptions<T> extends ResolveConfigOptions<T> {
  /** Container to construct through. Default: a new `createPipelineContainer(pipelineName)`. */
  container?: DependencyContainer;
}

function construct<T>(container: DependencyContainer, cls: Constructor<T>): T {
  try {
    return container.resolve(cls);
  } catch (error) {
    // tsyringe only builds classes with a zero-arity constructor or @injectable();
    // a class whose constructor takes optional user options (new MyDestination({ apiKey }))
    // is built directly, like its user would.
    if (error instanceof Error && error.message.startsWith("TypeInfo not known")) return new cls();
    throw error;
  }
}

/**
 * Constructs a class through a (pipeline) container, then fills its
 * `@config`/`@secret` properties: explicit values win, then providers, then
 * the property initializers. `@configSpec` is not needed.
 *
 * @throws ConfigFieldMissingException listing every missing required value
 * @example
 * class MyDestination { @secret() apiKey!: string; @config() baseUrl = "https://api.example.com"; }
 * const dest = await resolveInstance(MyDestination, { sections: ["destination", "my_destination"], pipelineName: "p1" });
 */
export async function resolveInstance<T extends object>(cls: Constructor<T>, options: ResolveInstanceOptions<T> = {}): Promise<T> {
  const container = options.container ?? createPipelineContainer(options.pipelineName);
  const pipelineName =
    options.pipelineName ?? (container.isRegistered(PIPELINE_NAME, true) ? container.resolve<string>(PIPELINE_NAME) : undefined);
  const instance = construct(container, cls);
  return injectConfig(instance, { ...options, pipelineName });
}
