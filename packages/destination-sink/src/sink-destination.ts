import {
  capabilities,
  constructInstance,
  createPipelineContainer,
  getInjectedParams,
  injectConfig,
  resolveConfig,
  resolveMethodParams,
  resolveProjectDir,
  toSnakeCase,
  type ConfiguredDestination,
  type Constructor,
  type Destination,
  type DestinationCapabilities,
  type DestinationContext,
  type JobClient,
  type TableSchema,
} from "@dlt-ts/core";
import { importReference } from "./callable-reference.js";
import { SinkCallableConfiguration, SinkConfiguration } from "./sink-configuration.js";
import { SINK_DELIVERY_JOURNAL, type SinkDeliveryJournal } from "./sink-delivery-journal.js";
import { DestinationCallableNotFound, InvalidSinkCallable } from "./sink-exceptions.js";
import { SinkJobClient } from "./sink-job-client.js";
import { getCapturedExplicit, getSinkOptions } from "./sink-metadata.js";
import {
  explicitSinkOptions,
  givenOptions,
  resolveSinkOptions,
  sinkName,
  withName,
  type ResolvedSinkOptions,
  type SinkItem,
  type SinkBatch,
  type SinkOptions,
  type SinkWrite,
} from "./sink-options.js";

/** An object with the write() a sink needs; extra parameters after `table` may be injected. */
export interface SinkWriter {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  write(items: SinkItem[] | string, table: TableSchema, ...injected: any[]): unknown;
}

/** A class whose instances write; usually decorated with `@destination(...)`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type SinkClass = new (...args: any[]) => SinkWriter;

/**
 * A function sink. Its fourth argument is the batch context (SinkBatch),
 * and so is its third unless a `spec` is given (then the resolved config).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type SinkFunction<C = any> = (items: SinkItem[] | string, table: TableSchema, third: C, batch: SinkBatch) => unknown;

/** What becomes the sink. A reference is resolved at configure(): a module string, or config/env. */
export type SinkTarget =
  | { kind: "class"; cls: SinkClass }
  | { kind: "instance"; instance: SinkWriter }
  | { kind: "function"; fn: SinkFunction }
  | { kind: "reference"; reference: string | undefined };

export interface SinkDestinationInit {
  target: SinkTarget;
  /** Options as given (defaults are filled in by the destination). */
  options: SinkOptions;
  /** Name used when `options.name` is not given (class or function name, snake_cased). */
  defaultName?: string;
  /** Values given in code; they win over every config provider. */
  explicit?: Record<string, unknown>;
  /** Config spec class of a function sink: resolved and passed as write()'s third argument. */
  spec?: Constructor<object>;
}

/** The config key holding a sink reference: `destination.<name>.destination_callable`. */
export const DESTINATION_CALLABLE_KEY = "destination_callable";

/** Capabilities of a sink: its options, plus what any sink supports. */
export function sinkCapabilities(options: ResolvedSinkOptions): DestinationCapabilities {
  return capabilities({
    preferredLoaderFileFormat: options.loaderFileFormat,
    supportedLoaderFileFormats: ["jsonl", "parquet"],
    namingConvention: options.namingConvention,
    maxTableNesting: options.maxTableNesting,
    maxParallelLoadJobs: options.maxParallelLoadJobs,
    loaderParallelismStrategy: options.loaderParallelismStrategy,
    skipDltColumnsAndTables: options.skipDltColumnsAndTables,
    supportsTransactions: false,
    supportsDdlTransactions: false,
  });
}

/**
 * A destination that hands batches of normalized items to user code: the
 * destination behind `@destination`, `destination(fn)` and `destinationFrom`.
 * Its settings (SinkConfiguration), config and secrets are resolved at
 * `configure()` from section `destination.<name>`, and a `@destination` class
 * is constructed there, once per run; a missing value or an unresolvable
 * reference fails there, before any work starts.
 */
export class SinkDestination implements Destination {
  readonly destinationType = "sink";
  readonly destinationName: string;
  readonly options: ResolvedSinkOptions;
  private readonly init: SinkDestinationInit;

  constructor(init: SinkDestinationInit) {
    this.init = init;
    this.options = resolveSinkOptions(init.options, init.defaultName);
    this.destinationName = this.options.name;
  }

