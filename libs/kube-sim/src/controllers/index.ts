// The control plane's controllers, in the order one pass runs them: workload controllers create pods, the
// scheduler binds them, kubelets run them, then everything that observes the result.
import type { Controller } from "./controller.js";
import { ServiceAccountController } from "./service-account.js";
import { DeploymentController } from "./deployment.js";
import { ReplicaSetController } from "./replicaset.js";
import { StatefulSetController } from "./statefulset.js";
import { DaemonSetController } from "./daemonset.js";
import { JobController } from "./job.js";
import { CronJobController } from "./cronjob.js";
import { GarbageCollector } from "./garbage-collector.js";
import { EndpointsController } from "./endpoints.js";
import { EndpointSliceController } from "./endpointslice.js";
import { ResourceQuotaController } from "./resource-quota.js";
import { PersistentVolumeController } from "./persistent-volume.js";
import { DisruptionController } from "./disruption.js";
import { SchedulerController } from "./scheduler.js";
import { NodeLifecycleController } from "./node-lifecycle.js";
import { PodGarbageCollector } from "./pod-gc.js";
import { HorizontalPodAutoscalerController } from "./hpa.js";
import { Kubelet } from "../kubelet/kubelet.js";
import { NodeStatusReporter } from "../kubelet/node-status.js";
import { EvictionManager } from "../kubelet/eviction-manager.js";
import { ClusterRoleAggregationController } from "../auth/aggregation.js";

export type { Controller } from "./controller.js";

export const defaultControllers = (): Controller[] => [
  // First, so a quota created with the objects it limits has its status (and so takes effect) before they are admitted.
  new ResourceQuotaController(),
  new ServiceAccountController(),
  new GarbageCollector(),
  new CronJobController(),
  new JobController(),
  new DeploymentController(),
  new ReplicaSetController(),
  new StatefulSetController(),
  new DaemonSetController(),
  new PersistentVolumeController(),
  new NodeStatusReporter(),
  new NodeLifecycleController(),
  new PodGarbageCollector(),
  new SchedulerController(),
  new Kubelet(),
  new EvictionManager(),
  new EndpointsController(),
  new EndpointSliceController(),
  new DisruptionController(),
  new HorizontalPodAutoscalerController(),
  new ClusterRoleAggregationController(),
];
