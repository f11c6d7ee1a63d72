// @vigil/analysis: analyzers in a registry, diagnoses with evidence and hypotheses, node telemetry windows
// and the cluster-analysis views. See README.md.
export * from "./analyzer-definition.js";
export { ANALYSIS_CACHED_KINDS } from "./cached-kinds.js";
export * from "./evidence.js";
export * from "./usage-view.js";
export * from "./telemetry/telemetry-view.js";
export { NodeTelemetry, type NodeTelemetryOptions, type NodeTelemetryStats } from "./telemetry/node-telemetry.js";
export { startTelemetryFeeds, type TelemetryFeeds, type TelemetryFeedsOptions } from "./telemetry/telemetry-feeds.js";
export { DiagnosisMemory } from "./memory/diagnosis-memory.js";
export { memoryThresholds } from "./telemetry/memory-thresholds.js";
export { recentNodeSamples, recentKernelEvents, telemetryWindows, windowText } from "./telemetry/recent-telemetry.js";
export { swapTrend, swapUsed, type SwapTrend, type SwapTrendName } from "./telemetry/swap-trend.js";
export { swapLatency, type SwapLatency } from "./telemetry/swap-latency.js";
export { oomScopeOf, oomKillCount, oomVictim, oomVictimRssBytes } from "./telemetry/oom-kills.js";
export { nodePressureView, type NodePressureResult } from "./views/node-pressure.js";
export { analyzers, analyzersFor, analyzerNamed } from "./analyzers/index.js";
export { analyzeObject, type AnalyzerFinding } from "./run-analyzers.js";
export {
  diagnose,
  resolveTarget,
  buildScope,
  noTroubleReason,
  NO_TROUBLE_ALERTS,
  CLUSTER_REF,
  type DiagnoseInput,
  type DiagnosisIncident,
  type ResolvedTarget,
  type ResolveOptions,
  type AlertSubject,
  type IncidentScope,
  type ScopeLimits,
} from "./diagnosis/index.js";
export { podScheduling, schedulingStatusOf } from "./views/scheduling.js";
export { explainScheduling } from "./views/scheduling-explain.js";
export {
  parseSchedulerMessage,
  categoryOfSchedulerReason,
  type ParsedSchedulerMessage,
  type SchedulerReason,
} from "./views/scheduler-messages.js";
// Cluster-analysis views of the REST API (pods, namespaces, nodes, the cluster).
export { describePod, DESCRIBE_EVENT_LIMIT } from "./views/describe.js";
export { podResourcesView, effectiveAmounts } from "./views/resources.js";
export { podFailureEventsView, recurrenceRate, ONGOING_WINDOW_MS } from "./views/failure-events.js";
export { FAILURE_REASONS, classifyFailure, type FailureReason, type FailureCategory } from "./views/failure-reasons.js";
export { namespaceErrorsView, podIssues as namespacePodIssues, NAMESPACE_ISSUE_DESCRIPTIONS } from "./views/namespace-errors.js";
export { nodeUtilizationView, type NodeUtilizationResult } from "./views/node-utilization.js";
export { podHealthScoreView } from "./views/health-score.js";
export { clusterPodIssuesView, CATEGORY_DESCRIPTIONS as POD_ISSUE_DESCRIPTIONS, type PodIssuesQuery } from "./views/pod-issues.js";
export { podStatusText } from "./views/pod-status.js";
export { formatDuration } from "./views/durations.js";
