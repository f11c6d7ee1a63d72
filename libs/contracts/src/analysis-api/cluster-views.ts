// Schemas of the analyzer API: namespace errors, node utilization and cluster pod issues. Field names are
// k8s-cluster-agent's (README examples, and its code for the endpoints added after the README); additions
// are marked.
import { z } from "zod";
import { viewSeverity } from "./pod-views.js";

const isoTime = z.iso.datetime();

export const namespaceIssueType = z.enum([
  "HighRestarts",
  "Pending",
  "Failed",
  "CrashLoopBackOff",
  "ImagePullError",
  "ResourceConstraints",
  "Unschedulable",
]);
export type NamespaceIssueType = z.infer<typeof namespaceIssueType>;

export const namespaceErrors = z.object({
  namespace: z.string(),
  analysisTime: isoTime,
  totalPodsAnalyzed: z.number().int(),
  problematicPodsCount: z.number().int(),
  healthyPodsCount: z.number().int(),
  restartThresholdUsed: z.number().int(),
  summary: z.array(
    z.object({ issueType: namespaceIssueType, count: z.number().int(), description: z.string(), affectedPods: z.array(z.string()) }),
  ),
  problematicPods: z.array(
    z.object({
      name: z.string(),
      namespace: z.string(),
      ownerKind: z.string(),
      ownerName: z.string(),
      phase: z.string(),
      restartCount: z.number().int(),
      age: z.string(),
      issues: z.array(
        z.object({ type: namespaceIssueType, description: z.string(), severity: viewSeverity, details: z.string().optional() }),
      ),
      recentEvents: z.array(
        z.object({ type: z.string(), reason: z.string(), message: z.string(), lastTimestamp: isoTime.optional(), count: z.number().int() }),
      ),
    }),
  ),
  criticalIssuesCount: z.number().int(),
  warningIssuesCount: z.number().int(),
});
export type NamespaceErrors = z.infer<typeof namespaceErrors>;

export const nodeUtilization = z.object({
  nodeName: z.string(),
  /** Quantities in Kubernetes form: CPU in millicores ("500m"), memory in binary units ("2Gi", "1536Mi"). */
  cpuUsage: z.string(),
  cpuCapacity: z.string(),
  /** usage ÷ capacity × 100, clamped to [0, 100], as the seed computes it. */
  cpuPercentage: z.number(),
  memoryUsage: z.string(),
  memoryCapacity: z.string(),
  memoryPercentage: z.number(),
  /** When metrics-server measured it (cluster time). */
  timestamp: isoTime,
  /** Additions: against allocatable (what pods may use), which is what pressure and scheduling are about. */
  cpuAllocatable: z.string(),
  cpuAllocatablePercentage: z.number(),
  memoryAllocatable: z.string(),
  memoryAllocatablePercentage: z.number(),
  /** Addition: the interval metrics-server averaged over. */
  windowSeconds: z.number().optional(),
});
export type NodeUtilization = z.infer<typeof nodeUtilization>;

export const podIssueCategory = z.enum([
  "CrashLoopBackOff",
  "ImagePullError",
  "PendingScheduling",
  "OOMKilled",
  "Evicted",
  "Failed",
  "Unhealthy",
  "InitContainerError",
  "ConfigurationError",
]);
export type PodIssueCategory = z.infer<typeof podIssueCategory>;

export const clusterPodIssue = z.object({
  podName: z.string(),
  namespace: z.string(),
  category: podIssueCategory,
  severity: viewSeverity,
  reason: z.string(),
  message: z.string(),
  count: z.number().int(),
  firstSeen: isoTime.optional(),
  lastSeen: isoTime.optional(),
  isRecurring: z.boolean(),
  nodeName: z.string().optional(),
  containerName: z.string().optional(),
});
export type ClusterPodIssue = z.infer<typeof clusterPodIssue>;

export const clusterPodIssues = z.object({
  /** Addition: the cluster time this analysis describes (served from a snapshot at most a few seconds old). */
  analysisTime: isoTime,
  totalPods: z.number().int(),
  healthyPods: z.number().int(),
  unhealthyPods: z.number().int(),
  issueCategories: z.record(z.string(), z.number().int()),
  issuesByNamespace: z.record(
    z.string(),
    z.object({
      namespace: z.string(),
      /** Pods of the namespace (the seed counted only the unhealthy ones here). */
      totalPods: z.number().int(),
      /** Addition: pods of the namespace with at least one issue. */
      unhealthyPods: z.number().int(),
      issuesCount: z.number().int(),
      criticalCount: z.number().int(),
      warningCount: z.number().int(),
      /** At most 5, most severe first. */
      topIssues: z.array(clusterPodIssue),
    }),
  ),
  /** At most 10 (category, severity) groups, each naming at most 5 pods ("... and N more"). */
  topIssues: z.array(
    z.object({
      category: podIssueCategory,
      count: z.number().int(),
      severity: viewSeverity,
      description: z.string(),
      affectedPods: z.array(z.string()),
    }),
  ),
  issueVelocity: z.object({
    /** Issues that started (firstSeen) within the last hour / 24 h of cluster time. */
    newIssuesLastHour: z.number().int(),
    newIssuesLast24h: z.number().int(),
    /** Pods with Warning events in the window that have no issue now. */
    resolvedLastHour: z.number().int(),
    resolvedLast24h: z.number().int(),
    trendDirection: z.enum(["improving", "stable", "degrading"]),
    velocityPerHour: z.number(),
  }),
  /** (category, reason) shared by ≥ 3 issues; the 5 largest, with the labels all their pods share. */
  patterns: z.array(
    z.object({
      type: podIssueCategory,
      description: z.string(),
      count: z.number().int(),
      namespaces: z.array(z.string()),
      commonLabels: z.record(z.string(), z.string()),
      firstSeen: isoTime.optional(),
      lastSeen: isoTime.optional(),
    }),
  ),
  /** At most 20, most recent first. */
  criticalIssues: z.array(clusterPodIssue),
  calculatedAt: isoTime,
  /** Addition: the scope and filter applied ("all" = every namespace). */
  namespace: z.string(),
  severity: viewSeverity.optional(),
});
export type ClusterPodIssues = z.infer<typeof clusterPodIssues>;

/** `?namespace=&severity=`: namespace absent or "all" = every namespace. */
export const clusterPodIssuesQuery = z.object({
  namespace: z.string().optional(),
  severity: viewSeverity.optional(),
});
