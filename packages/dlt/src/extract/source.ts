import { checkOptionNames } from "@dlt-ts/core";
import { DltResource, type DeferredContext } from "./resource.js";

export interface SourceOptions {
  /** Source name; also the name of its schema. Default: the pipeline name. */
  name?: string;
  /**
   * Depth of nested tables for every resource of the source that does not
   * set its own; deeper data is kept as json. It wins over the schema's
   * setting and the destination's (a sink's 0). Default: not set.
   */
  maxTableNesting?: number;
  /**
   * For sources that must ask something (a database's catalog) before they
   * know their resources: the pipeline awaits it before extracting and uses
   * the source it gives (`sqlDatabase()` works this way), given the
   * pipeline's config scope. Default: none.
   */
  deferred?: (context: DeferredContext) => Promise<DltSource>;
}

const SOURCE_OPTION_NAMES = ["name", "maxTableNesting", "deferred"];

/**
 * A group of resources sharing one schema.
 *
 * @example
 * await p.run(source([events, issues], { name: "github" }));
 */
export class DltSource {
  constructor(
    readonly resources: DltResource[],
    readonly options: SourceOptions = {},
  ) {}

  get name(): string | undefined {
    return this.options.name;
  }

  /** The source itself, or the one its `deferred` option gives. */
  async resolve(context: DeferredContext = {}): Promise<DltSource> {
    return this.options.deferred ? this.options.deferred(context) : this;
  }

  /** The resources with the source's hints under their own. */
  resourcesWithSourceHints(): DltResource[] {
    const nesting = this.options.maxTableNesting;
    if (nesting === undefined) return this.resources;
    return this.resources.map((r) => (r.options.maxTableNesting === undefined ? r.withOptions({ maxTableNesting: nesting }) : r));
  }
}

export function source(resources: DltResource[], options: SourceOptions = {}): DltSource {
  checkOptionNames(options, SOURCE_OPTION_NAMES, "source(resources, options)");
  return new DltSource(resources, options);
}
