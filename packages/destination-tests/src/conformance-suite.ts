import { mkdtempSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { DestinationCapabilities } from "@dlt-ts/core";
import { capabilitiesCases } from "./cases/capabilities.cases.js";
import { chainAtomicityCases } from "./cases/chain-atomicity.cases.js";
import { dataTypesCases } from "./cases/data-types.cases.js";
import { hostileIdentifiersCases } from "./cases/hostile-identifiers.cases.js";
import { mergeKeysCases } from "./cases/merge-keys.cases.js";
import { resumeCases } from "./cases/resume.cases.js";
import { schemaEvolutionCases } from "./cases/schema-evolution.cases.js";
import { sqlClientCases } from "./cases/sql-client.cases.js";
import { stagingCases } from "./cases/staging.cases.js";
import { stateRestoreCases } from "./cases/state-restore.cases.js";
import { writeDispositionsCases } from "./cases/write-dispositions.cases.js";
import { caseRegistrar, skipReason, type CaseRegistrar } from "./conformance-harness.js";
import type { ConformanceCase, DestinationConformanceOptions } from "./conformance-options.js";

const CASES: Record<ConformanceCase, { title: string; register: (t: CaseRegistrar, caps: DestinationCapabilities) => void }> = {
  capabilities: { title: "capabilities", register: capabilitiesCases },
  "sql-client": { title: "SQL client", register: sqlClientCases },
  "data-types": { title: "data types", register: dataTypesCases },
  "schema-evolution": { title: "schema evolution and variant columns", register: schemaEvolutionCases },
  "write-dispositions": { title: "write dispositions", register: writeDispositionsCases },
  "merge-keys": { title: "merge, replace and keys as dlt", register: mergeKeysCases },
  "hostile-identifiers": { title: "hostile identifiers", register: hostileIdentifiersCases },
  "state-restore": { title: "state restore", register: stateRestoreCases },
  resume: { title: "resume of interrupted loads", register: resumeCases },
  "chain-atomicity": { title: "table chains whole under failures", register: chainAtomicityCases },
  staging: { title: "loading through a stage", register: stagingCases },
};

/** The capabilities the suite plans its tests by (file formats, strategies), read from a destination made for a throwaway context. */
function plannedCapabilities(options: DestinationConformanceOptions): DestinationCapabilities {
  const dir = mkdtempSync(path.join(os.tmpdir(), "dlt-ts-conformance-plan-"));
  try {
    return options.destination({ testDir: dir, pipelineName: "conformance_plan", datasetName: "conformance_plan" }).capabilities();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Declares the dlt-ts destination conformance suite as a jest `describe`
 * block. Call it at the top level of a test file of your destination
 * package; every test runs the real `pipeline()` against your destination
 * and reads results back through `pipeline.sqlClient()`.
 *
 * Cases: capabilities, sql-client, data-types, schema-evolution,
 * write-dispositions, merge-keys, hostile-identifiers, state-restore, resume,
 * chain-atomicity (a table the test creates first, with a `BIGINT` column
 * `n` and a `CHECK (n < 1000)` constraint, rejects rows), staging (through a
 * local filesystem stage, for every `supportedStagingFileFormats` entry;
 * skipped with its reason when there is none) (see
 * {@link DestinationConformanceOptions.skip} to leave some out, with a reason).
 *
 * @example
 * // test/conformance.test.ts of a destination package
 * import { describeDestinationConformance } from "@dlt-ts/destination-tests";
 * import { sqlite } from "../src/index.js";
 *
 * describeDestinationConformance({
 *   name: "sqlite",
 *   destination: ({ testDir }) => sqlite({ credentials: path.join(testDir, "conformance.sqlite") }),
 * });
 */
export function describeDestinationConformance(options: DestinationConformanceOptions): void {
  describe(`${options.name} destination conformance`, () => {
    if (options.setup) beforeAll(options.setup, options.timeoutMs ?? 60_000);
    const caps = plannedCapabilities(options);
    for (const [caseName, { title, register }] of Object.entries(CASES) as [ConformanceCase, (typeof CASES)[ConformanceCase]][]) {
      describe(title, () => {
        const reason = skipReason(options, caseName);
        if (reason) {
          test.skip(`${title} — skipped: ${reason}`, () => undefined);
          return;
        }
        register(caseRegistrar(options, caseName), caps);
      });
    }
  });
}
