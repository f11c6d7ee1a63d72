// What the network, budget and node analyzers need to know about pods, read from the cache: whether a pod
// counts (the endpoints controller and the disruption controller ignore finished and deleting pods), whether
// it is Ready and since when, why it is not, and which workload owns it (the object a fix would change).
import type { V1Pod } from "@kubernetes/client-node";
import type { ClusterCache } from "@vigil/kube";
import { ms } from "../../evidence.js";
import { isPodReady } from "../pod/pod-facts.js";

/** Neither finished nor being deleted: what a Service or a budget still counts. */
export const isActivePod = (p: V1Pod): boolean =>
  !p.metadata?.deletionTimestamp && p.status?.phase !== "Succeeded" && p.status?.phase !== "Failed";

const readyCondition = (p: V1Pod) => p.status?.conditions?.find((c) => c.type === "Ready");

/** Epoch ms since which the pod has been Ready, or undefined when it is not. */
export const readySince = (p: V1Pod): number | undefined => (isPodReady(p) ? (ms(readyCondition(p)?.lastTransitionTime) ?? 0) : undefined);

/** One short phrase saying why a pod is not ready: `CrashLoopBackOff (last: OOMKilled)`, `Pending`, `not ready`. */
export function notReadyReason(p: V1Pod): string {
  for (const s of [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])]) {
    const waiting = s.state?.waiting?.reason;
    const last = s.lastState?.terminated?.reason;
    if (waiting) return `${s.name}: ${waiting}${last ? ` (last: ${last})` : ""}`;
    const terminated = s.state?.terminated;
    if (terminated && terminated.exitCode !== 0) return `${s.name}: ${terminated.reason ?? "Error"} (exit ${terminated.exitCode})`;
  }
  if (p.status?.phase && p.status.phase !== "Running") return p.status.phase;
  const notReady = (p.status?.containerStatuses ?? []).filter((s) => !s.ready).map((s) => s.name);
  return notReady.length > 0 ? `containers not ready: ${notReady.join(", ")}` : "not ready";
}

export interface WorkloadRef {
  kind: string;
  name: string;
  namespace?: string;
}

/**
 * The workload that owns a pod, following the controller reference one step further for ReplicaSets (to their
 * Deployment) and Jobs (to their CronJob) when that owner is cached; a bare pod owns itself.
 */
export function workloadOf(cache: ClusterCache, pod: V1Pod): WorkloadRef {
  const namespace = pod.metadata?.namespace;
  const ctrl = pod.metadata?.ownerReferences?.find((r) => r.controller);
  if (!ctrl) return { kind: "Pod", name: pod.metadata?.name ?? "", ...(namespace ? { namespace } : {}) };
  if ((ctrl.kind === "ReplicaSet" || ctrl.kind === "Job") && cache.has(ctrl.kind)) {
    const owner = cache.get({ kind: ctrl.kind, name: ctrl.name, ...(namespace ? { namespace } : {}) });
    const up = owner?.metadata?.ownerReferences?.find((r) => r.controller);
    if (up) return { kind: up.kind, name: up.name, ...(namespace ? { namespace } : {}) };
  }
  return { kind: ctrl.kind, name: ctrl.name, ...(namespace ? { namespace } : {}) };
}

/** `Deployment storefront` */
export const describeWorkload = (w: WorkloadRef): string => `${w.kind} ${w.name}`;