  /** Capabilities from the options in code alone; configure() adds what config sets. */
  capabilities(): DestinationCapabilities {
    return sinkCapabilities(this.options);
  }

  async configure(context: DestinationContext): Promise<ConfiguredSinkDestination> {
    const init = await this.resolveReference(context);
    const name = sinkName(init.options, init.defaultName);
    const config = await resolveConfig(SinkConfiguration, {
      sections: ["destination", name],
      pipelineName: context.pipelineName,
      ...(context.projectDir ? { projectDir: context.projectDir } : {}),
      ...(context.providers ? { providers: context.providers } : {}),
      explicit: explicitSinkOptions(init.options),
    });
    const resolved = withName(config, name);
    const options = init.options.maxTableNesting === null ? { ...resolved, maxTableNesting: undefined } : resolved;
    context.container?.registerInstance(SinkConfiguration, config);
    const write = await bindWrite(init, name, context);
    // Provided by a pipeline with a state store: delivered batches are recorded beyond the working dir.
    const journal = context.container?.isRegistered(SINK_DELIVERY_JOURNAL, true)
      ? context.container.resolve<SinkDeliveryJournal>(SINK_DELIVERY_JOURNAL)
      : undefined;
    return new ConfiguredSinkDestination(options, write, journal);
  }

  /** The same sink with more explicit values (they win over earlier ones). */
  withExplicit(explicit: Record<string, unknown>): SinkDestination {
    return new SinkDestination({ ...this.init, explicit: { ...this.init.explicit, ...explicit } });
  }

  /** How this destination was declared, for `destinationFrom` to build on. */
  describe(): SinkDestinationInit {
    return this.init;
  }

  /** A reference becomes the class, instance or function it names, merged with the options given here. */
  private async resolveReference(context: DestinationContext): Promise<SinkDestinationInit> {
    const { target } = this.init;
    if (target.kind !== "reference") return this.init;
    const name = this.destinationName;
    const projectDir = resolveProjectDir(context.projectDir);
    const tried: string[] = [];
    let reference = target.reference;
    if (reference === undefined) {
      // A missing reference is a missing config value like any other: the resolver's error lists what it tried.
      const found = await resolveConfig(SinkCallableConfiguration, {
        sections: ["destination", name],
        pipelineName: context.pipelineName,
        ...(context.projectDir ? { projectDir: context.projectDir } : {}),
        ...(context.providers ? { providers: context.providers } : {}),
      });
      tried.push(`config destination.${name}.${DESTINATION_CALLABLE_KEY} gave "${found.destinationCallable}"`);
      reference = found.destinationCallable;
    }
    const outcome = await importReference(reference, projectDir);
    if (!outcome.found) {
      throw new DestinationCallableNotFound(
        name,
        [...tried, ...outcome.tried],
        `A reference is "./path/to/module#exportName" (relative to ${projectDir}) or "package#exportName".`,
      );
    }
    const described = describeSinkValue(outcome.value, true);
    if (!described) {
      throw new DestinationCallableNotFound(
        name,
        [...tried, `${outcome.from} is a ${typeof outcome.value}, not a sink class, instance or function`],
        "Export a class with write(items, table), an instance of one, a function, or what destination() returns.",
      );
    }
    return mergeInit(described, this.init);
  }
}

/** What the loader drives: options resolved, write() bound with its injected values. */
export class ConfiguredSinkDestination implements ConfiguredDestination {
  readonly capabilities: DestinationCapabilities;
  readonly location: string;

  constructor(
    readonly options: ResolvedSinkOptions,
    private readonly write: SinkWrite,
    private readonly journal?: SinkDeliveryJournal,
  ) {
    this.capabilities = sinkCapabilities(options);
    this.location = `sink://${options.name}`;
  }

  async createClient(): Promise<JobClient> {
    return new SinkJobClient(this.capabilities, this.options, this.write, this.journal);
  }
}

/**
 * Describes a value as a sink: a SinkDestination, a `@destination` class or an
 * instance of one; with `allowPlain` also an undecorated class or object with
 * write(), or a plain function.
 */
