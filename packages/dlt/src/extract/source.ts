import { DltResource } from "./resource.js";

export interface SourceOptions {
  /** Source name; also the name of its schema. Default: the pipeline name. */
  name?: string;
}

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
}

export function source(resources: DltResource[], options: SourceOptions = {}): DltSource {
  return new DltSource(resources, options);
}
