// What an action must know about a pod before it disrupts it: whether a controller would recreate it, whether it
// is a static pod's mirror, whether it is already going or finished, whether it keeps data in an emptyDir. These
// are the facts kubectl drain's filters judge (k8s.io/kubectl/pkg/drain/filters.go); restart_pod, drain_node,
// migrate_workload and quarantine_pod share them so the four never disagree about the same pod.
import type { V1OwnerReference, V1Pod } from "@kubernetes/client-node";
import type { DisruptedPod } from "../../consequences.js";

/** Set by the kubelet on the API-server copy of a static pod: deleting it does nothing, the kubelet recreates it. */
export const MIRROR_ANNOTATION = "kubernetes.io/config.mirror";

/** `namespace/name`, as an on-call engineer types it. */
export const podKey = (pod: V1Pod): string => `${pod.metadata?.namespace ?? "default"}/${pod.metadata?.name ?? ""}`;

/** The ownerReference with controller=true (metav1.GetControllerOf): the object that recreates the pod. */
export const controllerOf = (pod: V1Pod): V1OwnerReference | undefined => pod.metadata?.ownerReferences?.find((r) => r.controller === true);

export const isMirrorPod = (pod: V1Pod): boolean => pod.metadata?.annotations?.[MIRROR_ANNOTATION] !== undefined;

export const isTerminating = (pod: V1Pod): boolean => pod.metadata?.deletionTimestamp != null;

/** Succeeded or Failed: its containers run no more, it holds no node resources. */
export const isFinished = (pod: V1Pod): boolean => pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed";

/** kubectl's hasLocalStorage: an emptyDir volume, whose data dies with the pod. */
export const hasEmptyDir = (pod: V1Pod): boolean => (pod.spec?.volumes ?? []).some((v) => v.emptyDir != null);

export const isDaemonSetPod = (pod: V1Pod): boolean => controllerOf(pod)?.kind === "DaemonSet";

/**
 * Why no controller would bring the pod back if it were deleted or evicted, or undefined when one would. A mirror
 * pod is the kubelet's reflection of a manifest file on the node; a pod without a controller reference is gone for
 * good once deleted.
 */
export function whyNotRecreated(pod: V1Pod): string | undefined {
  const node = pod.spec?.nodeName ?? "its node";
  if (isMirrorPod(pod) || controllerOf(pod)?.kind === "Node")
    return `pod ${podKey(pod)} is the mirror of a static pod (annotation ${MIRROR_ANNOTATION}): the kubelet on ${node} runs it from a manifest file and deleting it through the API does nothing; change or move the manifest on the node instead`;
  if (!controllerOf(pod))
    return `pod ${podKey(pod)} has no controller (no ownerReference with controller=true): nothing would recreate it, so deleting it would lose it for good; delete it yourself if that is intended, or run it under a Deployment`;
  return undefined;
}

/** The pod as the policy's preflight counts it (PDB headroom, pods disrupted at once). */
export const disruptedPod = (pod: V1Pod, how: DisruptedPod["how"]): DisruptedPod => ({
  namespace: pod.metadata?.namespace ?? "default",
  name: pod.metadata?.name ?? "",
  labels: { ...pod.metadata?.labels },
  how,
});

/** An instant as the record stores it (client-node models carry Dates). */
export const isoOf = (t: Date | string | undefined | null): string | null => (t == null ? null : new Date(t).toISOString());
