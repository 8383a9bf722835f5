/*
 * Reverse ETL with a sink: contacts from a generator are normalized and
 * POSTed in batches to an HTTP endpoint (see README.md).
 *
 *   cp .dlt/example.secrets.toml .dlt/secrets.toml   # then put your key in it
 *   npx tsx reverse-etl.ts
 */
import "reflect-metadata";
import { pipeline, type LoadInfo } from "dlt-ts";
import { HttpSink } from "./http-sink.js";

/** `count` contacts, the way an API or a database would hand them out. */
export async function* contacts(count: number): AsyncGenerator<Record<string, unknown>> {
  for (let id = 1; id <= count; id++) {
    yield {
      id,
      email: `user${id}@example.com`,
      plan: id % 3 === 0 ? "pro" : "free",
      address: { city: id % 2 === 0 ? "Berlin" : "Lisbon", zip: String(10000 + id) },
      tags: id % 5 === 0 ? ["vip"] : [],
    };
  }
}

export interface ReverseEtlOptions {
  /** Contacts to send. Default 500. */
  count?: number;
  /** Dir holding `.dlt/`. Default: the cwd. */
  projectDir?: string;
  /** Parent of the pipeline working dir. Default `~/.dlt-ts/pipelines`. */
  pipelinesDir?: string;
  /** Set to finish what an interrupted run left, without sending new data. */
  resumeOnly?: boolean;
}

export async function reverseEtl(options: ReverseEtlOptions = {}): Promise<LoadInfo> {
  const p = pipeline({
    pipelineName: "reverse_etl",
    destination: HttpSink,
    progress: "none",
    ...(options.projectDir ? { projectDir: options.projectDir } : {}),
    ...(options.pipelinesDir ? { pipelinesDir: options.pipelinesDir } : {}),
  });
  if (options.resumeOnly) return p.run();
  return p.run(contacts(options.count ?? 500), { tableName: "contacts" });
}

if (require.main === module) {
  reverseEtl().then(
    (info) => console.log(info.toString()),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exitCode = 1;
    },
  );
}
