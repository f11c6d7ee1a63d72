// The objects an incident concerns, which the diagnosis runs the analyzers over: the target and its owner
// chain, the owner's pods, their nodes, the Services selecting them and the Ingresses routing to those, the
// NetworkPolicies and PDBs selecting them, the claims they mount (with volumes and storage classes), and the
// HPA scaling the owner; for a Node, the node and its pods. Bounded: at most `maxPods` pods (the target pod
// and the unhealthy ones first) and `maxPerKind` objects of any other kind, so an alert about a 5,000-pod
// namespace is analyzed as fast as one about a small Deployment.
import type { KubernetesObject, V1Pod } from "@kubernetes/client-node";
import type { ResourceRef } from "@vigil/contracts";
import { isKindName, type ClusterCache, type KindName } from "@vigil/kube";
import { CLUSTER_REF, type ResolvedTarget } from "./resolve-target.js";
import { cachedList, claimNamesOf, hpasScaling, ingressesRoutingTo, podsSelectedBy, selectsAnyPod, storageOf } from "./relations.js";

export interface ScopeLimits {
  /** Pods analyzed per incident (default 50). */
  maxPods: number;
  /** Objects of any other kind (default 50). */
  maxPerKind: number;
}

export const defaultScopeLimits: ScopeLimits = { maxPods: 50, maxPerKind: 50 };

export interface IncidentScope {
  /** Every object to analyze, the target first, each once. */
  objects: KubernetesObject[];
  /** The pods among them. */
  pods: V1Pod[];
  /** Pods left out by the cap (the diagnosis says so). */
  podsOmitted: number;
}

const WORKLOAD_KINDS = new Set(["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob"]);

/** How unhealthy a pod looks, to analyze the worst first when there are too many. */
export function podTrouble(pod: V1Pod): number {
  const phase = pod.status?.phase;
  if (pod.metadata?.deletionTimestamp || phase === "Pending" || phase === "Failed" || phase === "Unknown") return 3;
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  if (phase !== "Succeeded" && statuses.some((s) => s.state?.waiting || (!s.ready && !s.state?.terminated))) return 2;
  if (statuses.some((s) => s.restartCount > 0)) return 1;
  return 0;
}

class ScopeSet {
  private readonly byKey = new Map<string, KubernetesObject>();
  private readonly perKind = new Map<string, number>();
  constructor(private readonly maxPerKind: number) {}

  add(obj: KubernetesObject | undefined, force = false): void {
    if (!obj?.kind || !obj.metadata?.name) return;
    const key = `${obj.kind}/${obj.metadata.namespace ?? ""}/${obj.metadata.name}`;
    if (this.byKey.has(key)) return;
    const n = this.perKind.get(obj.kind) ?? 0;
    if (!force && obj.kind !== "Pod" && n >= this.maxPerKind) return;
    this.perKind.set(obj.kind, n + 1);
    this.byKey.set(key, obj);
  }

  all(): KubernetesObject[] {
    return [...this.byKey.values()];
  }
}

const get = (cache: ClusterCache, ref: ResourceRef): KubernetesObject | undefined =>
  isKindName(ref.kind) && cache.has(ref.kind)
    ? cache.get({ kind: ref.kind, name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}) })
    : undefined;

const owned = <K extends KindName>(cache: ClusterCache, kind: K, owner: KubernetesObject | undefined) =>
  owner?.metadata?.uid && cache.has(kind) ? cache.store(kind).byOwner(owner.metadata.uid) : [];

/** The pods of a workload (through its ReplicaSets or Jobs), and those intermediate objects. */
function workloadPods(cache: ClusterCache, workload: KubernetesObject): { pods: V1Pod[]; between: KubernetesObject[] } {
  switch (workload.kind) {
    case "Deployment": {
      // Old ReplicaSets scaled to 0 keep the rollout history but no pod: only the live ones matter here.
      const sets = owned(cache, "ReplicaSet", workload).filter((rs) => (rs.spec?.replicas ?? 0) > 0 || (rs.status?.replicas ?? 0) > 0);
      return { pods: sets.flatMap((rs) => owned(cache, "Pod", rs)), between: sets };
    }
    case "CronJob": {
      const jobs = owned(cache, "Job", workload);
      return { pods: jobs.flatMap((j) => owned(cache, "Pod", j)), between: jobs };
    }
    default:
      return { pods: owned(cache, "Pod", workload), between: [] };
  }
}

