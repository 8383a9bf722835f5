export * from "./loader.js";
export * from "./loader-options.js";
export * from "./load-result.js";
export * from "./load-exceptions.js";
export * from "./describe-error.js";
export * from "./loader-config.js";
