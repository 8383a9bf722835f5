import "reflect-metadata";
import { ConfigDecoratorException } from "./exceptions.js";
import type { FieldOptions, FieldType } from "./field-spec.js";
import { toSnakeCase } from "./naming.js";
import { recordField, recordFieldInMetadata, recordParam } from "./spec-metadata.js";

/**
 * `@config(...)` / `@secret(...)`: a property decorator under both decorator
 * flavours, and a method-parameter decorator under legacy decorators only.
 */
export interface ConfigFieldDecorator {
  /** Legacy (`experimentalDecorators`): a property `(prototype, name)` or a method parameter `(prototype, method, index)`. */
  (target: object, propertyKey: string | symbol | undefined, parameterIndex?: number): void;
  /** Standard (TC39): a class field `(undefined, context)`. */
  <This, Value>(value: undefined, context: ClassFieldDecoratorContext<This, Value>): void;
}

function className(target: object): string {
  return typeof target === "function" ? target.name : target.constructor.name;
}

/** A standard decorator's second argument; legacy decorators get a property key (or undefined) there. */
export function isDecoratorContext(value: unknown): value is DecoratorContext {
  return typeof value === "object" && value !== null && "kind" in value && "name" in value;
}

const MEMBER_WORDS: Record<Exclude<DecoratorContext["kind"], "field">, string> = {
  class: "a class",
  method: "a method",
  getter: "a getter",
  setter: "a setter",
  accessor: "an accessor",
};

/**
 * Shared body of `@config` and `@secret`: records the field or parameter and
 * nothing else (the resolver does the work).
 */
export function fieldDecorator(kind: "config" | "secret", arg: string | FieldOptions | undefined): ConfigFieldDecorator {
  const options: FieldOptions = typeof arg === "string" ? { key: arg } : (arg ?? {});
  const decorator = `@${kind}()`;

  return (target: unknown, keyOrContext: unknown, parameterIndex?: number): void => {
    if (isDecoratorContext(keyOrContext)) {
      recordStandard(decorator, kind, options, keyOrContext);
      return;
    }
    recordLegacy(decorator, kind, options, target as object, keyOrContext as string | symbol | undefined, parameterIndex);
  };
}

/** Standard decorators: only instance fields; the type comes from the options or, when resolving, from the default value. */
function recordStandard(decorator: string, kind: "config" | "secret", options: FieldOptions, context: DecoratorContext): void {
  const where = context.kind === "class" ? `class ${String(context.name)}` : `${context.kind} ${String(context.name)}`;
  if (context.kind === "class") {
    throw new ConfigDecoratorException(decorator, where, "it decorates properties, not classes", "Use @configSpec() on classes.");
  }
  if (context.kind !== "field") {
    throw new ConfigDecoratorException(
      decorator,
      where,
      `it cannot decorate ${MEMBER_WORDS[context.kind]}`,
      `Put it on a plain property: @${kind}() apiKey!: string, or @${kind}() timeoutMs = 5000.`,
    );
  }
  if (context.static || context.private) {
    throw new ConfigDecoratorException(
      decorator,
      where,
      `it cannot decorate a ${context.static ? "static" : "#private"} field`,
      "Put it on a public instance property (TypeScript's private modifier is fine).",
    );
  }
  if (typeof context.name === "symbol" && !options.key) {
    throw new ConfigDecoratorException(decorator, where, "a symbol property needs an explicit key", `Write @${kind}("my_key").`);
  }
  if (context.metadata === undefined) {
    throw new ConfigDecoratorException(
      decorator,
      where,
      "the compiler passed no context.metadata (standard decorators record there, and it exists only when Symbol.metadata is defined as the class is created)",
      'Import "@dlt-ts/core" (it defines Symbol.metadata) before the class is defined, or compile with "experimentalDecorators": true.',
    );
  }
  recordFieldInMetadata(context.metadata, {
    propertyKey: context.name,
    key: options.key ?? toSnakeCase(context.name as string),
    secret: kind === "secret",
    optional: options.optional ?? false,
    explicitType: options.type,
    // Standard decorators get no design:type; see effectiveType in spec-resolver.ts.
  });
}

/** Legacy (`experimentalDecorators`) property and parameter decorators, with design:* types when emitted. */
function recordLegacy(
  decorator: string,
  kind: "config" | "secret",
  options: FieldOptions,
  target: object,
  propertyKey: string | symbol | undefined,
  parameterIndex: number | undefined,
): void {
  const secret = kind === "secret";
  if (typeof parameterIndex === "number") {
    const where = `parameter ${parameterIndex} of ${className(target)}.${String(propertyKey ?? "constructor")}`;
    if (propertyKey === undefined) {
      throw new ConfigDecoratorException(
        decorator,
        where,
        "constructor parameters cannot be injected",
        "Declare the value as a decorated property instead.",
      );
    }
    // A parameter has no name at run time, so the key must be given.
    if (!options.key) {
      throw new ConfigDecoratorException(decorator, where, "a parameter needs an explicit key", `Write @${kind}("api_key").`);
    }
    const paramTypes: FieldType[] | undefined = Reflect.getMetadata("design:paramtypes", target, propertyKey);
    recordParam(target, propertyKey, {
      index: parameterIndex,
      key: options.key,
      secret,
      optional: options.optional ?? false,
      explicitType: options.type,
      designType: paramTypes?.[parameterIndex],
    });
    return;
  }
  if (propertyKey === undefined) {
    throw new ConfigDecoratorException(decorator, className(target), "it decorates properties and method parameters", "Use @configSpec() on classes.");
  }
  if (typeof propertyKey === "symbol" && !options.key) {
    throw new ConfigDecoratorException(decorator, `${className(target)}.${String(propertyKey)}`, "a symbol property needs an explicit key", `Write @${kind}("my_key").`);
  }
  recordField(target, {
    propertyKey,
    key: options.key ?? toSnakeCase(propertyKey as string),
    secret,
    optional: options.optional ?? false,
    explicitType: options.type,
    designType: Reflect.getMetadata("design:type", target, propertyKey),
  });
}
