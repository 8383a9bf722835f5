import type { DependencyContainer, InjectionToken } from "tsyringe";
import { DltException } from "../common/dlt-exception.js";

/*
 * `inject(Token)` in a field initializer: the Angular pattern. Field
 * initializers run synchronously inside the constructor, so the container
 * that is constructing the class can be held in a module variable for exactly
 * that long. Works with standard and legacy decorators alike (it is not one).
 */

let constructing: DependencyContainer | undefined;

/** Raised by `inject()` outside of a construction by dlt-ts, or for a token nobody registered. */
export class InjectionException extends DltException {}

/**
 * Resolves `token` from the pipeline's container while dlt-ts constructs your
 * destination class (use it in a field initializer). Registered in the
 * container: the pipeline context (`PIPELINE_CONTEXT`), the pipeline name
 * (`PIPELINE_NAME`), the resolved configs (by their class) and whatever
 * `pipeline({ register })` adds.
 *
 * @example
 * @destination({ name: "crm" })
 * class Crm {
 *   pool = inject(Pool);                 // registered with pipeline({ register: (c) => c.registerInstance(Pool, pool) })
 *   async write(items: DataItem[]) { await this.pool.query(...); }
 * }
 */
export function inject<T>(token: InjectionToken<T>): T {
  if (!constructing) {
    throw new InjectionException(
      `inject(${tokenName(token)}) was called outside of a construction by dlt-ts: use it in a field initializer of a ` +
        `destination class that the pipeline constructs (pass the class, not an instance, to pipeline({ destination }))`,
    );
  }
  if (!constructing.isRegistered(token, true) && !isClass(token)) {
    throw new InjectionException(
      `inject(${tokenName(token)}): nothing is registered under this token in the pipeline's container. ` +
        `Register it with pipeline({ register: (container) => container.registerInstance(${tokenName(token)}, value) })`,
    );
  }
  return constructing.resolve(token);
}

/** Runs `construct` with `container` as the one `inject()` resolves from. */
export function constructInContainer<T>(container: DependencyContainer, construct: () => T): T {
  const previous = constructing;
  constructing = container;
  try {
    return construct();
  } finally {
    constructing = previous;
  }
}

function isClass(token: unknown): boolean {
  return typeof token === "function";
}

function tokenName(token: unknown): string {
  if (typeof token === "function") return token.name || "anonymous class";
  if (typeof token === "symbol") return token.toString();
  return JSON.stringify(token);
}
