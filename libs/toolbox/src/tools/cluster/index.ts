// Tools that read the cluster: describe, events, scheduling, namespace errors, node utilization, rollouts, logs.
import type { ToolDefinition } from "../../tool-definition.js";
import { containerLogsTool } from "./container-logs.js";
import { describePodTool } from "./describe-pod.js";
import { failureEventsTool } from "./failure-events.js";
import { namespaceErrorsTool } from "./namespace-errors.js";
import { nodeUtilizationTool } from "./node-utilization.js";
import { rolloutHistoryTool } from "./rollout-history.js";
import { schedulingAnalysisTool } from "./scheduling-analysis.js";

export const clusterTools: readonly ToolDefinition[] = [
  describePodTool,
  failureEventsTool,
  schedulingAnalysisTool,
  namespaceErrorsTool,
  nodeUtilizationTool,
  rolloutHistoryTool,
  containerLogsTool,
];
