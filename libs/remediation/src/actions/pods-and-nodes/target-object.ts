// Reading an action's target: a missing object is a refusal an on-call engineer can act on (the proposal is
// stale), never a stack trace; a target without the namespace its kind needs is refused the same way.
import type { ResourceRef } from "@vigil/contracts";
import { KINDS, type KindName, type ObjectOf } from "@vigil/kube";
import { ActionRefusal } from "../../action-implementation.js";
import type { KubeReader } from "../../kube-ops.js";

/** `Pod shop/web-1`, `Node worker-1`. */
export const describeTarget = (ref: { kind: string; name: string; namespace?: string | undefined }): string =>
  `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ""}${ref.name}`;

/** The namespace of a namespaced target; refused when the proposal left it out. */
export function namespaceOf(target: ResourceRef): string {
  if (!target.namespace) throw new ActionRefusal(`${describeTarget(target)} names no namespace; a ${target.kind} lives in one`);
  return target.namespace;
}

/** The live object the target names (read from the API server, managedFields included), or a refusal. */
export async function readTarget<K extends KindName>(kube: KubeReader, kind: K, target: ResourceRef): Promise<ObjectOf<K>> {
  const ref = KINDS[kind].namespaced ? { kind, name: target.name, namespace: namespaceOf(target) } : { kind, name: target.name };
  const obj = await kube.find(ref);
  if (!obj) throw new ActionRefusal(`${describeTarget(ref)} does not exist (any more): the proposal is stale`);
  return obj;
}

/** The subject an approval binds to: the target as read while planning. */
export const subjectOf = (target: ResourceRef, obj: { metadata?: { resourceVersion?: string } }) => ({
  ref: target,
  resourceVersion: obj.metadata?.resourceVersion ?? "",
});