export function buildScope(resolved: ResolvedTarget, cache: ClusterCache, limits: ScopeLimits = defaultScopeLimits): IncidentScope {
  const set = new ScopeSet(limits.maxPerKind);
  set.add(resolved.object, true);
  for (const o of resolved.ownerObjects) set.add(o, true);
  const owner = resolved.owner;
  let candidates: V1Pod[] = [];

  if (resolved.object?.kind === "Node") {
    candidates = cache.has("Pod") ? cache.store("Pod").byIndex("node", resolved.object.metadata?.name ?? "") : [];
  } else if (WORKLOAD_KINDS.has(owner.kind)) {
    const workload = get(cache, owner);
    if (workload) {
      const { pods, between } = workloadPods(cache, workload);
      between.forEach((o) => set.add(o));
      candidates = pods;
    }
  } else if (owner.kind === "Pod") {
    const pod = get(cache, owner);
    if (pod) candidates = [pod];
  } else if (owner.kind === "Namespace") {
    set.add(get(cache, owner));
    for (const kind of [
      "Deployment",
      "StatefulSet",
      "DaemonSet",
      "Job",
      "CronJob",
      "PersistentVolumeClaim",
      "HorizontalPodAutoscaler",
    ] as const) {
      cachedList(cache, kind, owner.name).forEach((o) => set.add(o));
    }
    candidates = cachedList(cache, "Pod", owner.name);
  } else if (owner.kind === CLUSTER_REF.kind) {
    const nodes = cachedList(cache, "Node");
    nodes.sort((a, b) => Number(isReady(a)) - Number(isReady(b))).forEach((n) => set.add(n));
  } else if (resolved.object) {
    // A Service, PDB or Ingress serving no single workload: the pods it selects.
    candidates = podsSelectedBy(cache, resolved.object);
  }
  if (resolved.object?.kind === "PersistentVolumeClaim") {
    const { volume, storageClass } = storageOf(cache, resolved.object);
    set.add(volume);
    set.add(storageClass);
  }

  const targetPod = resolved.object?.kind === "Pod" ? (resolved.object as V1Pod) : undefined;
  const ranked = candidates
    .filter((p) => p !== targetPod)
    .map((p, i) => ({ p, i, t: podTrouble(p) }))
    .sort((a, b) => b.t - a.t || a.i - b.i)
    .map((x) => x.p);
  const pods = [...(targetPod ? [targetPod] : []), ...ranked].slice(0, limits.maxPods);
  const podsOmitted = (targetPod ? 1 : 0) + ranked.length - pods.length;
  pods.forEach((p) => set.add(p));

  if (resolved.object?.kind !== "Node") addPodSurroundings(cache, set, pods, owner);
  else for (const p of pods) if (p.spec?.nodeName) set.add(get(cache, { kind: "Node", name: p.spec.nodeName }));

  const objects = set.all();
  return { objects, pods: objects.filter((o): o is V1Pod => o.kind === "Pod"), podsOmitted };
}

const isReady = (node: KubernetesObject): boolean =>
  (node as { status?: { conditions?: Array<{ type: string; status: string }> } }).status?.conditions?.some(
    (c) => c.type === "Ready" && c.status === "True",
  ) === true;

/** Nodes, Services, Ingresses, NetworkPolicies, PDBs, claims and the HPA around a set of pods. */
function addPodSurroundings(cache: ClusterCache, set: ScopeSet, pods: readonly V1Pod[], owner: ResourceRef): void {
  const namespaces = new Set(pods.map((p) => p.metadata?.namespace ?? ""));
  for (const p of pods) if (p.spec?.nodeName) set.add(get(cache, { kind: "Node", name: p.spec.nodeName }));
  for (const ns of namespaces) {
    const inNs = pods.filter((p) => (p.metadata?.namespace ?? "") === ns);
    const services = cachedList(cache, "Service", ns).filter((s) => selectsAnyPod(s, inNs));
    services.forEach((s) => set.add(s));
    ingressesRoutingTo(cache, ns, new Set(services.map((s) => s.metadata?.name ?? ""))).forEach((i) => set.add(i));
    for (const kind of ["NetworkPolicy", "PodDisruptionBudget"] as const) {
      cachedList(cache, kind, ns)
        .filter((o) => selectsAnyPod(o, inNs))
        .forEach((o) => set.add(o));
    }
    const claims = new Set(inNs.flatMap(claimNamesOf));
    for (const name of claims) {
      const claim = cache.has("PersistentVolumeClaim") ? cache.get({ kind: "PersistentVolumeClaim", name, namespace: ns }) : undefined;
      if (!claim) continue;
      set.add(claim);
      const { volume, storageClass } = storageOf(cache, claim);
      set.add(volume);
      set.add(storageClass);
    }
  }
  if (owner.namespace) hpasScaling(cache, owner).forEach((h) => set.add(h));
}
