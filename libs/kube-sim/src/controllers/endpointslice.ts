// The EndpointSlice controller (pkg/controller/endpointslice): for every Service with a selector, discovery.k8s.io/v1
// slices named `<service>-<random>` listing the selected pods, one slice per distinct port mapping (at most 100
// endpoints each, --max-endpoints-per-slice's default). Unlike Endpoints, terminating pods stay listed, with
// ready=false and serving reflecting their readiness (EndpointSliceTerminatingCondition, GA in 1.26).
import type { Cluster } from "../cluster.js";
import { R } from "../api/resources.js";
import type { KubeObject, Pod } from "../types.js";
import type { Controller } from "./controller.js";
import { isPodReady, isTerminal } from "./pod-state.js";
import { findPort } from "./endpoints.js";
import { controllerRefFor } from "./owner.js";
import { deepEqual } from "../json.js";

export const SERVICE_NAME_LABEL = "kubernetes.io/service-name";
export const MANAGED_BY_LABEL = "endpointslice.kubernetes.io/managed-by";
export const CONTROLLER_NAME = "endpointslice-controller.k8s.io";
const MAX_ENDPOINTS_PER_SLICE = 100;
const ZONE_LABEL = "topology.kubernetes.io/zone";

interface SlicePort {
  name: string;
  port: number;
  protocol: string;
  appProtocol?: string;
}

interface SliceEndpoint {
  addresses: string[];
  conditions: { ready: boolean; serving: boolean; terminating: boolean };
  hostname?: string;
  nodeName?: string;
  zone?: string;
  targetRef: { kind: "Pod"; namespace: string; name: string; uid: string };
}

interface ServicePort {
  name?: string;
  port: number;
  targetPort?: number | string;
  protocol?: string;
  appProtocol?: string;
}

interface DesiredSlice {
  ports: SlicePort[];
  endpoints: SliceEndpoint[];
}

const portsKey = (ports: readonly SlicePort[] | undefined): string =>
  (ports ?? []).map((p) => `${p.name}/${p.port}/${p.protocol}/${p.appProtocol ?? ""}`).join(",");

/** Endpoints for one Service, grouped by the port mapping each pod resolves to (endpointslice reconciler's getEndpointPorts). */
export function desiredSlices(svc: KubeObject, pods: Pod[], zoneOf: (node: string) => string | undefined): DesiredSlice[] {
  const publishNotReady = !!svc.spec.publishNotReadyAddresses;
  const groups = new Map<string, DesiredSlice>();
  for (const pod of pods) {
    const ip = pod.status?.podIP ?? pod.status?.podIPs?.[0]?.ip;
    if (isTerminal(pod) || !ip) continue;
    const terminating = !!pod.metadata.deletionTimestamp;
    const ready = isPodReady(pod);
    const ports: SlicePort[] = [];
    for (const sp of (svc.spec.ports as ServicePort[] | undefined) ?? []) {
      const port = findPort(pod, sp);
      if (port === undefined) continue;
      ports.push({ name: sp.name ?? "", port, protocol: sp.protocol ?? "TCP", ...(sp.appProtocol ? { appProtocol: sp.appProtocol } : {}) });
    }
    const hostname = pod.spec.hostname && pod.spec.subdomain === svc.metadata.name ? pod.spec.hostname : undefined;
    const zone = pod.spec.nodeName ? zoneOf(pod.spec.nodeName) : undefined;
    const endpoint: SliceEndpoint = {
      addresses: [ip],
      conditions: { ready: publishNotReady || (ready && !terminating), serving: publishNotReady || ready, terminating },
      ...(hostname ? { hostname } : {}),
      ...(pod.spec.nodeName ? { nodeName: pod.spec.nodeName } : {}),
      ...(zone ? { zone } : {}),
      targetRef: { kind: "Pod", namespace: pod.metadata.namespace!, name: pod.metadata.name!, uid: pod.metadata.uid! },
    };
    const key = portsKey(ports);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { ports, endpoints: [] }));
    group.endpoints.push(endpoint);
  }
  const out: DesiredSlice[] = [];
  for (const g of groups.values()) {
    g.endpoints.sort((a, b) => (a.targetRef.name < b.targetRef.name ? -1 : 1));
    for (let i = 0; i < g.endpoints.length; i += MAX_ENDPOINTS_PER_SLICE) {
      out.push({ ports: g.ports, endpoints: g.endpoints.slice(i, i + MAX_ENDPOINTS_PER_SLICE) });
    }
  }
  return out;
}

