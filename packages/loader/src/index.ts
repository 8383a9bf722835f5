export * from "./load/loader.js";
export * from "./load/loader-options.js";
export * from "./load/load-result.js";
export * from "./load/load-exceptions.js";
export { describeError } from "./load/describe-error.js";
