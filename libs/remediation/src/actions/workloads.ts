// Implementations of the catalog's scaling, resources, restarts and rollouts: scale_deployment, scale_statefulset, increase_resources, update_hpa, rollout_restart, rollback_deployment, pause_rollout, resume_rollout, restart_daemonset, restart_network, enable_debug_mode.
import type { ActionImplementation } from "../action-implementation.js";
import { enableDebugMode } from "./workloads/enable-debug-mode.js";
import { increaseResources } from "./workloads/increase-resources.js";
import { pauseRollout } from "./workloads/pause-rollout.js";
import { restartDaemonset } from "./workloads/restart-daemonset.js";
import { restartNetwork } from "./workloads/restart-network.js";
import { resumeRollout } from "./workloads/resume-rollout.js";
import { rollbackDeployment } from "./workloads/rollback-deployment.js";
import { rolloutRestart } from "./workloads/rollout-restart.js";
import { scaleDeployment } from "./workloads/scale-deployment.js";
import { scaleStatefulset } from "./workloads/scale-statefulset.js";
import { updateHpa } from "./workloads/update-hpa.js";

export const workloadActions: readonly ActionImplementation[] = [
  scaleDeployment,
  scaleStatefulset,
  increaseResources,
  updateHpa,
  rolloutRestart,
  rollbackDeployment,
  pauseRollout,
  resumeRollout,
  restartDaemonset,
  restartNetwork,
  enableDebugMode,
] as readonly ActionImplementation[];
