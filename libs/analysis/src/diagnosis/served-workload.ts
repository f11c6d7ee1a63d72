// The workload an object serves when nothing owns it: a PVC, a Service, an Ingress, an HPA or a PDB belongs
// to no controller, yet an alert about one is about the workload behind it (a full volume of postgres-0 is
// the StatefulSet's incident). Cache only: every relation here is a lookup in the cache.
import type { KubernetesObject, V1Pod } from "@kubernetes/client-node";
import type { ResourceRef } from "@vigil/contracts";
import { ownerChain, type ClusterCache } from "@vigil/kube";
import { refOf } from "../evidence.js";
import { backendServices, podsMountingClaim, podsSelectedBy } from "./relations.js";

/** How many pods are enough to tell which workload an object serves. */
const SAMPLE_PODS = 20;

/** The distinct workloads (owner-chain tops) of some pods, most pods first. */
export async function workloadsOf(pods: readonly V1Pod[], cache: ClusterCache): Promise<ResourceRef[]> {
  const counts = new Map<string, { ref: ResourceRef; n: number }>();
  for (const pod of pods.slice(0, SAMPLE_PODS)) {
    const { top } = await ownerChain(pod, { cache, client: null });
    const ref = top.object ? refOf(top.object) : { kind: top.kind, name: top.name, ...(top.namespace ? { namespace: top.namespace } : {}) };
    const key = `${ref.kind}/${ref.namespace ?? ""}/${ref.name}`;
    const seen = counts.get(key);
    if (seen) seen.n++;
    else counts.set(key, { ref, n: 1 });
  }
  return [...counts.values()].sort((a, b) => b.n - a.n).map((c) => c.ref);
}

/** The one workload an unowned object serves, or undefined when it serves none or several. */
export async function servedWorkload(obj: KubernetesObject, cache: ClusterCache): Promise<ResourceRef | undefined> {
  const pods = await podsServedBy(obj, cache);
  if (pods === undefined) return hpaTarget(obj, cache);
  const workloads = await workloadsOf(pods, cache);
  return workloads.length === 1 ? workloads[0] : undefined;
}

/** Pods behind an unowned object; undefined for kinds whose link is not through pods (HPA). */
async function podsServedBy(obj: KubernetesObject, cache: ClusterCache): Promise<V1Pod[] | undefined> {
  switch (obj.kind) {
    case "PersistentVolumeClaim":
      return podsMountingClaim(cache, obj.metadata?.namespace ?? "", obj.metadata?.name ?? "");
    case "PersistentVolume": {
      const claim = (obj as { spec?: { claimRef?: { name?: string; namespace?: string } } }).spec?.claimRef;
      return claim?.name ? podsMountingClaim(cache, claim.namespace ?? "", claim.name) : [];
    }
    case "Service":
    case "PodDisruptionBudget":
      return podsSelectedBy(cache, obj);
    case "Ingress":
      return backendServices(cache, obj).flatMap((svc) => podsSelectedBy(cache, svc));
    default:
      return undefined;
  }
}

/** An HPA serves the workload it scales (scaleTargetRef), when that workload is cached. */
async function hpaTarget(obj: KubernetesObject, cache: ClusterCache): Promise<ResourceRef | undefined> {
  if (obj.kind !== "HorizontalPodAutoscaler") return undefined;
  const target = (obj as { spec?: { scaleTargetRef?: { kind?: string; name?: string } } }).spec?.scaleTargetRef;
  const namespace = obj.metadata?.namespace;
  if (!target?.kind || !target.name || !namespace) return undefined;
  if (target.kind !== "Deployment" && target.kind !== "StatefulSet" && target.kind !== "ReplicaSet") {
    return { kind: target.kind, name: target.name, namespace };
  }
  const scaled = cache.has(target.kind) ? cache.get({ kind: target.kind, name: target.name, namespace }) : undefined;
  if (!scaled) return { kind: target.kind, name: target.name, namespace };
  const { top } = await ownerChain(scaled, { cache, client: null });
  return top.object ? refOf(top.object) : { kind: top.kind, name: top.name, namespace };
}
