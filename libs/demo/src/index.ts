// @vigil/demo: `npm run demo` — realistic Alertmanager alerts for several simulator scenarios, each incident followed
// live through every service on the cluster's virtual clock, and a summary table at the end.
export { alertmanagerPayload, type AlertOccurrence, type PayloadOptions, type RuleAlert } from "./alertmanager-payload.js";
export { evaluatedAlertnames, stillFiring } from "./alert-rules.js";
export { removeScenario, switchScenario } from "./cluster-reset.js";
export { DEFAULT_SCENARIOS, demoScenario, demoScenarioNames, type DemoScenario } from "./demo-scenarios.js";
export { describeEffect, readPath } from "./effect.js";
export { parseCli, USAGE, UsageError, type CliOptions } from "./options.js";
export { PipelineWatch, type PipelineEvent } from "./pipeline-watch.js";
export type { RoundRecord, ScenarioRecord } from "./run-record.js";
export { PIPELINE_SERVICES, runDemo, type DemoOptions, type DemoResult } from "./run-demo.js";
export { describeEvent, formatLine, parametersText } from "./stage-lines.js";
export { renderSummary, summaryRow, type SummaryRow } from "./summary.js";
