export * from "./destination.decorator.js";
export * from "./destination-from.js";
export * from "./sink-destination.js";
export * from "./sink-job-client.js";
export * from "./to-sink-destination.js";
export * from "./sink-exceptions.js";
export * from "./sink-options.js";
