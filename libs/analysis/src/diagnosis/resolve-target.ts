// From an alert to what it is about: the object it names (with the container, when it names one), whether
// that object exists, its owner chain, and the owner an incident groups by (one incident per owning
// workload or node). Cache first: the API server is asked only for an owner the cache does not hold (a
// ReplicaSet created a moment ago, not seen yet) or for a kind the cache does not hold at all.
import type { KubernetesObject } from "@kubernetes/client-node";
import type { AlertMessage, ResourceRef } from "@vigil/contracts";
import { isKindName, KINDS, ownerChain, type ClusterCache, type KubeClient, type OwnerLink } from "@vigil/kube";
import { refOf } from "../evidence.js";
import { servedWorkload } from "./served-workload.js";

/** The owner of an alert that names no object and no namespace: the cluster as a whole. */
export const CLUSTER_REF: ResourceRef = Object.freeze({ kind: "Cluster", name: "cluster" });

/** Kinds whose owner is the workload they serve rather than an ownerReference. */
const SERVING_KINDS = new Set([
  "PersistentVolumeClaim",
  "PersistentVolume",
  "Service",
  "Ingress",
  "HorizontalPodAutoscaler",
  "PodDisruptionBudget",
]);

export type AlertSubject = Pick<AlertMessage, "target" | "namespace">;

export interface ResolvedTarget {
  /** What the alert names (a container of a pod, a node, a PVC...); undefined when it names nothing. */
  target?: ResourceRef;
  /** The target as cached (or read), when it exists. */
  object?: KubernetesObject;
  /** False only when the alert names an object the cluster does not have. */
  exists: boolean;
  /** The target first, then each owner up to `owner` (for a PVC, Service, Ingress, HPA or PDB: the workload it serves). */
  ownerChain: ResourceRef[];
  /** What the incident is about: Deployment, StatefulSet, DaemonSet, CronJob, bare Job or Pod, Node; else the target, its namespace or CLUSTER_REF. */
  owner: ResourceRef;
  /** Objects of the chain above the target, as cached; the scope builder reuses them. */
  ownerObjects: KubernetesObject[];
  /** Why the chain may stop short of the real owner (an owner gone, a kind libs/kube does not read, the API unreachable). */
  incomplete?: string;
}

export interface ResolveOptions {
  /** Ask the API server for what the cache does not hold (default true); false keeps resolution cache-only. */
  apiFallback?: boolean;
}

const withoutContainer = ({ container: _c, ...ref }: ResourceRef): ResourceRef => ref;

const linkRef = (l: OwnerLink): ResourceRef =>
  l.object ? refOf(l.object) : { kind: l.kind, name: l.name, ...(l.namespace ? { namespace: l.namespace } : {}) };

export async function resolveTarget(alert: AlertSubject, cache: ClusterCache, opts: ResolveOptions = {}): Promise<ResolvedTarget> {
  const client = opts.apiFallback === false ? null : cache.client;
  const target = alert.target;
  if (!target) {
    const owner = alert.namespace ? { kind: "Namespace", name: alert.namespace } : CLUSTER_REF;
    return { exists: true, ownerChain: [], owner, ownerObjects: [] };
  }
  const found = await findTarget(withoutContainer(target), cache, client);
  if (found.object === undefined) {
    const self = withoutContainer(target);
    return {
      target,
      exists: found.exists,
      ownerChain: [target],
      owner: self,
      ownerObjects: [],
      ...(found.note ? { incomplete: found.note } : {}),
    };
  }
  const object = found.object;
  if (SERVING_KINDS.has(target.kind)) {
    const served = await servedWorkload(object, cache);
    return {
      target,
      object,
      exists: true,
      ownerChain: served ? [target, served] : [target],
      owner: served ?? withoutContainer(target),
      ownerObjects: served && isKindName(served.kind) && cache.has(served.kind) ? cachedObjects(cache, [served]) : [],
    };
  }
  // The owners a workload controller sets are all cached kinds: stay on the cache, and ask the API server
  // only when the chain stops at an owner the cache has not seen.
  let chain = await ownerChain(object, { cache, client: null });
  if (chain.incomplete && client && chain.top.source === "missing" && isKindName(chain.top.kind)) {
    chain = await ownerChain(object, { cache, client }).catch(() => chain);
  }
  const [, ...owners] = chain.chain;
  return {
    target,
    object,
    exists: true,
    ownerChain: [target, ...owners.map(linkRef)],
    owner: withoutContainer(owners.length > 0 ? linkRef(chain.top) : target),
    ownerObjects: owners.flatMap((l) => (l.object ? [l.object] : [])),
    ...(chain.incomplete ? { incomplete: chain.incomplete } : {}),
  };
}

function cachedObjects(cache: ClusterCache, refs: ResourceRef[]): KubernetesObject[] {
  return refs.flatMap((r) => {
    const o = isKindName(r.kind)
      ? cache.get({ kind: r.kind, name: r.name, ...(r.namespace ? { namespace: r.namespace } : {}) })
      : undefined;
    return o ? [o] : [];
  });
}

/** The target from the cache; from the API server only when its kind is not cached (or unknown to libs/kube: assumed to exist). */
async function findTarget(
  ref: ResourceRef,
  cache: ClusterCache,
  client: KubeClient | null,
): Promise<{ object?: KubernetesObject; exists: boolean; note?: string }> {
  if (!isKindName(ref.kind)) return { exists: true, note: `${ref.kind} is not a kind libs/kube reads` };
  const kind = ref.kind;
  const lookup = { kind, name: ref.name, ...(KINDS[kind].namespaced && ref.namespace ? { namespace: ref.namespace } : {}) };
  if (cache.has(kind)) {
    const object = cache.get(lookup);
    return object ? { object, exists: true } : { exists: false };
  }
  if (!client) return { exists: true, note: `${kind} is not cached and API lookups are off` };
  try {
    const object = await client.find(lookup);
    return object ? { object, exists: true } : { exists: false };
  } catch (err) {
    // Unreachable API server: the alert may well be right, so the diagnosis goes on without the object.
    return { exists: true, note: `${kind} ${ref.name} could not be read: ${(err as Error).message}` };
  }
}
