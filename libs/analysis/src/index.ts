// @vigil/analysis: analyzers in a registry, diagnoses with evidence and hypotheses, node telemetry windows
// and the cluster-analysis views. See README.md.
export * from "./analyzer-definition.js";
export * from "./evidence.js";
export * from "./usage-view.js";
export * from "./telemetry/telemetry-view.js";
export { analyzers, analyzersFor, analyzerNamed } from "./analyzers/index.js";
export { analyzeObject, type AnalyzerFinding } from "./run-analyzers.js";
