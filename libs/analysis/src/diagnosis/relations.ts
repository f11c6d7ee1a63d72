// How objects relate, read from the cache alone: the pods a Service, PDB or NetworkPolicy selects, the pods
// mounting a claim, the Services an Ingress routes to, the HPA scaling a workload. Scope building and owner
// resolution both use them; none calls the API server, and a kind the cache does not hold relates to nothing.
import type {
  KubernetesObject,
  V1Ingress,
  V1LabelSelector,
  V1NetworkPolicy,
  V1PersistentVolume,
  V1PersistentVolumeClaim,
  V1Pod,
  V1PodDisruptionBudget,
  V1Service,
  V1StorageClass,
  V2HorizontalPodAutoscaler,
} from "@kubernetes/client-node";
import type { ResourceRef } from "@vigil/contracts";
import { compileSelector, type CachedObjectOf, type ClusterCache, type KindName } from "@vigil/kube";

/** A kind's cached objects of one namespace (all when undefined), or none when the kind is not cached. */
export function cachedList<K extends KindName>(cache: ClusterCache, kind: K, namespace?: string): CachedObjectOf<K>[] {
  return cache.has(kind) ? cache.store(kind).list(namespace === undefined ? {} : { namespace }) : [];
}

/** The label selector an object applies to pods: a Service's map (empty selects nothing), a PDB's or NetworkPolicy's. */
function podSelectorOf(obj: KubernetesObject): V1LabelSelector | Record<string, string> | undefined {
  switch (obj.kind) {
    case "Service": {
      const sel = (obj as V1Service).spec?.selector;
      // A Service without a selector has hand-managed endpoints: it selects no pod.
      return sel && Object.keys(sel).length > 0 ? sel : undefined;
    }
    case "PodDisruptionBudget":
      return (obj as V1PodDisruptionBudget).spec?.selector ?? undefined;
    case "NetworkPolicy":
      return (obj as V1NetworkPolicy).spec?.podSelector ?? undefined;
    default:
      return undefined;
  }
}

/**
 * A test of whether a Service, PDB or NetworkPolicy applies to a pod (same namespace, selector matches),
 * compiled once for many pods; it matches nothing for an object without a pod selector or with an invalid one.
 */
export function podMatcher(obj: KubernetesObject): (pod: V1Pod) => boolean {
  const sel = podSelectorOf(obj);
  if (sel === undefined) return () => false;
  let compiled: ReturnType<typeof compileSelector>;
  try {
    compiled = compileSelector(sel);
  } catch {
    return () => false;
  }
  const namespace = obj.metadata?.namespace;
  return (pod) => pod.metadata?.namespace === namespace && compiled.matches(pod.metadata?.labels);
}

/** Whether any of the pods is selected by a Service, PDB or NetworkPolicy. */
export function selectsAnyPod(obj: KubernetesObject, pods: readonly V1Pod[]): boolean {
  const matches = podMatcher(obj);
  return pods.some(matches);
}

/** The pods a Service, PDB or NetworkPolicy selects. */
export function podsSelectedBy(cache: ClusterCache, obj: KubernetesObject): V1Pod[] {
  if (podSelectorOf(obj) === undefined) return [];
  return cachedList(cache, "Pod", obj.metadata?.namespace ?? "").filter(podMatcher(obj));
}

export function podsMountingClaim(cache: ClusterCache, namespace: string, claim: string): V1Pod[] {
  return cache.has("Pod") ? cache.store("Pod").byIndex("pvc", `${namespace}/${claim}`) : [];
}

/** Names of the Services an Ingress routes to (rules and default backend). */
export function backendServiceNames(ingress: V1Ingress): string[] {
  const names = new Set<string>();
  const fromDefault = ingress.spec?.defaultBackend?.service?.name;
  if (fromDefault) names.add(fromDefault);
  for (const rule of ingress.spec?.rules ?? [])
    for (const path of rule.http?.paths ?? []) if (path.backend.service?.name) names.add(path.backend.service.name);
  return [...names];
}

/** The cached Services an Ingress routes to (a missing one is the Ingress analyzer's finding, not a relation). */
export function backendServices(cache: ClusterCache, ingress: KubernetesObject): V1Service[] {
  const namespace = ingress.metadata?.namespace ?? "";
  return backendServiceNames(ingress as V1Ingress).flatMap((name) => {
    const svc = cache.has("Service") ? cache.get({ kind: "Service", name, namespace }) : undefined;
    return svc ? [svc] : [];
  });
}

/** Ingresses of a namespace routing to any of these Service names. */
export function ingressesRoutingTo(cache: ClusterCache, namespace: string, serviceNames: ReadonlySet<string>): V1Ingress[] {
  if (serviceNames.size === 0) return [];
  return cachedList(cache, "Ingress", namespace).filter((ing) => backendServiceNames(ing).some((n) => serviceNames.has(n)));
}

/** HPAs scaling a workload (scaleTargetRef kind and name). */
export function hpasScaling(cache: ClusterCache, workload: ResourceRef): V2HorizontalPodAutoscaler[] {
  return cachedList(cache, "HorizontalPodAutoscaler", workload.namespace ?? "").filter(
    (h) => h.spec?.scaleTargetRef?.kind === workload.kind && h.spec.scaleTargetRef.name === workload.name,
  );
}

/** Names of the claims a pod mounts. */
export function claimNamesOf(pod: V1Pod): string[] {
  return (pod.spec?.volumes ?? []).flatMap((v) => (v.persistentVolumeClaim ? [v.persistentVolumeClaim.claimName] : []));
}

/** A claim's volume and storage class, when cached. */
export function storageOf(
  cache: ClusterCache,
  claim: V1PersistentVolumeClaim,
): { volume?: V1PersistentVolume; storageClass?: V1StorageClass } {
  const ns = claim.metadata?.namespace ?? "";
  const name = claim.metadata?.name ?? "";
  let volume: V1PersistentVolume | undefined;
  if (cache.has("PersistentVolume")) {
    volume =
      (claim.spec?.volumeName ? cache.get({ kind: "PersistentVolume", name: claim.spec.volumeName }) : undefined) ??
      cache.store("PersistentVolume").byIndex("claim", `${ns}/${name}`)[0];
  }
  const className = claim.spec?.storageClassName ?? volume?.spec?.storageClassName;
  const storageClass = className && cache.has("StorageClass") ? cache.get({ kind: "StorageClass", name: className }) : undefined;
  return { ...(volume ? { volume } : {}), ...(storageClass ? { storageClass } : {}) };
}
