// What stands behind a Service, from the cache: the pods its selector matches, its endpoints as the
// EndpointSlice controller (or the older Endpoints controller) published them, the workloads that would
// match if they had pods, and the pods that nearly match (same label keys, another value), which is how a
// renamed app usually shows up.
import type { V1Endpoints, V1Pod, V1Service } from "@kubernetes/client-node";
import { compileSelector, selectorMatches, type ClusterCache } from "@vigil/kube";
import { isPodReady } from "../pod/pod-facts.js";
import { describeWorkload, isActivePod, workloadOf, type WorkloadRef } from "./pod-facts.js";

/** Set on Endpoints used as a leader-election lock (old client-go resourcelock): not a Service's backends. */
export const LEADER_ANNOTATION = "control-plane.alpha.kubernetes.io/leader";

export interface EndpointCounts {
  /** Whether any endpoints object was found (the controller may not have written one yet). */
  known: boolean;
  ready: number;
  notReady: number;
}

const nsOf = (svc: V1Service): string => svc.metadata?.namespace ?? "default";

export function endpointsObject(cache: ClusterCache, svc: V1Service): V1Endpoints | undefined {
  return cache.has("Endpoints") ? cache.get({ kind: "Endpoints", namespace: nsOf(svc), name: svc.metadata?.name ?? "" }) : undefined;
}

/** Ready and not-ready addresses that carry traffic: EndpointSlices when cached (ready unset counts as ready, as kube-proxy has it), else Endpoints. */
export function endpointCounts(cache: ClusterCache, svc: V1Service): EndpointCounts {
  if (cache.has("EndpointSlice")) {
    const slices = cache
      .store("EndpointSlice")
      .byIndex("service", svc.metadata?.name ?? "")
      .filter((s) => s.metadata?.namespace === nsOf(svc));
    if (slices.length > 0) {
      // A slice without ports holds pods that lack the Service's (named) target port: kube-proxy routes nothing to them.
      const all = slices.filter((s) => (s.ports ?? []).length > 0).flatMap((s) => s.endpoints ?? []);
      const ready = all.filter((e) => e.conditions?.ready !== false).length;
      return { known: true, ready, notReady: all.length - ready };
    }
  }
  const ep = endpointsObject(cache, svc);
  if (!ep) return { known: false, ready: 0, notReady: 0 };
  const subsets = ep.subsets ?? [];
  return {
    known: true,
    ready: subsets.reduce((n, s) => n + (s.addresses?.length ?? 0), 0),
    notReady: subsets.reduce((n, s) => n + (s.notReadyAddresses?.length ?? 0), 0),
  };
}

/** Active pods in the Service's namespace its selector matches. */
export function selectedPods(cache: ClusterCache, svc: V1Service): V1Pod[] {
  const selector = svc.spec?.selector ?? {};
  return cache
    .store("Pod")
    .list({ namespace: nsOf(svc), labelSelector: selector })
    .filter(isActivePod);
}

/** Whether a pod the selector matches is on its way out (a Recreate rollout, a teardown): the state is about to change. */
export const hasLeavingPods = (cache: ClusterCache, svc: V1Service): boolean =>
  cache
    .store("Pod")
    .list({ namespace: nsOf(svc), labelSelector: svc.spec?.selector ?? {} })
    .some((p) => p.metadata?.deletionTimestamp !== undefined);

/** Deployments and StatefulSets whose pod template the selector matches, with the replicas they ask for. */
export function matchingWorkloads(cache: ClusterCache, svc: V1Service): Array<WorkloadRef & { replicas: number }> {
  const selector = svc.spec?.selector ?? {};
  const out: Array<WorkloadRef & { replicas: number }> = [];
  for (const kind of ["Deployment", "StatefulSet"] as const) {
    if (!cache.has(kind)) continue;
    for (const w of cache.store(kind).list({ namespace: nsOf(svc) })) {
      if (selectorMatches(selector, w.spec?.template?.metadata?.labels)) {
        out.push({ kind, name: w.metadata?.name ?? "", namespace: nsOf(svc), replicas: w.spec?.replicas ?? 1 });
      }
    }
  }
  return out;
}

export interface NearMiss {
  /** The selector term the pods fail, e.g. `app=web`, and the value they have instead. */
  key: string;
  wanted: string;
  actual: string;
  workload: string;
  pods: string[];
  /** Whether another Service in the namespace already selects these pods (then they are less likely meant). */
  servedElsewhere: boolean;
  /** Whether the pods expose the Service's target port (by name or number). */
  exposesTargetPort: boolean;
  /**
   * Whether any of them is Ready. A backend that lost its Service idles healthily, while a client of that Service
   * often fails its readiness for want of it (service-selector-mismatch: storefront Ready, checkout not).
   */
  ready: boolean;
}

const exposesPort = (pod: V1Pod, svc: V1Service): boolean =>
  (svc.spec?.ports ?? []).some((sp) => {
    const target = sp.targetPort ?? sp.port;
    return (pod.spec?.containers ?? []).some((c) =>
      (c.ports ?? []).some((cp) => (typeof target === "number" ? cp.containerPort === target : cp.name === String(target))),
    );
  });

/**
 * Pods that match every term of the selector but one, and carry that label with another value, grouped by
 * workload and ranked: pods no other Service selects, that expose the target port and are ready, first.
 */
export function nearMisses(cache: ClusterCache, svc: V1Service): NearMiss[] {
  const selector = svc.spec?.selector ?? {};
  const terms = Object.entries(selector);
  const others = cache
    .store("Service")
    .list({ namespace: nsOf(svc) })
    .filter((s) => s.metadata?.name !== svc.metadata?.name && Object.keys(s.spec?.selector ?? {}).length > 0)
    .map((s) => compileSelector(s.spec?.selector ?? {}));
  const groups = new Map<string, NearMiss>();
  for (const pod of cache.store("Pod").list({ namespace: nsOf(svc) })) {
    if (!isActivePod(pod)) continue;
    const labels = pod.metadata?.labels ?? {};
    const failed = terms.filter(([k, v]) => labels[k] !== v);
    if (failed.length !== 1) continue;
    const [key, wanted] = failed[0]!;
    const actual = labels[key];
    if (actual === undefined) continue;
    const workload = describeWorkload(workloadOf(cache, pod));
    const id = `${key}=${actual}/${workload}`;
    const group = groups.get(id) ?? {
      key,
      wanted,
      actual,
      workload,
      pods: [],
      servedElsewhere: others.some((sel) => sel.matches(labels)),
      exposesTargetPort: exposesPort(pod, svc),
      ready: false,
    };
    group.pods.push(pod.metadata?.name ?? "");
    group.ready ||= isPodReady(pod);
    groups.set(id, group);
  }
  const rank = (m: NearMiss): number => (m.servedElsewhere ? 4 : 0) + (m.exposesTargetPort ? 0 : 2) + (m.ready ? 0 : 1);
  return [...groups.values()].sort((a, b) => rank(a) - rank(b) || b.pods.length - a.pods.length || a.workload.localeCompare(b.workload));
}

/** `app=web` */
export const selectorText = (svc: V1Service): string =>
  Object.entries(svc.spec?.selector ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
