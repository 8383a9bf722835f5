import type { ParamSpec } from "./field-spec.js";
import { createScope, type ResolveConfigOptions } from "./resolve-config.js";
import { getParamSpecs } from "./spec-metadata.js";
import { effectiveType, resolveEntry, throwIfMissing } from "./spec-resolver.js";

/** Options of `resolveMethodParams`. */
export interface ResolveParamsOptions extends Omit<ResolveConfigOptions, "explicit"> {
  /** Explicit values by parameter key (`api_key`). Default: none. */
  explicit?: Record<string, unknown>;
  /** Position of the first returned value. Default: the lowest decorated parameter index. */
  firstIndex?: number;
}

/** The `@config`/`@secret` parameters recorded on a method (sorted by index). */
export function getInjectedParams(instance: object, methodName: string | symbol): readonly ParamSpec[] {
  return getParamSpecs(Object.getPrototypeOf(instance) as object, methodName);
}

/**
 * Resolves the decorated parameters of a method. The result holds the values
 * for positions `firstIndex` … last decorated index (undecorated positions in
 * between are undefined), so the caller appends them to the arguments it has.
 *
 * @throws ConfigFieldMissingException when a required parameter has no value
 * @example
 * class Sink { async write(items: unknown[], table: unknown, @secret("api_key") apiKey: string) {} }
 * const injected = await resolveMethodParams(sink, "write", { sections: ["destination", "sink"] });
 * await sink.write(items, table, ...injected);
 */
export async function resolveMethodParams(
  instance: object,
  methodName: string | symbol,
  options: ResolveParamsOptions = {},
): Promise<unknown[]> {
  const params = getInjectedParams(instance, methodName);
  if (params.length === 0) return [];
  const cls = instance.constructor as { name: string };
  const scope = createScope(options, cls);
  const firstIndex = options.firstIndex ?? params[0]!.index;
  const lastIndex = params[params.length - 1]!.index;
  const values: unknown[] = new Array(Math.max(0, lastIndex - firstIndex + 1)).fill(undefined);
  const method = `${cls.name}.${String(methodName)}()`;
  for (const param of params) {
    const entry = {
      name: `${method} parameter ${param.index}`,
      key: param.key,
      secret: param.secret,
      optional: param.optional,
      type: effectiveType(param.explicitType, param.designType, undefined),
    };
    const result = resolveEntry(entry, undefined, options.explicit?.[param.key] ?? undefined, scope);
    if (param.index >= firstIndex) values[param.index - firstIndex] = result.value;
  }
  throwIfMissing(scope, method);
  return values;
}
