export * from "./relational/relational-normalizer.js";
export * from "./relational/dlt-id.js";
export * from "./writers/index.js";
export * from "./stage/normalize-stage.js";
export * from "./stage/normalizing-target.js";