export function describeSinkValue(value: unknown, allowPlain: boolean): SinkDestinationInit | undefined {
  if (value instanceof SinkDestination) return value.describe();
  if (typeof value === "function") {
    const options = getSinkOptions(value);
    if (options) return { target: { kind: "class", cls: value as SinkClass }, options, defaultName: value.name };
    if (!allowPlain) return undefined;
    if (typeof (value.prototype as Partial<SinkWriter> | undefined)?.write === "function") {
      return { target: { kind: "class", cls: value as SinkClass }, options: {}, defaultName: value.name };
    }
    return { target: { kind: "function", fn: value as SinkFunction }, options: {}, defaultName: value.name || undefined };
  }
  if (typeof value === "object" && value !== null) {
    const options = getSinkOptions(value.constructor);
    if (options) return { target: { kind: "instance", instance: value as SinkWriter }, options, defaultName: value.constructor.name };
    if (allowPlain && typeof (value as Partial<SinkWriter>).write === "function") {
      return { target: { kind: "instance", instance: value as SinkWriter }, options: {}, defaultName: value.constructor?.name };
    }
  }
  return undefined;
}

/** `outer` (destinationFrom) laid over what its callable declared: outer's given options, name and explicit values win. */
export function mergeInit(inner: SinkDestinationInit, outer: SinkDestinationInit): SinkDestinationInit {
  return {
    target: inner.target,
    options: { ...givenOptions(inner.options), ...givenOptions(outer.options) },
    defaultName: outer.defaultName ?? inner.defaultName,
    explicit: inner.explicit || outer.explicit ? { ...inner.explicit, ...outer.explicit } : undefined,
    spec: outer.spec ?? inner.spec,
  };
}

/** Resolves the sink's config (properties, write() parameters or the function's spec) and binds write(). */
async function bindWrite(init: SinkDestinationInit, name: string, context: DestinationContext): Promise<SinkWrite> {
  const scope = {
    sections: ["destination", name],
    pipelineName: context.pipelineName,
    projectDir: context.projectDir,
    ...(context.providers ? { providers: context.providers } : {}),
  };
  const { target } = init;
  if (target.kind === "function") {
    const config = init.spec ? await resolveConfig(init.spec as new () => object, { ...scope, explicit: init.explicit }) : undefined;
    const fn = target.fn;
    // The batch context is the third argument; a function given a spec keeps its config there and gets the batch fourth.
    return init.spec
      ? async (items, table, batch) => {
          await (fn as (...args: unknown[]) => unknown)(items, table, config, batch);
        }
      : async (items, table, batch) => {
          await fn(items, table, batch, batch);
        };
  }
  if (target.kind === "reference") throw new InvalidSinkCallable(`Sink destination "${name}": reference was not resolved`);

  let instance: SinkWriter;
  let explicit = init.explicit ?? {};
  if (target.kind === "class") {
    if (typeof target.cls.prototype?.write !== "function") throw missingWrite(name, target.cls.name);
    const container = context.container ?? createPipelineContainer(context.pipelineName);
    instance = await injectConfig(constructInstance(container, target.cls as Constructor<SinkWriter>), { ...scope, explicit });
  } else {
    instance = target.instance;
    if (typeof instance.write !== "function") throw missingWrite(name, instance.constructor?.name ?? "object");
    explicit = { ...getCapturedExplicit(instance), ...explicit };
    await injectConfig(instance, { ...scope, explicit });
  }
  // Parameters are keyed by their snake_case key: accept camelCase explicit values too.
  const byKey = Object.fromEntries(Object.entries(explicit).map(([k, v]) => [toSnakeCase(k), v]));
  const injected = await resolveMethodParams(instance, "write", { ...scope, explicit: { ...byKey, ...explicit }, firstIndex: 2 });
  // The batch context takes the first parameter after (items, table) that no @secret/@config claims.
  const decorated = new Set(getInjectedParams(instance, "write").map((p) => p.index));
  let batchIndex = 2;
  while (decorated.has(batchIndex)) batchIndex++;
  return async (items, table, batch) => {
    const args: unknown[] = [items, table, ...injected];
    args[batchIndex] = batch;
    await instance.write(...(args as [SinkItem[] | string, TableSchema, ...unknown[]]));
  };
}

function missingWrite(name: string, className: string): InvalidSinkCallable {
  return new InvalidSinkCallable(
    `Sink destination "${name}": ${className} has no write(items, table) method. ` +
      `Declare async write(items: DataItem[] | string, table: TableSchema) on it.`,
  );
}
