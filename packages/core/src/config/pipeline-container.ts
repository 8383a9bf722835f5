import "reflect-metadata";
import { container as rootContainer, injectable, type DependencyContainer } from "tsyringe";
import { CONSTRUCTOR_INJECTION_KEY } from "../metadata-keys.js";
import type { Constructor } from "./field-spec.js";
import { constructInContainer } from "./inject.js";
import { injectConfig, type ResolveConfigOptions } from "./resolve-config.js";

/** DI token of the pipeline name in a pipeline container. */
export const PIPELINE_NAME = Symbol.for("dlt-ts:di:pipeline-name");

/** DI token of the {@link PipelineContext} in a pipeline container. */
export const PIPELINE_CONTEXT = Symbol.for("dlt-ts:di:pipeline-context");

/** What a destination class may ask the pipeline's container for (`inject(PIPELINE_CONTEXT)`). */
export interface PipelineContext {
  readonly pipelineName: string;
  readonly datasetName: string;
  readonly workingDir: string;
  /** Dir holding `.dlt/`. */
  readonly projectDir: string | undefined;
  /** The pipeline state as of the start of the run (read-only: the pipeline owns it). */
  readonly state: Readonly<Record<string, unknown>>;
  /** Prints to stderr with the pipeline's name; what the `[runtime] log_level` lets through. */
  readonly logger: PipelineLogger;
}

/** The pipeline's logger. */
export interface PipelineLogger {
  info(message: string): void;
  warn(message: string): void;
}

/** tsyringe keeps `@inject(token)` parameter tokens under this key (tsyringe/src/reflection-helpers.ts). */
const TSYRINGE_INJECTION_TOKENS = "injectionTokens";

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

function isInjectableType(type: unknown): boolean {
  return typeof type === "function" && ![Object, String, Number, Boolean, Array, Function, Symbol, BigInt].includes(type as never);
}

/**
 * True when a class asks for constructor injection: `@inject(Token)` on a
 * parameter, a `@destination` class that forwards its own, or parameter types
 * that are all classes (emitted by tsc/swc as design:paramtypes). A class
 * whose constructor takes user options (`new MyDestination({ apiKey })`) is not.
 */
export function wantsConstructorInjection(cls: Function): boolean {
  if (Reflect.getOwnMetadata(CONSTRUCTOR_INJECTION_KEY, cls)) return true;
  const tokens: Record<string, unknown> | undefined = Reflect.getOwnMetadata(TSYRINGE_INJECTION_TOKENS, cls);
  if (tokens && Object.keys(tokens).length > 0) return true;
  const types: unknown[] | undefined = Reflect.getOwnMetadata("design:paramtypes", cls);
  return Array.isArray(types) && types.length > 0 && types.every(isInjectableType);
}

/**
 * Makes `subclass` (a decorator's wrapper around `cls`) constructible with
 * `cls`'s constructor injection, which tsyringe records on `cls` alone.
 */
export function forwardConstructorInjection(cls: Function, subclass: Function): void {
  if (!wantsConstructorInjection(cls)) return;
  const tokens: unknown = Reflect.getOwnMetadata(TSYRINGE_INJECTION_TOKENS, cls);
  if (tokens) Reflect.defineMetadata(TSYRINGE_INJECTION_TOKENS, tokens, subclass);
  const types: unknown = Reflect.getOwnMetadata("design:paramtypes", cls);
  if (types) Reflect.defineMetadata("design:paramtypes", types, subclass);
  Reflect.defineMetadata(CONSTRUCTOR_INJECTION_KEY, true, subclass);
}

/**
 * Constructs `cls` once: through the container when it asks for constructor
 * injection, with `new` otherwise; `inject()` in its field initializers
 * resolves from `container` either way.
 */
export function constructInstance<T>(container: DependencyContainer, cls: Constructor<T>): T {
  return constructInContainer(container, () => {
    if (wantsConstructorInjection(cls)) {
      // tsyringe builds only classes it has type info for; recording it again is harmless.
      injectable()(cls as Constructor<T>);
      return container.resolve(cls);
    }
    return new cls();
  });
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
  const instance = constructInstance(container, cls);
  return injectConfig(instance, { ...options, pipelineName });
}
