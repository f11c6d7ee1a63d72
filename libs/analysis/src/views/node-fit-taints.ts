// Taints and tolerations as the TaintToleration and NodeUnschedulable filters see them: only NoSchedule and
// NoExecute taints keep a pod off a node (PreferNoSchedule only lowers the score), and a cordoned node
// (spec.unschedulable) refuses pods that do not tolerate node.kubernetes.io/unschedulable:NoSchedule.
import type { V1Node, V1Taint, V1Toleration } from "@kubernetes/client-node";
import { toleratesAny } from "@vigil/contracts";

/** "key=value:Effect" (or "key:Effect"), as kubectl prints taints. */
export const formatTaint = (t: V1Taint): string => `${t.key}${t.value ? `=${t.value}` : ""}:${t.effect}`;

const blocksScheduling = (t: V1Taint): boolean => t.effect === "NoSchedule" || t.effect === "NoExecute";

export interface TaintsFit {
  untolerated: V1Taint[];
  tolerated: V1Taint[];
  fits: boolean;
}

export function checkTaints(tolerations: readonly V1Toleration[], node: V1Node): TaintsFit {
  const untolerated: V1Taint[] = [];
  const tolerated: V1Taint[] = [];
  for (const taint of node.spec?.taints ?? []) {
    if (!blocksScheduling(taint)) continue;
    (toleratesAny(tolerations, taint) ? tolerated : untolerated).push(taint);
  }
  return { untolerated, tolerated, fits: untolerated.length === 0 };
}

const UNSCHEDULABLE_TAINT: V1Taint = { key: "node.kubernetes.io/unschedulable", effect: "NoSchedule" };
const NOT_READY_TAINTS: V1Taint[] = [
  { key: "node.kubernetes.io/not-ready", effect: "NoSchedule" },
  { key: "node.kubernetes.io/unreachable", effect: "NoSchedule" },
];

/** Cordoned, and the pod does not tolerate it (DaemonSet pods do). */
export const blockedByCordon = (tolerations: readonly V1Toleration[], node: V1Node): boolean =>
  node.spec?.unschedulable === true && !toleratesAny(tolerations, UNSCHEDULABLE_TAINT);

export const isNodeReady = (node: V1Node): boolean => node.status?.conditions?.find((c) => c.type === "Ready")?.status === "True";

/**
 * A node that is not Ready keeps the pod off unless the pod tolerates the not-ready / unreachable taints the
 * node lifecycle controller puts on it (DaemonSet pods do), whether or not the taint is there yet.
 */
export const blockedByNotReady = (tolerations: readonly V1Toleration[], node: V1Node): boolean =>
  !isNodeReady(node) && !NOT_READY_TAINTS.every((t) => toleratesAny(tolerations, t));
