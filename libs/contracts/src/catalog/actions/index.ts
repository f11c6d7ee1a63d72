import { backupVolume } from "./backup-volume.js";
import { cleanupFailedPods } from "./cleanup-failed-pods.js";
import { collectDiagnostics } from "./collect-diagnostics.js";
import { cordonNode } from "./cordon-node.js";
import { deleteCompletedJobs } from "./delete-completed-jobs.js";
import { drainNode } from "./drain-node.js";
import { enableDebugMode } from "./enable-debug-mode.js";
import { escalate } from "./escalate.js";
import { expandPvc } from "./expand-pvc.js";
import { increaseResources } from "./increase-resources.js";
import { migrateWorkload } from "./migrate-workload.js";
import { notifyOnly } from "./notify-only.js";
import { pauseRollout } from "./pause-rollout.js";
import { quarantinePod } from "./quarantine-pod.js";
import { restartDaemonset } from "./restart-daemonset.js";
import { restartNetwork } from "./restart-network.js";
import { restartPod } from "./restart-pod.js";
import { resumeRollout } from "./resume-rollout.js";
import { rollbackDeployment } from "./rollback-deployment.js";
import { rolloutRestart } from "./rollout-restart.js";
import { rotateSecrets } from "./rotate-secrets.js";
import { runRepairJob } from "./run-repair-job.js";
import { scaleDeployment } from "./scale-deployment.js";
import { scaleStatefulset } from "./scale-statefulset.js";
import { suspendCronjob } from "./suspend-cronjob.js";
import { uncordonNode } from "./uncordon-node.js";
import { updateHpa } from "./update-hpa.js";
import { updateNetworkPolicy } from "./update-network-policy.js";

/** Every catalog action, grouped as the docs present them. */
export const builtinActions = [
  // scaling and resources
  scaleDeployment,
  scaleStatefulset,
  increaseResources,
  updateHpa,
  // restarts and rollouts
  restartPod,
  rolloutRestart,
  rollbackDeployment,
  pauseRollout,
  resumeRollout,
  // nodes
  cordonNode,
  uncordonNode,
  drainNode,
  migrateWorkload,
  // isolation
  quarantinePod,
  updateNetworkPolicy,
  // storage and cleanup
  expandPvc,
  backupVolume,
  cleanupFailedPods,
  deleteCompletedJobs,
  suspendCronjob,
  // infrastructure and operators
  restartDaemonset,
  restartNetwork,
  rotateSecrets,
  runRepairJob,
  // debugging
  collectDiagnostics,
  enableDebugMode,
  // humans
  notifyOnly,
  escalate,
] as const;
