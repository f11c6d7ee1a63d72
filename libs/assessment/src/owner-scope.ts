// Scoping to the owner: which pods, alerts, events and samples are about the workload an action was for. Pods
// in the cache are followed up their ownerReferences; a pod that is gone (restarted, replaced by a rollout) is
// recognised by the name its controller generated, so an alert or a sample of the pod an action deleted still
// counts for the owner. Nothing here touches the API server.
import type { V1Pod } from "@kubernetes/client-node";
import type { ResourceRef } from "@vigil/contracts";
import type { ClusterCache } from "@vigil/kube";

type Cache = Pick<ClusterCache, "store">;

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The pod names a controller of this kind generates from its own name (undefined: not a pod controller). */
export function generatedPodName(owner: Pick<ResourceRef, "kind" | "name">): RegExp | undefined {
  const name = escape(owner.name);
  switch (owner.kind) {
    case "Deployment":
      return new RegExp(`^${name}-[a-z0-9]{1,10}-[a-z0-9]{5}$`);
    case "StatefulSet":
      return new RegExp(`^${name}-\\d+$`);
    case "DaemonSet":
    case "ReplicaSet":
    case "Job":
      return new RegExp(`^${name}-[a-z0-9]{5}$`);
    case "CronJob":
      return new RegExp(`^${name}-\\d+-[a-z0-9]{5}$`);
    default:
      return undefined;
  }
}

/** Whether the pod (cached, or only named) belongs to `owner`: by ownerReferences when cached, else by its generated name. */
export function podBelongsTo(cache: Cache, pod: { namespace?: string; name: string }, owner: ResourceRef): boolean {
  if (owner.kind === "Pod") return pod.name === owner.name && pod.namespace === owner.namespace;
  if (owner.kind === "Node") {
    const cached = cache.store("Pod").get(pod.name, pod.namespace);
    return cached?.spec?.nodeName === owner.name;
  }
  if (pod.namespace !== owner.namespace) return false;
  const cached = cache.store("Pod").get(pod.name, pod.namespace);
  if (cached) return ownedBy(cache, cached, owner);
  return generatedPodName(owner)?.test(pod.name) ?? false;
}

/** The live pods of `owner` (a Deployment's through its ReplicaSets; a Node's are the pods bound to it). */
export function podsOf(cache: Cache, owner: ResourceRef): V1Pod[] {
  const pods = cache.store("Pod");
  if (owner.kind === "Pod") {
    const p = pods.get(owner.name, owner.namespace);
    return p ? [p] : [];
  }
  if (owner.kind === "Node") return pods.byIndex("node", owner.name);
  return pods.list({ namespace: owner.namespace }).filter((p) => ownedBy(cache, p, owner));
}

/** Whether `ref` (an alert's target, an event's involved object) is the owner, one of its pods, or its ReplicaSet. */
export function refBelongsTo(cache: Cache, ref: Pick<ResourceRef, "kind" | "name" | "namespace">, owner: ResourceRef): boolean {
  if (ref.kind === owner.kind && ref.name === owner.name && (ref.namespace ?? "") === (owner.namespace ?? "")) return true;
  if (ref.kind === "Pod") return podBelongsTo(cache, { name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}) }, owner);
  if (ref.kind === "ReplicaSet" && owner.kind === "Deployment" && ref.namespace === owner.namespace) {
    const rs = cache.store("ReplicaSet").get(ref.name, ref.namespace);
    const controller = rs?.metadata?.ownerReferences?.find((o) => o.controller) ?? rs?.metadata?.ownerReferences?.[0];
    return controller
      ? controller.kind === "Deployment" && controller.name === owner.name
      : new RegExp(`^${escape(owner.name)}-[a-z0-9]{1,10}$`).test(ref.name);
  }
  return false;
}

function ownedBy(cache: Cache, pod: V1Pod, owner: ResourceRef): boolean {
  const ref = pod.metadata?.ownerReferences?.find((o) => o.controller) ?? pod.metadata?.ownerReferences?.[0];
  if (!ref) return false;
  if (ref.kind === owner.kind) return ref.name === owner.name;
  if (ref.kind === "ReplicaSet" && owner.kind === "Deployment") {
    const rs = cache.store("ReplicaSet").get(ref.name, pod.metadata?.namespace);
    const top = rs?.metadata?.ownerReferences?.find((o) => o.controller) ?? rs?.metadata?.ownerReferences?.[0];
    if (top) return top.kind === "Deployment" && top.name === owner.name;
    return new RegExp(`^${escape(owner.name)}-[a-z0-9]{1,10}$`).test(ref.name);
  }
  if (ref.kind === "Job" && owner.kind === "CronJob") {
    const job = cache.store("Job").get(ref.name, pod.metadata?.namespace);
    const top = job?.metadata?.ownerReferences?.find((o) => o.controller);
    return top ? top.kind === "CronJob" && top.name === owner.name : false;
  }
  return false;
}
