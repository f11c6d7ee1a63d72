// Stable finding codes: the analyzer's vocabulary, the rules engine's match keys and the CLI's filter
// values. A code is never renamed or reused for a different meaning; new ones are appended.
import { z } from "zod";

export const findingCodesByArea = {
  pod: [
    "POD_UNSCHEDULABLE",
    "POD_SCHEDULING_GATED",
    "POD_EVICTED",
    "POD_IMAGE_PULL_FAILED",
    "POD_CONTAINER_CONFIG_ERROR",
    "POD_CONTAINER_WAITING",
    "POD_CRASH_LOOP",
    "POD_OOM_KILLED",
    "POD_NON_ZERO_EXIT",
    "POD_LIVENESS_PROBE_FAILING",
    "POD_READINESS_PROBE_FAILING",
    "POD_STARTUP_PROBE_FAILING",
    "POD_STUCK_TERMINATING",
  ],
  workload: [
    "DEPLOYMENT_REPLICAS_UNAVAILABLE",
    "DEPLOYMENT_PROGRESS_DEADLINE_EXCEEDED",
    "DEPLOYMENT_ROLLOUT_PAUSED",
    "REPLICASET_FAILED_CREATE",
    "STATEFULSET_REPLICAS_UNAVAILABLE",
    "STATEFULSET_UPDATE_STUCK",
    "DAEMONSET_PODS_UNAVAILABLE",
    "DAEMONSET_MISSCHEDULED",
    "JOB_FAILED",
    "JOB_DEADLINE_EXCEEDED",
    "CRONJOB_LAST_RUN_FAILED",
    "CRONJOB_MISSED_SCHEDULE",
    "WORKLOAD_RECENT_ROLLOUT",
    "STATEFULSET_SERVICE_MISSING",
  ],
  network: [
    "SERVICE_NO_ENDPOINTS",
    "SERVICE_NO_READY_ENDPOINTS",
    "SERVICE_SELECTOR_MATCHES_NOTHING",
    "INGRESS_BACKEND_SERVICE_MISSING",
    "INGRESS_CLASS_MISSING",
    "INGRESS_TLS_SECRET_MISSING",
    "NETWORK_POLICY_SELECTS_NOTHING",
    "NETWORK_POLICY_DENIES_ALL",
  ],
  storage: ["PVC_PENDING", "PVC_LOST", "PVC_NEARLY_FULL", "PVC_FULL", "PV_FAILED"],
  node: [
    "NODE_NOT_READY",
    "NODE_MEMORY_PRESSURE",
    "NODE_DISK_PRESSURE",
    "NODE_PID_PRESSURE",
    "NODE_NETWORK_UNAVAILABLE",
    "NODE_UNSCHEDULABLE",
    "NODE_CONDITION_FAILING",
  ],
  autoscaling: ["HPA_AT_MAX_REPLICAS", "HPA_UNABLE_TO_SCALE", "HPA_METRICS_UNAVAILABLE"],
  budget: ["PDB_BLOCKING_DISRUPTION", "PDB_SELECTS_NOTHING"],
  /** Vigil's own, from kernel events and collector samples: evidence Kubernetes does not have. */
  kernel: [
    "KERNEL_CONTAINER_OOM",
    "KERNEL_NODE_OOM",
    "KERNEL_OOM_UNSEEN_BY_KUBERNETES",
    "NODE_MEMORY_PSI_HIGH",
    "NODE_SWAP_PRESSURE",
    "NODE_SWAP_STALLS",
  ],
} as const;

export type FindingArea = keyof typeof findingCodesByArea;
export type FindingCode = (typeof findingCodesByArea)[FindingArea][number];

export const findingCodes: readonly FindingCode[] = Object.values(findingCodesByArea).flat();
export const findingCode = z.enum(findingCodes as [FindingCode, ...FindingCode[]], {
  error: (iss) => `unknown finding code ${JSON.stringify(iss.input)}`,
});

const areaOf = new Map<FindingCode, FindingArea>(
  (Object.entries(findingCodesByArea) as Array<[FindingArea, readonly FindingCode[]]>).flatMap(([area, codes]) =>
    codes.map((c) => [c, area] as const),
  ),
);

/** The analyzer area a code belongs to (pod, workload, network, storage, node, autoscaling, budget, kernel). */
export function findingArea(code: FindingCode): FindingArea {
  return areaOf.get(code)!;
}
