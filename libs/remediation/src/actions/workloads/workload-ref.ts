// Reading an action's target workload: the kinds an action accepts, the @vigil/kube reference of the target, and
// the live object (managedFields included, read with `get`, so the conflicting-writers check can judge the
// write). A target that does not exist is a refusal an on-call engineer can act on, not an HTTP 404.
import type { ResourceRef } from "@vigil/contracts";
import type { ObjectOf, ResourceRef as KubeRef } from "@vigil/kube";
import { ActionRefusal } from "../../action-implementation.js";
import type { KubeReader } from "../../kube-ops.js";

export type WorkloadKind = "Deployment" | "StatefulSet" | "DaemonSet";

/** "Deployment shop/web": how summaries and refusals name an object. */
export const describeObject = (ref: { kind: string; name: string; namespace?: string }): string =>
  `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ""}${ref.name}`;

/** The target as a @vigil/kube reference of one of `kinds` (a namespaced ref without a namespace means "default", as kubectl has it). */
export function targetRef<K extends WorkloadKind | "HorizontalPodAutoscaler">(target: ResourceRef, kinds: readonly K[]): KubeRef<K> {
  if (!(kinds as readonly string[]).includes(target.kind)) {
    throw new ActionRefusal(`this action applies to ${kinds.join(", ")}, not to ${describeObject(target)}`);
  }
  return { kind: target.kind as K, name: target.name, namespace: target.namespace ?? "default" };
}

/** The live object; a refusal naming it when it does not exist. */
export async function readTarget<K extends WorkloadKind | "HorizontalPodAutoscaler">(
  kube: KubeReader,
  ref: KubeRef<K>,
): Promise<ObjectOf<K>> {
  const obj = await kube.find(ref);
  if (!obj) throw new ActionRefusal(`${describeObject(ref)} does not exist (deleted or renamed since the proposal was made?)`);
  return obj;
}

/** The resourceVersion an approval and a live apply are bound to. */
export const subjectOf = (ref: KubeRef, obj: { metadata?: { resourceVersion?: string } }) => ({
  ref: { kind: ref.kind, name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}) },
  resourceVersion: obj.metadata?.resourceVersion ?? "",
});
