import type { SpecOptions } from "./field-spec.js";
import { recordSpec } from "./spec-metadata.js";

/**
 * Marks a class as a config spec and records its default sections.
 * Optional for classes that only need injection (`resolveInstance` works on
 * any class with `@config`/`@secret` properties).
 *
 * @example
 * @configSpec({ section: "destination.my_api" })
 * class MyApiConfig { @secret() apiKey!: string; @config() timeoutMs = 5000; }
 */
export function configSpec(options: SpecOptions = {}): ClassDecorator {
  return (target) => {
    recordSpec(target, options);
  };
}
