// @vigil/stack: all of Vigil on one machine — NATS, an embedded PostgreSQL, the simulator when there is no cluster,
// and the seven services as their own processes with readable logs. `npm start` and `npm run demo` are wiring over it.
export * from "./stack-options.js";
export { startStack } from "./stack.js";
export { buildQuietly, readBuildLine, failedTaskOutput, type BuildOptions, type BuildReport } from "./build.js";
export { serviceEnvironment, type Wiring } from "./service-env.js";
export { claimDataDir, type RunRecord } from "./run-record.js";
export { readinessSummary, SERVICE_OFFERS, type SummaryOptions } from "./summary.js";
export { formatLogLine, formatStackLine, type LineStyle } from "./log-format.js";
export { RepeatFolder } from "./repeat-fold.js";
export { resolveStackOptions, DEFAULT_SCENARIO, portVariable, type ResolvedStackOptions, type Environment } from "./resolve-options.js";
