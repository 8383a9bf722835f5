import { ConfigDecoratorException } from "./exceptions.js";
import type { SpecOptions } from "./field-spec.js";
import { isDecoratorContext } from "./field.decorator.js";
import { recordSpec, recordSpecInMetadata } from "./spec-metadata.js";

/**
 * `@configSpec(...)`: a class decorator under legacy decorators `(cls)` and
 * standard (TC39) decorators `(cls, context)` alike.
 */
export type ConfigSpecDecorator = <T extends Function>(target: T, context?: ClassDecoratorContext) => void;

/**
 * Marks a class as a config spec and records its default sections.
 * Optional for classes that only need injection (`resolveInstance` works on
 * any class with `@config`/`@secret` properties). Works with and without
 * `experimentalDecorators`.
 *
 * @example
 * @configSpec({ section: "destination.my_api" })
 * class MyApiConfig { @secret() apiKey!: string; @config() timeoutMs = 5000; }
 */
export function configSpec(options: SpecOptions = {}): ConfigSpecDecorator {
  return (target: Function, context?: unknown): void => {
    if (!isDecoratorContext(context)) {
      recordSpec(target, options);
      return;
    }
    if (context.kind !== "class") {
      throw new ConfigDecoratorException(
        "@configSpec()",
        `${context.kind} ${String(context.name)}`,
        "it decorates classes",
        "Use @config() or @secret() on properties.",
      );
    }
    // Standard decorators record next to the class's fields. A class decorator always has the
    // class itself, so a compiler that gives no metadata is served by reflect-metadata.
    if (context.metadata) recordSpecInMetadata(context.metadata, options);
    else recordSpec(target, options);
  };
}
