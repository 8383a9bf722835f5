import "reflect-metadata";
import { ConfigDecoratorException } from "./exceptions.js";
import type { FieldOptions, FieldType } from "./field-spec.js";
import { toSnakeCase } from "./naming.js";
import { recordField, recordParam } from "./spec-metadata.js";

/** A decorator usable on a property or on a method parameter. */
export type ConfigFieldDecorator = (target: object, propertyKey: string | symbol | undefined, parameterIndex?: number) => void;

function className(target: object): string {
  return typeof target === "function" ? target.name : target.constructor.name;
}

/**
 * Shared body of `@config` and `@secret`: records the field or parameter and
 * nothing else (the resolver does the work).
 */
export function fieldDecorator(kind: "config" | "secret", arg: string | FieldOptions | undefined): ConfigFieldDecorator {
  const options: FieldOptions = typeof arg === "string" ? { key: arg } : (arg ?? {});
  const secret = kind === "secret";
  const name = `@${kind}()`;

  return (target, propertyKey, parameterIndex) => {
    if (typeof propertyKey === "object" && propertyKey !== null) {
      // TC39 decorators pass (value, context): the compiler was not told to use legacy decorators.
      throw new ConfigDecoratorException(
        name,
        String((propertyKey as { name?: unknown }).name ?? "a class member"),
        "dlt-ts decorators need TypeScript's experimentalDecorators",
        'Set "experimentalDecorators": true in tsconfig.json (with tsx: run tsx --tsconfig <that tsconfig>).',
      );
    }
    if (typeof parameterIndex === "number") {
      const where = `parameter ${parameterIndex} of ${className(target)}.${String(propertyKey ?? "constructor")}`;
      if (propertyKey === undefined) {
        throw new ConfigDecoratorException(
          name,
          where,
          "constructor parameters cannot be injected",
          "Declare the value as a decorated property instead.",
        );
      }
      // A parameter has no name at run time, so the key must be given.
      if (!options.key) {
        throw new ConfigDecoratorException(name, where, "a parameter needs an explicit key", `Write @${kind}("api_key").`);
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
      throw new ConfigDecoratorException(name, className(target), "it decorates properties and method parameters", "Use @configSpec() on classes.");
    }
    if (typeof propertyKey === "symbol" && !options.key) {
      throw new ConfigDecoratorException(name, `${className(target)}.${String(propertyKey)}`, "a symbol property needs an explicit key", `Write @${kind}("my_key").`);
    }
    recordField(target, {
      propertyKey,
      key: options.key ?? toSnakeCase(propertyKey as string),
      secret,
      optional: options.optional ?? false,
      explicitType: options.type,
      designType: Reflect.getMetadata("design:type", target, propertyKey),
    });
  };
}
