// Resource metrics as metrics-server and the kubelet's /stats/summary report them, computed from simulated usage.
export { nodeMetrics, podMetrics, podContainerUsage, METRICS_WINDOW } from "./resource-metrics.js";
export { statsSummary, volumeUsage } from "./stats-summary.js";
export { cadvisorMetrics } from "./cadvisor.js";
export { activePodsByNode, nodeUsage, observedNodeUsage, podTotals, type NodeUsage } from "./node-usage.js";
