export { describeDestinationConformance } from "./conformance-suite.js";
export {
  CONFORMANCE_CASES,
  type ConformanceCase,
  type ConformanceContext,
  type ConformanceFaults,
  type DestinationConformanceOptions,
} from "./conformance-options.js";
export { withFailingJobs } from "./faulty-destination.js";
export { canonical, canonicalDecimal, columnValue, countRows, readRows, selectAll } from "./read-back.js";
export { roundTripRows, ROUND_TRIP_COLUMNS } from "./cases/data-types.cases.js";
