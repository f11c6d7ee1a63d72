// Implementations of the catalog's pods, nodes, isolation and cleanup: restart_pod, cordon_node, uncordon_node, drain_node, migrate_workload, quarantine_pod, update_network_policy, cleanup_failed_pods, delete_completed_jobs, suspend_cronjob.
import type { ActionImplementation } from "../action-implementation.js";
import { cleanupFailedPods } from "./pods-and-nodes/cleanup-failed-pods.js";
import { cordonNode } from "./pods-and-nodes/cordon-node.js";
import { deleteCompletedJobs } from "./pods-and-nodes/delete-completed-jobs.js";
import { drainNode } from "./pods-and-nodes/drain-node.js";
import { migrateWorkload } from "./pods-and-nodes/migrate-workload.js";
import { quarantinePod } from "./pods-and-nodes/quarantine-pod.js";
import { restartPod } from "./pods-and-nodes/restart-pod.js";
import { suspendCronjob } from "./pods-and-nodes/suspend-cronjob.js";
import { uncordonNode } from "./pods-and-nodes/uncordon-node.js";
import { updateNetworkPolicy } from "./pods-and-nodes/update-network-policy.js";

export const podAndNodeActions: readonly ActionImplementation[] = [
  restartPod,
  cordonNode,
  uncordonNode,
  drainNode,
  migrateWorkload,
  quarantinePod,
  updateNetworkPolicy,
  cleanupFailedPods,
  deleteCompletedJobs,
  suspendCronjob,
] as readonly ActionImplementation[];
