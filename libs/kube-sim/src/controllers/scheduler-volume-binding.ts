// kube-scheduler's VolumeBinding PreFilter (pkg/scheduler/framework/plugins/volumebinding): a pod whose claims are
// missing, being deleted, or unbound while their class binds immediately is rejected before any node is tried, as
// UnschedulableAndUnresolvable. A class that does not exist counts as immediate binding (volume.IsDelayBindingMode).
import type { Cluster } from "../cluster.js";
import { R } from "../api/resources.js";
import type { ScheduleResult } from "../scheduler/index.js";
import { PREEMPTION_NEVER, PREEMPTION_NOT_HELPFUL } from "../scheduler/failure-message.js";
import type { KubeObject, Pod } from "../types.js";

export const UNBOUND_IMMEDIATE_CLAIMS = "pod has unbound immediate PersistentVolumeClaims";
const BIND_COMPLETED = "pv.kubernetes.io/bind-completed";

/** isPVCFullyBound: the claim names its volume and the PV controller finished binding. */
const fullyBound = (pvc: KubeObject): boolean => !!pvc.spec?.volumeName && pvc.metadata.annotations?.[BIND_COMPLETED] !== undefined;

const delayBinding = (cluster: Cluster, pvc: KubeObject): boolean => {
  const className: string | undefined = pvc.spec?.storageClassName ?? undefined;
  if (!className) return false;
  return cluster.get(R.storageclasses, undefined, className)?.volumeBindingMode === "WaitForFirstConsumer";
};

/** The PreFilter's verdict on the pod's claims: a rejection reason, or undefined when it may go on to Filter. */
export const volumeBindingRejection = (cluster: Cluster, pod: Pod): string | undefined => {
  const ns = pod.metadata.namespace ?? "default";
  let unboundImmediate = false;
  for (const v of pod.spec.volumes ?? []) {
    const claimName = v.persistentVolumeClaim?.claimName;
    if (!claimName) continue;
    const pvc = cluster.get(R.pvcs, ns, claimName);
    if (!pvc) return `persistentvolumeclaim "${claimName}" not found`;
    if (pvc.metadata.deletionTimestamp) return `persistentvolumeclaim "${claimName}" is being deleted`;
    if (fullyBound(pvc)) continue;
    if (!delayBinding(cluster, pvc) || pvc.spec?.volumeName) unboundImmediate = true;
  }
  return unboundImmediate ? UNBOUND_IMMEDIATE_CLAIMS : undefined;
};

/**
 * FitError.Error() when PreFilter rejected the pod (1.27+): its message once, not a per-node histogram. Every node
 * then carries an UnschedulableAndUnresolvable status, so the preemption dry run finds no node where it could help.
 */
export const preFilterFitError = (numNodes: number, reason: string, preemptNever: boolean): string => {
  const head = `0/${numNodes} nodes are available`;
  const preemption = preemptNever ? PREEMPTION_NEVER : `${head}: ${numNodes} ${PREEMPTION_NOT_HELPFUL}.`;
  return `${head}: ${reason}. preemption: ${preemption}`;
};

/** The scheduling result when the pod's volumes keep it from being scheduled at all. */
export const volumeBindingFailure = (cluster: Cluster, pod: Pod, numNodes: number): ScheduleResult | undefined => {
  if (numNodes === 0 || !pod.spec.volumes?.length) return undefined;
  const reason = volumeBindingRejection(cluster, pod);
  return reason ? { message: preFilterFitError(numNodes, reason, pod.spec.preemptionPolicy === "Never") } : undefined;
};
