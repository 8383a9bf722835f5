import type { Constructor } from "@dlt-ts/core";
import { describeSinkValue, mergeInit, SinkDestination, type SinkDestinationInit } from "./sink-destination.js";
import { InvalidSinkCallable } from "./sink-exceptions.js";
import { checkSinkOptionNames, type SinkOptions } from "./sink-options.js";

/** Options of `destinationFrom`: sink options plus where the callable is. */
export interface DestinationFromOptions extends Omit<SinkOptions, "name"> {
  /**
   * The sink: a function, a class with write() (decorated or not), an instance,
   * a `destination()` result, or a reference string `"./path/to/module#export"`
   * (relative to the project dir) / `"package#export"`. Default: config
   * `destination.<name>.destination_callable` (env `DESTINATION__<NAME>__DESTINATION_CALLABLE`).
   */
  destinationCallable?: unknown;
  /** Values given in code; they win over every config provider. */
  explicit?: Record<string, unknown>;
  /** Config spec passed as write()'s third argument to a function sink. */
  spec?: Constructor<object>;
}

/**
 * A sink destination named `name` (config section `destination.<name>`) whose
 * callable is given here or found in config. Options given here override the
 * callable's own `@destination` options. A string reference is imported at
 * configure(), which fails listing everything it tried.
 *
 * @example
 * destinationFrom("my_api", { destinationCallable: "./sinks.js#postBatch", batchSize: 100 });
 * destinationFrom("my_api"); // DESTINATION__MY_API__DESTINATION_CALLABLE=./sinks.js#postBatch
 */
export function destinationFrom(name: string, options: DestinationFromOptions = {}): SinkDestination {
  checkSinkOptionNames(options, `destinationFrom("${name}", options)`, ["destinationCallable", "explicit", "spec"]);
  const { destinationCallable, explicit, spec, ...sinkOptions } = options;
  const outer: SinkDestinationInit = {
    target: { kind: "reference", reference: undefined },
    options: { ...sinkOptions, name },
    explicit,
    spec,
  };
  if (destinationCallable === undefined || typeof destinationCallable === "string") {
    return new SinkDestination({ ...outer, target: { kind: "reference", reference: destinationCallable } });
  }
  const inner = describeSinkValue(destinationCallable, true);
  if (!inner) {
    throw new InvalidSinkCallable(
      `destinationFrom("${name}"): destinationCallable must be a function, a class with write(), an instance, ` +
        `a destination() result or a "module#export" string, got ${destinationCallable === null ? "null" : typeof destinationCallable}`,
    );
  }
  return new SinkDestination(mergeInit(inner, outer));
}
