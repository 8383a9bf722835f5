import type { Destination, DestinationCapabilities, SqlClient } from "@dlt-ts/core";

/** The groups of the conformance suite; each can be skipped as a whole. */
export const CONFORMANCE_CASES = [
  "capabilities",
  "sql-client",
  "data-types",
  "schema-evolution",
  "write-dispositions",
  "merge-keys",
  "hostile-identifiers",
  "state-restore",
  "resume",
  "chain-atomicity",
  "staging",
] as const;

export type ConformanceCase = (typeof CONFORMANCE_CASES)[number];

/** What the suite hands the destination factory for one test. */
export interface ConformanceContext {
  /** A fresh, empty dir owned by this test (removed afterwards): put database files here. */
  testDir: string;
  /** The pipeline the destination is made for (several pipelines of one test share testDir and dataset). */
  pipelineName: string;
  /** The dataset the pipeline loads into: unique per test, so server databases can be shared. */
  datasetName: string;
}

/** Optional hooks that provoke faults the suite cannot provoke in a destination-neutral way. */
export interface ConformanceFaults {
  /**
   * Makes the destination fail with an error it should classify as
   * DatabaseTransientException, using (or sabotaging) `client`, which is open
   * on a dataset holding a table `items` (columns id, name). Return the
   * promise that must reject, e.g. a query whose connection another session
   * kills, or a write blocked by a lock another connection holds.
   * Without this hook the transient-error test is skipped with its reason.
   */
  transient?: (client: SqlClient, context: ConformanceContext) => Promise<unknown>;
}

/**
 * Options of {@link describeDestinationConformance}.
 *
 * @example
 * describeDestinationConformance({
 *   name: "sqlite",
 *   destination: ({ testDir }) => sqlite({ credentials: path.join(testDir, "db.sqlite") }),
 *   capabilities: { preferredLoaderFileFormat: "jsonl" },
 *   skip: { "resume:committed-job": "this destination has no job markers" },
 * });
 */
export interface DestinationConformanceOptions {
  /** Shown in the describe block: `<name> destination conformance`. */
  name: string;
  /**
   * Makes the destination for one pipeline. Called again for every pipeline
   * of a test with the same testDir and datasetName, so it must reach the
   * same database each time (a file in testDir, or a server).
   */
  destination: (context: ConformanceContext) => Destination;
  /** Capability values the destination must report, checked one by one. Default: none (only sanity checks). */
  capabilities?: Partial<Omit<DestinationCapabilities, "escapeIdentifier" | "escapeLiteral" | "casefoldIdentifier">>;
  /**
   * Cases or single tests to skip, each with the reason printed in the test
   * title. Keys: a case (`"resume"`) or `"<case>:<test id>"` (`"sql-client:transient"`);
   * an array skips without a reason. Default: nothing skipped.
   */
  skip?: readonly string[] | Readonly<Record<string, string>>;
  /** See {@link ConformanceFaults}. Default: none. */
  faults?: ConformanceFaults;
  /** Runs once before the suite, e.g. to create a test database. */
  setup?: () => Promise<void>;
  /** Per-test timeout in ms. Default 60 000. */
  timeoutMs?: number;
  /**
   * Drop each test's datasets (and staging datasets) through the SQL client
   * afterwards. Needed on shared servers; file databases are removed with
   * testDir anyway. Default true.
   */
  dropDatasets?: boolean;
  /** Loader file formats the data type round trip runs with. Default: every `supportedLoaderFileFormats` entry. */
  fileFormats?: readonly string[];
}