const selects = (selector: Record<string, string>) => {
  const pairs = Object.entries(selector);
  return (p: Pod): boolean => pairs.every(([k, v]) => p.metadata.labels?.[k] === v);
};

export class EndpointSliceController implements Controller {
  readonly name = "endpointslice";
  /** Slices depend on pods, services, nodes (zones) and themselves, not on time. */
  private seenRv = -1;

  reconcile(cluster: Cluster): void {
    const unchanged = (key: string) => cluster.store.eventsSince(key, this.seenRv)?.length === 0;
    if (this.seenRv >= 0 && [R.pods, R.services, R.endpointslices, R.nodes].every(unchanged)) return;
    this.seenRv = cluster.store.resourceVersion;
    const zones = new Map(cluster.list(R.nodes).map((n) => [n.metadata.name!, n.metadata.labels?.[ZONE_LABEL]]));
    const managed = new Map<string, KubeObject[]>();
    for (const s of cluster.list(R.endpointslices)) {
      if (s.metadata.labels?.[MANAGED_BY_LABEL] !== CONTROLLER_NAME) continue;
      const key = `${s.metadata.namespace}/${s.metadata.labels[SERVICE_NAME_LABEL] ?? ""}`;
      managed.set(key, [...(managed.get(key) ?? []), s]);
    }
    for (const svc of cluster.list(R.services)) {
      const key = `${svc.metadata.namespace}/${svc.metadata.name}`;
      const existing = managed.get(key) ?? [];
      managed.delete(key);
      const selector = svc.spec?.selector as Record<string, string> | undefined;
      if (!selector || Object.keys(selector).length === 0 || svc.spec.type === "ExternalName") {
        for (const s of existing) cluster.delete(R.endpointslices, s.metadata.namespace, s.metadata.name!);
        continue;
      }
      const pods = cluster.list<Pod>(R.pods, svc.metadata.namespace).filter(selects(selector));
      this.sync(
        cluster,
        svc,
        desiredSlices(svc, pods, (n) => zones.get(n)),
        existing,
      );
    }
    // Slices whose Service is gone (the garbage collector would also collect them through the owner reference).
    for (const slices of managed.values()) for (const s of slices) cluster.delete(R.endpointslices, s.metadata.namespace, s.metadata.name!);
  }

  private labelsFor(svc: KubeObject): Record<string, string> {
    const labels: Record<string, string> = {
      ...(svc.metadata.labels ?? {}),
      [SERVICE_NAME_LABEL]: svc.metadata.name!,
      [MANAGED_BY_LABEL]: CONTROLLER_NAME,
    };
    if (svc.spec.clusterIP === "None") labels["service.kubernetes.io/headless"] = "";
    return labels;
  }

  private sync(cluster: Cluster, svc: KubeObject, desired: DesiredSlice[], existing: KubeObject[]): void {
    // A Service that selects nothing still gets one placeholder slice, without ports or endpoints.
    const wanted = desired.length ? desired : [{ ports: [], endpoints: [] }];
    const labels = this.labelsFor(svc);
    const free = [...existing];
    for (const want of wanted) {
      // Reuse a slice with the same port mapping, so names stay stable while pods come and go.
      const i = free.findIndex((s) => portsKey(s.ports as SlicePort[] | undefined) === portsKey(want.ports));
      const body = { ...(want.ports.length ? { ports: want.ports } : {}), endpoints: want.endpoints };
      if (i < 0) {
        cluster.create(R.endpointslices, {
          apiVersion: "discovery.k8s.io/v1",
          kind: "EndpointSlice",
          metadata: {
            generateName: `${svc.metadata.name}-`,
            namespace: svc.metadata.namespace,
            labels,
            ownerReferences: [controllerRefFor(svc)],
          },
          addressType: "IPv4",
          ...body,
        });
        continue;
      }
      const [slice] = free.splice(i, 1) as [KubeObject];
      if (deepEqual(slice.endpoints ?? [], want.endpoints) && deepEqual(slice.metadata.labels ?? {}, labels)) continue;
      cluster.mutate(R.endpointslices, slice.metadata.namespace, slice.metadata.name!, (d) => {
        d.metadata.labels = labels;
        d.endpoints = want.endpoints;
        if (want.ports.length) d.ports = want.ports;
        else delete d.ports;
      });
    }
    for (const s of free) cluster.delete(R.endpointslices, s.metadata.namespace, s.metadata.name!);
  }
}
