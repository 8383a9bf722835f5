import { checkOptionNames, TABLE_HINT_OPTION_NAMES, type ConfigProviders, type TableHintOptions } from "@dlt-ts/core";
import type { DataSource } from "./data-items.js";
import type { Incremental } from "./incremental/incremental.js";

export interface ResourceOptions extends TableHintOptions {
  /** Resource name; also the table name unless `tableName` is given. Default: the function's name. */
  name?: string;
  tableName?: string;
  /**
   * Incremental loading: only rows past the cursor's last value pass, and
   * the cursor is kept in the pipeline state. A function resource receives
   * the bound incremental as `{ incremental }`. Default: none.
   */
  incremental?: Incremental<any>;
  /**
   * For sources that must ask something (a database's catalog) before they
   * can describe their resource: the pipeline awaits it before extracting
   * and uses the resource it gives, with the options of this one laid over
   * (`sqlTable()` works this way, so it needs no await). It is given the
   * pipeline's config scope, so config resolves from the pipeline's project
   * dir. Default: none.
   */
  deferred?: (context: DeferredContext) => Promise<DltResource>;
}

/** What the pipeline gives a deferred resource or source: the scope its config resolves in. */
export interface DeferredContext {
  readonly pipelineName?: string;
  /** The run's config providers (env, `.dlt/*.toml` of the pipeline's project dir). Default: a fresh set from the cwd. */
  readonly providers?: ConfigProviders;
}

/** Every option name of {@link ResourceOptions}. */
export const RESOURCE_OPTION_NAMES: readonly string[] = [...TABLE_HINT_OPTION_NAMES, "name", "tableName", "incremental", "deferred"];

/**
 * A named stream of items with table hints.
 *
 * @example
 * const events = resource(fetchEvents, { name: "events", writeDisposition: "merge", primaryKey: "id" });
 */
export class DltResource {
  readonly name: string | undefined;
  constructor(
    readonly data: DataSource,
    readonly options: ResourceOptions = {},
  ) {
    this.name = options.name ?? functionName(data);
  }

  /** Table the items go to (source name, not yet normalized). */
  get tableName(): string | undefined {
    return this.options.tableName ?? this.name;
  }

  /** The resource itself, or the one its `deferred` option gives (with this one's other options laid over). */
  async resolve(context: DeferredContext = {}): Promise<DltResource> {
    const { deferred, ...own } = this.options;
    if (!deferred) return this;
    return (await deferred(context)).withOptions(own);
  }

  /** A copy with other options overlaid (e.g. hints given to `run()`). */
  withOptions(options: ResourceOptions): DltResource {
    return new DltResource(this.data, { ...this.options, ...definedOnly(options) });
  }
}

export function resource(data: DataSource, options: ResourceOptions = {}): DltResource {
  checkOptionNames(options, RESOURCE_OPTION_NAMES, "resource(data, options)");
  return new DltResource(data, options);
}

function functionName(data: DataSource): string | undefined {
  return typeof data === "function" && data.name ? data.name : undefined;
}

function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Partial<T>;
}
