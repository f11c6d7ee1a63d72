// Schemas of the analyzer API: scheduling (`GET /api/v1/pods/{ns}/{pod}/scheduling` and `.../scheduling/explain`).
// Field names follow k8s-cluster-agent's README (`schedulingReasons`, `schedulingEvents`; its code says
// `schedulingDecisions` and `events`, the README is the published contract). Additions are marked "beyond the seed".
import { z } from "zod";

/**
 * Why nodes refuse a pod: the seed's categories, plus TooManyPods, HostPortConflict, NodeUnschedulable, PVCUnbound,
 * InsufficientExtendedResource and TopologySpreadConstraint (beyond the seed), so no common message lands in Miscellaneous.
 */
export const schedulingFailureCategory = z.enum([
  "InsufficientCPU",
  "InsufficientMemory",
  "InsufficientStorage",
  "InsufficientExtendedResource",
  "TooManyPods",
  "HostPortConflict",
  "VolumeAttachmentError",
  "VolumeMultiAttachError",
  "VolumeNodeAffinityConflict",
  "PVCUnbound",
  "NodeAffinityNotMatch",
  "TaintTolerationMismatch",
  "PodAffinityConflict",
  "TopologySpreadConstraint",
  "NodeNotReady",
  "NodeUnschedulable",
  "Miscellaneous",
]);
export type SchedulingFailureCategory = z.infer<typeof schedulingFailureCategory>;

export const schedulingStatus = z.enum(["Scheduled", "Pending", "Failed"]);

export const schedulingEvent = z.object({
  type: z.string(),
  reason: z.string(),
  message: z.string(),
  timestamp: z.iso.datetime().optional(),
  count: z.number().int(),
  /** Component that reported it (default-scheduler, cluster-autoscaler...). Beyond the seed. */
  source: z.string().optional(),
});

/** One "<count> <reason>" of a FailedScheduling message, with the category it counts towards. */
export const schedulerReasonCount = z.object({ count: z.number().int(), reason: z.string(), category: schedulingFailureCategory });

/** The scheduler's latest verdict, parsed (beyond the seed). */
export const schedulerVerdict = z.object({
  message: z.string(),
  timestamp: z.iso.datetime().optional(),
  /** Nodes the scheduler considered ("0/N nodes are available"). */
  totalNodes: z.number().int().optional(),
  reasons: z.array(schedulerReasonCount),
  /** The preemption dry run's part, e.g. "0/3 nodes are available: 3 Preemption is not helpful for scheduling." */
  preemption: z.string().optional(),
});

export const unschedulableNode = z.object({
  nodeName: z.string(),
  reasons: z.array(z.string()),
  untoleratedTaints: z.array(z.string()),
  unmatchedAffinity: z.array(z.string()),
  unmatchedSelectors: z.array(z.string()),
  insufficientResources: z.array(z.string()),
  podAffinityConflicts: z.array(z.string()),
  /** PVC / PV problems on this node (beyond the seed). */
  volumeIssues: z.array(z.string()),
  categories: z.array(schedulingFailureCategory),
});

export const failureSummaryEntry = z.object({
  category: schedulingFailureCategory,
  /** Nodes failing this way: from the latest scheduler message when it names the category, else the nodes found here. */
  count: z.number().int(),
  description: z.string(),
  /** The nodes the per-node analysis finds failing this way (never every event credited to every node). */
  nodes: z.array(z.string()),
  /** Where `count` comes from (beyond the seed). */
  countSource: z.enum(["scheduler", "analysis"]),
});

export const podCondition = z.object({
  type: z.string(),
  status: z.string(),
  reason: z.string().optional(),
  message: z.string().optional(),
  lastTransitionTime: z.iso.datetime().optional(),
});

export const podSchedulingResponse = z.object({
  namespace: z.string(),
  podName: z.string(),
  status: schedulingStatus,
  nodeName: z.string().optional(),
  schedulerName: z.string(),
  nodeSelector: z.record(z.string(), z.string()),
  tolerations: z.array(z.record(z.string(), z.unknown())),
  affinity: z.record(z.string(), z.unknown()).nullable(),
  priority: z.number().int(),
  priorityClassName: z.string(),
  /** For a scheduled pod: why its node fitted. */
  schedulingReasons: z.array(z.string()),
  /** FailedScheduling, Scheduled, Preempted, NotTriggerScaleUp and anything from default-scheduler; newest first. */
  schedulingEvents: z.array(schedulingEvent),
  conditions: z.array(podCondition),
  failureCategories: z.array(schedulingFailureCategory).optional(),
  failureSummary: z.array(failureSummaryEntry).optional(),
  unschedulableNodes: z.array(unschedulableNode).optional(),
  schedulerVerdict: schedulerVerdict.optional(),
});
export type PodSchedulingResponse = z.infer<typeof podSchedulingResponse>;

/** One resource of one node: what the pod asks against what is free (allocatable − requests of pods already there). */
export const resourceFit = z.object({
  resource: z.string(),
  requested: z.string(),
  allocatable: z.string(),
  alreadyRequested: z.string(),
  free: z.string(),
  fits: z.boolean(),
  /** How much more the pod asks than is free; absent when it fits. */
  shortfall: z.string().optional(),
});

export const nodeExplanation = z.object({
  nodeName: z.string(),
  ready: z.boolean(),
  schedulable: z.boolean(),
  fits: z.boolean(),
  resources: z.object({
    fits: z.boolean(),
    items: z.array(resourceFit),
    pods: z.object({ allocatable: z.number().int(), used: z.number().int(), fits: z.boolean() }),
    hostPortConflicts: z.array(z.string()),
  }),
  affinity: z.object({ fits: z.boolean(), unmatchedSelectors: z.array(z.string()), unmatchedAffinity: z.array(z.string()) }),
  taints: z.object({ fits: z.boolean(), untolerated: z.array(z.string()), tolerated: z.array(z.string()) }),
  podAffinity: z.object({ fits: z.boolean(), conflicts: z.array(z.string()) }),
  volumes: z.object({ fits: z.boolean(), issues: z.array(z.string()), notes: z.array(z.string()) }),
  reasons: z.array(z.string()),
  categories: z.array(schedulingFailureCategory),
});

export const schedulingExplainResponse = z.object({
  namespace: z.string(),
  podName: z.string(),
  status: schedulingStatus,
  nodeName: z.string().optional(),
  /** What the pod asks of a node, init containers and overhead counted as the scheduler does. */
  podRequests: z.record(z.string(), z.string()),
  totalNodes: z.number().int(),
  feasibleNodes: z.array(z.string()),
  /** Nodes failing each check; a node failing several checks counts in each. */
  filteredByNotReady: z.number().int(),
  filteredByUnschedulable: z.number().int(),
  filteredByResources: z.number().int(),
  filteredByTaints: z.number().int(),
  filteredByAffinity: z.number().int(),
  filteredByPodAffinity: z.number().int(),
  filteredByVolumes: z.number().int(),
  nodes: z.array(nodeExplanation),
  recommendation: z.string(),
  possibleActions: z.array(z.string()),
  schedulerVerdict: schedulerVerdict.optional(),
});
export type SchedulingExplainResponse = z.infer<typeof schedulingExplainResponse>;
