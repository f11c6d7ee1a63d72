// Response schemas of the analyzer's REST API (`data` of the success envelope), one file per group of
// endpoints; the analyzer validates against them in tests and generates its OpenAPI document from them.
export * from "./pod-views.js";
export * from "./cluster-views.js";
export * from "./scheduling.js";
export * from "./node-pressure.js";
export * from "./incidents.js";
