import { forwardConstructorInjection, type Constructor } from "@dlt-ts/core";
import { SinkDestination, type SinkClass, type SinkFunction } from "./sink-destination.js";
import { InvalidSinkCallable } from "./sink-exceptions.js";
import { captureExplicit, recordSinkOptions } from "./sink-metadata.js";
import { checkSinkOptionNames, resolveSinkOptions, type SinkOptions } from "./sink-options.js";

/** Options of the function form `destination(fn, options)`. */
export interface FunctionSinkOptions<C extends object = object> extends SinkOptions {
  /** A config class (`@config`/`@secret` properties) resolved from `destination.<name>` and passed as write()'s third argument. */
  spec?: Constructor<C>;
  /** Values given in code for `spec`'s fields (by property name or key); they win over every provider. */
  explicit?: Record<string, unknown>;
}

/**
 * `@destination(...)` on a class, under legacy decorators `(cls)` and standard
 * (TC39) decorators `(cls, context)` alike: returns the subclass that replaces the class.
 */
export type SinkClassDecorator = <T extends SinkClass>(target: T, context?: ClassDecoratorContext<T>) => T;

/**
 * Turns a class with `write(items, table)` into a destination (a class
 * decorator, with or without `experimentalDecorators`), or a function into one
 * (function form).
 *
 * Class form: `@secret`/`@config` properties and decorated write() parameters
 * after `(items, table)` are resolved from section `destination.<name>`; values
 * passed to the constructor (`new MyDestination({ apiKey })`) win. Decorated
 * write() parameters need `experimentalDecorators` (standard decorators have no
 * parameter decorators): otherwise use `@secret()` properties.
 *
 * @example
 * @destination({ batchSize: 100, name: "my_api" })
 * class MyApi {
 *   @secret() apiKey!: string;
 *   async write(items: DataItem[] | string, table: TableSchema) { await post(table.name, items, this.apiKey); }
 * }
 * pipeline({ pipelineName: "p", destination: MyApi });
 *
 * // function form, config from a spec class:
 * const sink = destination(async (items, table, cfg: ApiConfig) => post(items, cfg.apiKey), { spec: ApiConfig });
 *
 * Defaults: batchSize 10, loaderFileFormat "jsonl", name = snake_case of the
 * class/function name, namingConvention "direct", maxTableNesting 0,
 * skipDltColumnsAndTables true, maxParallelLoadJobs 20, loaderParallelismStrategy "parallel".
 */
export function destination(options?: SinkOptions): SinkClassDecorator;
export function destination<C extends object>(fn: SinkFunction<C>, options?: FunctionSinkOptions<C>): SinkDestination;
export function destination(cls: SinkClass, options?: SinkOptions & { explicit?: Record<string, unknown> }): SinkDestination;
export function destination(
  fnOrOptions?: SinkFunction | SinkClass | SinkOptions,
  functionOptions: FunctionSinkOptions = {},
): SinkDestination | SinkClassDecorator {
  if (typeof fnOrOptions === "function") {
    checkSinkOptionNames(functionOptions, "destination(fn, options)", ["spec", "explicit"]);
    const { spec, explicit, ...options } = functionOptions;
    const isClass = typeof (fnOrOptions.prototype as { write?: unknown } | undefined)?.write === "function";
    return new SinkDestination({
      target: isClass ? { kind: "class", cls: fnOrOptions as SinkClass } : { kind: "function", fn: fnOrOptions as SinkFunction },
      options,
      defaultName: fnOrOptions.name || undefined,
      explicit,
      spec,
    });
  }
  const options = fnOrOptions ?? {};
  return <T extends SinkClass>(target: T, context?: unknown): T => {
    checkClassDecoratorCall(context);
    checkSinkOptionNames(options, `@destination() of ${target.name}`);
    return decorateSinkClass(target, options);
  };
}

/**
 * Legacy decorators pass no context; standard ones pass `{ kind, name, metadata, ... }`.
 * Only a class can become a sink class (the compilers reject other uses only when they type-check).
 */
function checkClassDecoratorCall(context: unknown): void {
  if (typeof context !== "object" || context === null || !("kind" in context) || context.kind === "class") return;
  const name = "name" in context ? String(context.name) : "?";
  throw new InvalidSinkCallable(
    `@destination(...) decorates classes, not the ${String(context.kind)} "${name}". ` +
      "Decorate the class that has write(items, table), or use destination(fn, options) for a function.",
  );
}

/**
 * Records the options on a subclass whose constructor keeps a plain-object
 * first argument as explicit values; the user's constructor still receives
 * every argument, and its constructor injection (`@inject(Token)`) carries over.
 */
function decorateSinkClass<T extends SinkClass>(target: T, options: SinkOptions): T {
  // Validates the options where the class is declared, not at the first run.
  resolveSinkOptions(options, target.name);
  const decorated = class extends target {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    constructor(...args: any[]) {
      super(...args);
      const first: unknown = args[0];
      if (isPlainObject(first)) captureExplicit(this, first);
    }
  };
  Object.defineProperty(decorated, "name", { value: target.name });
  forwardConstructorInjection(target, decorated);
  recordSinkOptions(decorated, options);
  return decorated;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Optional base class of a `@destination` class: it only makes
 * `new MyDestination({ apiKey: "..." })` type-check (the decorator captures the
 * values either way).
 */
export class DestinationBase {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  constructor(_explicit?: Record<string, unknown>) {}
}
